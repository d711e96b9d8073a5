// Integration tests of quota leases on workerd: metered authorizations
// answered from the isolate's lease, the invariant under concurrent
// authorizations and CDRs (what is authorized never exceeds the cap or the
// bundle; charges equal the quotes), the unused quota back after the leases
// expire, and bad bodies on the object's lease routes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, keys, bearer } from "./harness.mjs";

let w;
// Leases last 2 s here, so that the test sees them expire.
before(async () => { w = await start({ bindings: { TOLLGATE_SELFTEST: "1", TOLLGATE_LEASE_TTL: "2s" } }); });
after(async () => { await w?.stop(); });

const post = (path, token, body) =>
  w.fetch(path, { method: "POST", headers: { ...bearer(token), "content-type": "application/json" }, body: JSON.stringify(body) });

async function json(res) {
  const text = await res.text();
  try { return JSON.parse(text); } catch { assert.fail(`not JSON (${res.status}): ${text}`); }
}

async function object(tenant, path, body) {
  const ns = await w.mf.getDurableObjectNamespace("ACCOUNTS");
  const init = body === undefined ? {} : { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) };
  const res = await ns.get(ns.idFromName(tenant)).fetch("https://account" + path + "?tenant=" + tenant, init);
  return { status: res.status, body: await json(res) };
}
const state = async (tenant) => (await object(tenant, "/state")).body;

const nowStart = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");

// Money as exact integers: units of 1e-4 (the deck's and the charges'
// precision) times 60, so per-second prices stay whole.
const units = (s) => {
  const [i, f = ""] = s.split(".");
  return BigInt(i + f.padEnd(4, "0").slice(0, 4)) * 60n;
};

// priceX60 is the reference price of secs seconds on a rate (x 60 x 1e4):
// each tier bills its part of the call in whole increments.
function priceX60(rate, secs) {
  if (secs <= 0) return 0n;
  let total = units(rate.connection_fee || "0");
  const tiers = rate.tiers;
  for (let i = 0; i < tiers.length; i++) {
    const from = tiers[i].from_second, to = i + 1 < tiers.length ? tiers[i + 1].from_second : Infinity;
    if (secs <= from) break;
    const part = Math.min(secs, to) - from;
    const billed = Math.ceil(part / tiers[i].increment) * tiers[i].increment;
    total += BigInt(billed) * units(tiers[i].per_minute) / 60n;
  }
  return total;
}

// quoteX60 is what a decision promises for secs seconds: the pay-as-you-go
// part, past the bundle's seconds.
function quoteX60(d, secs) {
  if (d.cover === "payg") return priceX60(d.rate, secs);
  if (d.cover === "bundle" && secs > d.bundle_seconds) return priceX60(d.rate, secs) - priceX60(d.rate, d.bundle_seconds);
  return 0n;
}

test("metered calls are authorized from the isolate's lease; the object is asked only for leases", async () => {
  const served = { isolate: 0, object: 0 };
  for (let i = 0; i < 30; i++) {
    const call = { call_id: "seq-" + i, user: "bob", dialled: "020 7946 0000", start: nowStart() };
    const res = await post("/v1/authorize", keys.demo, call);
    const d = await json(res);
    assert.equal(d.allowed, true);
    assert.equal(d.cover, "bundle");
    served[res.headers.get("tollgate-served-by")]++;
    const r = (await json(await post("/v1/cdrs", keys.demo, { cdrs: [{ ...call, seconds: 0 }] }))).results[0];
    assert.equal(r.error, undefined);
    assert.equal(r.bundle_minutes, 0);
  }
  // One lease per 2 s (its lifetime here): most calls never reach the object.
  assert.ok(served.isolate >= 20, JSON.stringify(served));
  const s = await state("demo");
  assert.deepEqual(s.in_progress, []);
  assert.ok(s.leases.length >= 1);
});

