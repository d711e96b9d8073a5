// Integration tests of the carrier API on workerd: authorization through the
// account Durable Object, CDR rating into D1, auth and tenant isolation, bad
// bodies, and the cron trigger.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, keys, bearer } from "./harness.mjs";

let w;
before(async () => { w = await start(); });
after(async () => { await w?.stop(); });

const post = (path, token, body, headers = {}) =>
  w.fetch(path, {
    method: "POST",
    headers: { ...bearer(token), "content-type": "application/json", ...headers },
    body: typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body),
  });

async function json(res) {
  const text = await res.text();
  try { return JSON.parse(text); } catch { assert.fail(`not JSON (${res.status}): ${text}`); }
}

async function state(tenant) {
  const ns = await w.mf.getDurableObjectNamespace("ACCOUNTS");
  const res = await ns.get(ns.idFromName(tenant)).fetch("https://account/state?tenant=" + tenant);
  return json(res);
}

async function cdrCount(tenant) {
  const r = await w.db.prepare("SELECT count(*) AS n FROM cdrs WHERE tenant_id = ?").bind(tenant).first();
  return r.n;
}

const now = new Date();
const startAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), now.getUTCHours())).toISOString().replace(".000", "");

test("authorize: AU mobile PAYG call is bounded by the cap and reserved", async () => {
  const res = await post("/v1/authorize", keys.demo, { call_id: "au-1", user: "alice", dialled: "+61412345678", start: startAt });
  assert.equal(res.status, 200);
  const d = await json(res);
  assert.equal(d.allowed, true);
  assert.equal(d.cover, "payg");
  assert.equal(d.rate.per_minute, "0.38");
  assert.ok(d.max_seconds > 0);
  assert.ok(d.expires);
  const s = await state("demo");
  assert.ok(s.in_progress.includes("au-1"));
  assert.notEqual(s.held_payg, "0");
  // the same call id again returns the reserved decision
  const again = await json(await post("/v1/authorize", keys.demo, { call_id: "au-1", user: "alice", dialled: "+61412345678", start: startAt }));
  assert.equal(again.max_seconds, d.max_seconds);
});

test("authorize: emergency is always allowed; domestic-only user denied abroad", async () => {
  let d = await json(await post("/v1/authorize", keys.demo, { call_id: "e-1", user: "bob", dialled: "999" }));
  assert.equal(d.allowed, true);
  assert.equal(d.reason, "emergency");
  assert.equal(d.max_seconds, null);
  d = await json(await post("/v1/authorize", keys.demo, { call_id: "p-1", user: "bob", dialled: "+61412345678" }));
  assert.equal(d.allowed, false);
  assert.equal(d.reason, "denied_privilege");
  d = await json(await post("/v1/authorize", keys.demo, { call_id: "u-1", user: "nobody", dialled: "+61412345678" }));
  assert.equal(d.allowed, false);
  assert.equal(d.reason, "denied_unknown_user");
  d = await json(await post("/v1/authorize", keys.demo, { call_id: "x-1", user: "alice", dialled: "12" }));
  assert.equal(d.allowed, false);
  assert.equal(d.reason, "denied_invalid_number");
});

test("authorize: domestic call from the pooled bundle", async () => {
  const d = await json(await post("/v1/authorize", keys.demo, { call_id: "gb-1", user: "bob", dialled: "020 7946 0000", start: startAt }));
  assert.equal(d.allowed, true);
  assert.equal(d.cover, "bundle");
  assert.equal(d.number, "+442079460000");
});

