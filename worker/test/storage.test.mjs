// Integration tests of the account object's storage on workerd: the
// storage conformance suite on a real Durable Object's storage (reads and
// atomic writes of many keys, listings), and rated calls kept as records of
// their own: a CDR batch re-sent after the runtime restarted (new isolate,
// new object, storage kept) is answered with the same charges and neither
// charged nor recorded in D1 twice.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, keys, bearer, workerOptions } from "./harness.mjs";

let w;
before(async () => { w = await start(); });
after(async () => { await w?.stop(); });

const post = (path, token, body) =>
  w.fetch(path, {
    method: "POST",
    headers: { ...bearer(token), "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

async function json(res) {
  const text = await res.text();
  try { return JSON.parse(text); } catch { assert.fail(`not JSON (${res.status}): ${text}`); }
}

async function object(tenant, path, init) {
  const ns = await w.mf.getDurableObjectNamespace("ACCOUNTS");
  return ns.get(ns.idFromName(tenant)).fetch("https://account" + path + (path.includes("?") ? "&" : "?") + "tenant=" + tenant, init);
}

async function cdrCount(tenant) {
  const r = await w.db.prepare("SELECT count(*) AS n FROM cdrs WHERE tenant_id = ?").bind(tenant).first();
  return r.n;
}

const now = new Date();
const startAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), now.getUTCHours())).toISOString().replace(".000", "");

test("Durable Object storage conformance (many keys, atomic writes, listings)", async () => {
  const res = await object("selftest-storage", "/__selftest/storage?unique=" + Date.now(), { method: "POST" });
  assert.equal(await res.text(), "ok");
});

test("cdrs: a batch re-sent after the object restarted is answered the same, charged and recorded once", async () => {
  const d1Before = await cdrCount("demo");
  // More CDRs than the runtime reads or writes in one call (128).
  const cdrs = [
    { call_id: "rs-payg", user: "alice", dialled: "+61412345678", start: startAt, seconds: 125 },
    { call_id: "rs-bundle", user: "bob", dialled: "+442079460000", start: startAt, seconds: 61 },
  ];
  for (let i = 0; i < 198; i++) {
    cdrs.push({ call_id: "rs-" + i, user: "bob", dialled: "+442079460000", start: startAt, seconds: 0 });
  }
  const first = (await json(await post("/v1/cdrs", keys.demo, { cdrs }))).results;
  assert.equal(first.length, 200);
  assert.ok(first.every((r) => r.error === undefined && r.duplicate === false), JSON.stringify(first.find((r) => r.error || r.duplicate)));
  assert.equal(first[0].cost, "1.14");
  assert.equal(first[1].bundle_minutes, 2);
  const s1 = await json(await object("demo", "/state"));
  assert.equal(await cdrCount("demo"), d1Before + 200);

  // The runtime restarts: a new isolate and a new object; storage is kept.
  await w.mf.setOptions(workerOptions());
  w.db = await w.mf.getD1Database("DB"); // stubs do not survive setOptions
  const again = (await json(await post("/v1/cdrs", keys.demo, { cdrs }))).results;
  for (let i = 0; i < cdrs.length; i++) {
    assert.equal(again[i].duplicate, true, cdrs[i].call_id);
    assert.equal(again[i].cost, first[i].cost, cdrs[i].call_id);
    assert.equal(again[i].bundle_minutes, first[i].bundle_minutes, cdrs[i].call_id);
  }
  const s2 = await json(await object("demo", "/state"));
  assert.equal(s2.payg, s1.payg);
  assert.equal(s2.bundle_minutes, s1.bundle_minutes);
  assert.equal(await cdrCount("demo"), d1Before + 200);

  // A bad body after the restart: 400, nothing charged.
  const bad = await post("/v1/cdrs", keys.demo, '{"cdrs":[{"call_id":"rs-new","user":"bob","dialled":"+442079460000","start":"' + startAt + '","seconds":-1}]}');
  assert.equal(bad.status, 400);
  assert.equal(await cdrCount("demo"), d1Before + 200);
  // A new call in the same batch as a re-sent one: only the new one is charged.
  const mixed = (await json(await post("/v1/cdrs", keys.demo, { cdrs: [cdrs[0], { call_id: "rs-new", user: "alice", dialled: "+61412345678", start: startAt, seconds: 60 }] }))).results;
  assert.equal(mixed[0].duplicate, true);
  assert.equal(mixed[1].duplicate, false);
  assert.equal(mixed[1].cost, "0.38");
  assert.equal(await cdrCount("demo"), d1Before + 201);
});