// fire authorizes calls concurrently and returns the allowed decisions.
async function fire(token, calls) {
  const out = await Promise.all(calls.map(async (call) => {
    const res = await post("/v1/authorize", token, call);
    assert.equal(res.status, 200);
    return { call, d: await json(res) };
  }));
  return out.filter((x) => x.d.allowed);
}

// settle sends each call's CDR concurrently, for a whole number of minutes
// within its maximum, and checks each charge against its quote.
async function settle(token, allowed) {
  let paygX60 = 0n, minutes = 0;
  await Promise.all(allowed.map(async ({ call, d }, k) => {
    const whole = Math.floor(d.max_seconds / 60);
    const secs = 60 * (k % 3 === 0 ? whole : Math.floor(whole / 2));
    const r = (await json(await post("/v1/cdrs", token, { cdrs: [{ ...call, seconds: secs }] }))).results[0];
    assert.equal(r.error, undefined, JSON.stringify(r));
    assert.equal(units(r.cost), quoteX60(d, secs), `${call.call_id}: charged ${r.cost} for ${secs} s, quote ${quoteX60(d, secs)}/600000`);
    const wantMinutes = d.cover === "bundle" ? Math.ceil(Math.min(secs, d.bundle_seconds) / 60) : 0;
    assert.equal(r.bundle_minutes, wantMinutes, call.call_id);
    paygX60 += units(r.cost);
    minutes += r.bundle_minutes;
  }));
  return { paygX60, minutes };
}

test("capped account: concurrent authorizations and CDRs never exceed the cap; charges are the quotes", async () => {
  const before = await state("globex");
  assert.equal(before.payg, "0");
  const calls = Array.from({ length: 40 }, (_, i) => ({
    call_id: "cap-" + i, user: "gina", dialled: i % 10 === 0 ? "+61412345678" : "+442079460000", start: nowStart(),
  }));
  const allowed = await fire(keys.globex, calls);
  // How many fit depends on the order they arrive in: a full AU call
  // alone holds $45.60 of the $50.
  assert.ok(allowed.length >= 2, `only ${allowed.length} allowed`);
  // Everything allowed is outstanding at once: its maxima, priced, fit the cap.
  const heldX60 = allowed.reduce((sum, { d }) => sum + quoteX60(d, d.max_seconds), 0n);
  assert.ok(heldX60 <= units("50"), `authorized ${heldX60}/600000 over the 50 cap`);
  const { paygX60 } = await settle(keys.globex, allowed);
  const s = await state("globex");
  assert.equal(units(s.payg), paygX60);
  assert.ok(units(s.payg) <= units("50"));
  assert.deepEqual(s.in_progress, []);
});

test("bundle account: concurrent authorizations never exceed the bundle (nor the cap for overspend)", async () => {
  const before = await state("demo");
  const calls = Array.from({ length: 24 }, (_, i) => ({ call_id: "bun-" + i, user: "bob", dialled: "+442079460000", start: nowStart() }));
  const allowed = await fire(keys.demo, calls);
  assert.ok(allowed.length >= 3, `only ${allowed.length} allowed`);
  const bundle = allowed.reduce((sum, { d }) => sum + (d.cover === "bundle" ? d.bundle_seconds : 0), 0);
  assert.ok(bundle <= (before.bundle_size - before.bundle_minutes) * 60, `authorized ${bundle} s of a ${before.bundle_size}-minute bundle`);
  const heldX60 = allowed.reduce((sum, { d }) => sum + quoteX60(d, d.max_seconds), 0n);
  assert.ok(heldX60 + units(before.payg) <= units("50"), `authorized ${heldX60}/600000 of overspend over the cap`);
  const { paygX60, minutes } = await settle(keys.demo, allowed);
  const s = await state("demo");
  assert.equal(s.bundle_minutes, before.bundle_minutes + minutes);
  assert.equal(units(s.payg), units(before.payg) + paygX60);
  assert.ok(s.bundle_minutes <= s.bundle_size);
});