test("cdrs: settle the reservation, charge exactly the quote, idempotent, in D1", async () => {
  const before = await cdrCount("demo");
  const batch = { cdrs: [{ call_id: "au-1", user: "alice", dialled: "+61412345678", start: startAt, seconds: 125 }] };
  let res = await post("/v1/cdrs", keys.demo, batch);
  assert.equal(res.status, 200);
  let r = (await json(res)).results[0];
  assert.equal(r.error, undefined);
  assert.equal(r.cover, "payg");
  assert.equal(r.cost, "1.14"); // 3 started minutes at 0.38 (60/60)
  assert.equal(r.duplicate, false);
  assert.equal(await cdrCount("demo"), before + 1);
  const s = await state("demo");
  assert.ok(!s.in_progress.includes("au-1"));
  assert.equal(s.payg, "1.14");
  // again: duplicate, nothing charged twice
  r = (await json(await post("/v1/cdrs", keys.demo, batch))).results[0];
  assert.equal(r.duplicate, true);
  assert.equal(await cdrCount("demo"), before + 1);
  assert.equal((await state("demo")).payg, "1.14");
  const charges = await w.db.prepare("SELECT covered_by, amount FROM charges WHERE tenant_id = 'demo' AND call_id = 'au-1'").all();
  assert.deepEqual(charges.results, [{ covered_by: "payg", amount: "1.14" }]);
});

test("cdrs: per-CDR domain errors, whole-batch shape errors", async () => {
  let res = await post("/v1/cdrs", keys.demo, { cdrs: [
    { call_id: "ok-1", user: "bob", dialled: "+442079460000", start: startAt, seconds: 30 },
    { call_id: "bad-1", user: "nobody", dialled: "+442079460000", start: startAt, seconds: 30 },
  ] });
  assert.equal(res.status, 200);
  const rs = (await json(res)).results;
  assert.equal(rs[0].cover, "bundle");
  assert.equal(rs[1].error.code, "not_found");
  // a malformed CDR anywhere rejects the whole batch before anything is charged
  const before = await cdrCount("demo");
  res = await post("/v1/cdrs", keys.demo, { cdrs: [
    { call_id: "ok-2", user: "bob", dialled: "+442079460000", start: startAt, seconds: 30 },
    { call_id: "bad-2", user: "bob", dialled: "+442079460000", start: startAt, seconds: -1 },
  ] });
  assert.equal(res.status, 400);
  assert.equal((await json(res)).error.field, "cdrs[1].seconds");
  assert.equal(await cdrCount("demo"), before);
});

test("carrier auth: 401 missing/wrong key, 403 wrong scope, 404 other tenant", async () => {
  const body = { call_id: "auth-1", user: "alice", dialled: "+61412345678" };
  let res = await w.fetch("/v1/authorize", { method: "POST", body: JSON.stringify(body) });
  assert.equal(res.status, 401); await res.arrayBuffer();
  res = await post("/v1/authorize", "tg_demo_not-the-secret", body);
  assert.equal(res.status, 401); await res.arrayBuffer();
  res = await post("/v1/authorize", keys["demo-rates"], body);
  assert.equal(res.status, 403);
  assert.equal((await json(res)).error.code, "forbidden");
  res = await post("/v1/cdrs", keys["demo-rates"], { cdrs: [] });
  assert.equal(res.status, 403); await res.arrayBuffer();
  res = await post("/v1/authorize", keys.demo, { ...body, tenant: "globex" });
  assert.equal(res.status, 404);
  assert.equal((await json(res)).error.code, "not_found");
  assert.ok(!(await state("demo")).in_progress.includes("auth-1"));
});

test("tenant isolation: globex cannot see or touch demo's calls", async () => {
  // globex's own user works with its own key
  let d = await json(await post("/v1/authorize", keys.globex, { call_id: "g-1", user: "gina", dialled: "+14155550100" }));
  assert.equal(d.allowed, true);
  assert.equal(d.cover, "package"); // US & Canada included
  // demo's user is unknown to globex
  d = await json(await post("/v1/authorize", keys.globex, { call_id: "g-2", user: "alice", dialled: "+61412345678" }));
  assert.equal(d.reason, "denied_unknown_user");
  // the same call id in two tenants are two calls
  const r = (await json(await post("/v1/cdrs", keys.globex, { cdrs: [
    { call_id: "au-1", user: "gina", dialled: "+14155550100", start: startAt, seconds: 60 }] }))).results[0];
  assert.equal(r.duplicate, false);
  assert.equal(r.cover, "package");
  assert.equal((await state("demo")).payg, "1.14");
});