test("after the leases expire, the cron gives the unused quota back", async () => {
  let s = await state("demo");
  assert.ok(s.leases.length > 0 && (s.held_minutes > 0 || s.held_payg !== "0"), JSON.stringify(s));
  await new Promise((r) => setTimeout(r, 2500)); // past the leases' 2 s
  const worker = await w.mf.getWorker();
  await worker.scheduled({ cron: "*/5 * * * *", scheduledTime: new Date() });
  for (const tenant of ["demo", "globex"]) {
    s = await state(tenant);
    assert.equal(s.held_minutes, 0, tenant + " " + JSON.stringify(s));
    assert.equal(s.held_payg, "0", tenant);
    assert.deepEqual(s.leases, [], tenant);
  }
  // and the next call is served again (a new lease)
  const d = await json(await post("/v1/authorize", keys.demo, { call_id: "after-1", user: "bob", dialled: "020 7946 0000", start: nowStart() }));
  assert.equal(d.allowed, true);
});

test("lease routes: bad bodies are a clear 4xx and change nothing", async () => {
  const grant = await object("demo", "/lease/grant", {});
  assert.equal(grant.status, 200);
  const id = grant.body.lease.id;
  const before = await state("demo");
  const cases = [
    ["/lease/grant", "{"],
    ["/lease/grant", { extra: 1 }],
    ["/lease/renew", {}],
    ["/lease/return", { returns: [] }],
    ["/lease/return", { returns: [{ lease_id: id, bundle_seconds: -60, money: "0" }] }],
    ["/lease/return", { returns: [{ lease_id: id, bundle_seconds: 0, money: "a lot" }] }],
    ["/lease/renew", { returns: [{ lease_id: id, bundle_seconds: 1e9, money: "0" }] }],
    ["/lease/return", { returns: [{ lease_id: id, bundle_seconds: 0, money: "0" }, { lease_id: id, bundle_seconds: 0, money: "0" }] }],
    ["/expire", { returns: [{ lease_id: id, bundle_seconds: 1e9, money: "0" }] }],
  ];
  for (const [path, body] of cases) {
    const res = await object("demo", path, body);
    assert.equal(res.status, 400, path + " " + JSON.stringify(body));
    assert.ok(res.body.error.code === "invalid" && res.body.error.message, JSON.stringify(res.body));
  }
  assert.deepEqual(await state("demo"), before);
  // the good return closes it
  const ret = await object("demo", "/lease/return", { returns: [{ lease_id: id, bundle_seconds: grant.body.lease.bundle_seconds, money: grant.body.lease.money }] });
  assert.equal(ret.status, 200);
  assert.deepEqual(ret.body.returned, [id]);
});

test("read your writes: after a portal write, the writer's isolate authorizes on the new settings at once", async () => {
  const dial = (id) => ({ call_id: id, user: "bob", dialled: "+61412345678", start: nowStart() });
  // A lease is held (a bundle call), and bob may not call abroad.
  assert.equal((await json(await post("/v1/authorize", keys.demo, { call_id: "ryw-0", user: "bob", dialled: "020 7946 0000", start: nowStart() }))).allowed, true);
  let d = await json(await post("/v1/authorize", keys.demo, dial("ryw-1")));
  assert.equal(d.reason, "denied_privilege");
  // alice lets bob call abroad.
  const login = await w.fetch("/v1/session", { method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "alice@demo.example", password: "tollgate-demo" }) });
  assert.equal(login.status, 200);
  const cookie = login.headers.get("set-cookie").split(";")[0];
  const res = await w.fetch("/v1/users/bob", { method: "PATCH", headers: { cookie, "content-type": "application/json" },
    body: JSON.stringify({ privileges: "international" }) });
  assert.equal(res.status, 200, await res.clone().text());
  await res.arrayBuffer();
  // The very next authorization sees it (the isolate dropped its copy and its lease).
  d = await json(await post("/v1/authorize", keys.demo, dial("ryw-2")));
  assert.equal(d.allowed, true, JSON.stringify(d));
  assert.equal(d.cover, "payg");
});