test("bad bodies: clear 4xx and no state change", async () => {
  const before = await state("demo");
  const beforeCDRs = await cdrCount("demo");
  const cases = [
    ["{", "application/json", 400],
    ['{"call_id": 7, "user": "alice", "dialled": "+61412345678"}', "application/json", 400],
    ['{"call_id": "b1", "user": "alice", "dialled": "+61412345678", "extra": 1}', "application/json", 400],
    ['{"call_id": "b1", "user": "alice", "dialled": "+61412345678"} trailing', "application/json", 400],
    ['{"call_id": "b1", "user": "alice", "dialled": "+61412345678", "direction": "sideways"}', "application/json", 400],
    ['{"call_id": "b1", "user": "alice", "dialled": "+61412345678", "start": "tuesday"}', "application/json", 400],
    ['{"user": "alice", "dialled": "+61412345678"}', "application/json", 400],
    ["", "application/json", 400],
    ["call_id=b1", "application/x-www-form-urlencoded", 400],
    [new Uint8Array([0x83, 0xa1]), "application/msgpack", 400],
    [new Uint8Array([0xdf, 0xff, 0xff, 0xff, 0xff]), "application/msgpack", 400],
    ['{"call_id": "' + "x".repeat(20000) + '", "user": "alice", "dialled": "1"}', "application/json", 413],
  ];
  for (const [body, ctype, status] of cases) {
    const res = await post("/v1/authorize", keys.demo, body, { "content-type": ctype });
    assert.equal(res.status, status, String(body).slice(0, 60));
    const e = await json(res);
    assert.ok(e.error.code && e.error.message, JSON.stringify(e));
  }
  const huge = JSON.stringify({ cdrs: Array.from({ length: 1001 }, (_, i) => ({ call_id: "h" + i, user: "bob", dialled: "+442079460000", start: startAt, seconds: 1 })) });
  let res = await post("/v1/cdrs", keys.demo, huge);
  assert.equal(res.status, 400); await res.arrayBuffer();
  res = await post("/v1/cdrs", keys.demo, "x".repeat(2 << 20));
  assert.equal(res.status, 413); await res.arrayBuffer();
  assert.deepEqual(await state("demo"), before);
  assert.equal(await cdrCount("demo"), beforeCDRs);
});

test("msgpack request and response", async () => {
  // {"call_id":"m-1","user":"alice","dialled":"999"} by hand
  const enc = new TextEncoder();
  const str = (s) => [0xa0 | s.length, ...enc.encode(s)];
  const body = new Uint8Array([0x83, ...str("call_id"), ...str("m-1"), ...str("user"), ...str("alice"), ...str("dialled"), ...str("999")]);
  const res = await post("/v1/authorize", keys.demo, body, { "content-type": "application/msgpack", accept: "application/msgpack" });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/msgpack");
  const b = new Uint8Array(await res.arrayBuffer());
  assert.equal(b[0] & 0xf0, 0x80);
  assert.ok(Buffer.from(b).includes(Buffer.from("emergency")));
});

test("cron trigger expires reservations", async () => {
  // a call started two days ago with a bounded duration must have ended
  const old = new Date(Date.now() - 2 * 86400e3).toISOString().replace(/\.\d+Z$/, "Z");
  const d = await json(await post("/v1/authorize", keys.demo, { call_id: "old-1", user: "bob", dialled: "+442079460000", start: old }));
  assert.equal(d.allowed, true);
  assert.ok((await state("demo")).in_progress.includes("old-1"));
  const worker = await w.mf.getWorker();
  await worker.scheduled({ cron: "*/5 * * * *", scheduledTime: new Date() });
  assert.ok(!(await state("demo")).in_progress.includes("old-1"));
});
