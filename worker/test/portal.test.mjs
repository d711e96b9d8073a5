// Integration tests of the portal's API on workerd: sessions, roles, tenant
// isolation, writes through the account Durable Object (republished to KV,
// audited in D1), idempotent package changes, number actions with their
// annual-contract consequences, and the admin deck upload.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start } from "./harness.mjs";

const PASSWORD = "tollgate-demo"; // worker/cmd/seed DemoPassword

let w;
const cookies = {};
before(async () => {
  w = await start({ bindings: { TOLLGATE_SELFTEST: "1", TOLLGATE_OPERATOR: "demo" } });
});
after(async () => { await w?.stop(); });

async function json(res) {
  const text = await res.text();
  try { return JSON.parse(text); } catch { assert.fail(`not JSON (${res.status}): ${text}`); }
}

async function signIn(email, password = PASSWORD) {
  return w.fetch("/v1/session", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
}

async function as(who) {
  if (!cookies[who]) {
    const res = await signIn(who + (who === "gina" ? "@globex.example" : "@demo.example"));
    assert.equal(res.status, 200, await res.clone().text());
    cookies[who] = res.headers.get("set-cookie").split(";")[0];
  }
  return cookies[who];
}

async function call(who, method, path, body, headers = {}) {
  const h = { ...headers };
  if (who) h.cookie = await as(who);
  if (body !== undefined) h["content-type"] ??= "application/json";
  return w.fetch(path, { method, headers: h, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
}

async function kvAccount(tenant) {
  const b = await w.kv.get("account/" + tenant, "arrayBuffer");
  return Buffer.from(b).toString("base64");
}

async function count(sql, ...args) {
  return (await w.db.prepare(sql).bind(...args).first()).n;
}

test("sign in: HttpOnly SameSite=Strict cookie, hashed session, /v1/me, wrong password 401", async () => {
  const t0 = performance.now();
  const res = await signIn("Alice@demo.example");
  const ms = performance.now() - t0;
  assert.equal(res.status, 200);
  const me = await json(res);
  assert.equal(me.user.id, "alice");
  assert.equal(me.user.role, "admin");
  assert.equal(me.tenant.id, "demo");
  assert.equal(me.operator, true);
  const c = res.headers.get("set-cookie");
  assert.match(c, /^tollgate_session=tgs_/);
  assert.match(c, /HttpOnly/);
  assert.match(c, /SameSite=Strict/);
  assert.match(c, /Secure/); // not localhost
  const token = c.split(";")[0].split("=")[1];
  assert.equal(await count("SELECT count(*) AS n FROM sessions WHERE token_hash = ?", token), 0, "token stored in clear");
  assert.ok((await count("SELECT count(*) AS n FROM sessions")) >= 1);
  console.log(`# first sign-in (cold isolate, PBKDF2-SHA256 100k via WebCrypto) on workerd: ${ms.toFixed(0)} ms`);

  const m = await json(await w.fetch("/v1/me", { headers: { cookie: c.split(";")[0] } }));
  assert.equal(m.user.email, "alice@demo.example");

  const t1 = performance.now();
  assert.equal((await signIn("alice@demo.example", "wrong password")).status, 401);
  const t2 = performance.now();
  assert.equal((await signIn("nobody@demo.example")).status, 401);
  console.log(`# warm: wrong password ${(t2 - t1).toFixed(0)} ms, unknown email ${(performance.now() - t2).toFixed(0)} ms`);
  assert.equal((await signIn("nobody@demo.example")).status, 401);
  assert.equal((await w.fetch("/v1/me")).status, 401);
  assert.equal((await w.fetch("/v1/account", { headers: { cookie: "tollgate_session=tgs_forged" } })).status, 401);
});

test("account: members see; the plan state comes from the account object", async () => {
  const res = await call("bob", "GET", "/v1/account");
  assert.equal(res.status, 200);
  const a = await json(res);
  assert.equal(a.tenant.id, "demo");
  assert.equal(a.bundle.size, 300);
  assert.equal(a.payg.capped, true);
  assert.equal(a.payg.cap, "50.00");
  assert.deepEqual(a.users.map((u) => u.id), ["alice", "bob", "carol"]);
  assert.equal(a.users[1].role, "member");
  assert.ok(a.cycle.days >= 28);
});

test("settings: member 403, bad bodies 400/413 with no change, admin write republished and audited", async () => {
  const kv0 = await kvAccount("demo");
  const audit0 = await count("SELECT count(*) AS n FROM audit_log WHERE tenant_id = 'demo' AND action NOT LIKE 'session.%'");
  for (const [who, body, status, headers] of [
    ["bob", { cap: "100" }, 403],
    ["alice", "{\"cap\":", 400],
    ["alice", { cap: "100", extra: 1 }, 400],
    ["alice", { cap: 100 }, 400],
    ["alice", { cap: "-5" }, 400],
    ["alice", { thresholds: [100, 50] }, 400],
    ["alice", { cap: "9".repeat(70000) }, 413],
    ["alice", "\x81\xa3cap\xc0", 400, { "content-type": "application/msgpack" }],
    ["alice", "cap=100", 400, { "content-type": "application/x-www-form-urlencoded" }],
  ]) {
    const res = await call(who, "PATCH", "/v1/account/settings", body, headers);
    assert.equal(res.status, status, JSON.stringify(body).slice(0, 60));
    const e = await json(res);
    assert.ok(e.error.message);
  }
  assert.equal(await kvAccount("demo"), kv0, "refused writes changed the replica");
  assert.equal(await count("SELECT count(*) AS n FROM audit_log WHERE tenant_id = 'demo' AND action NOT LIKE 'session.%'"), audit0);

  const res = await call("alice", "PATCH", "/v1/account/settings", { cap: "75", overspend: false });
  assert.equal(res.status, 200);
  const s = await json(res);
  assert.equal(s.cap, "75.00");
  assert.equal(s.overspend, false);
  assert.notEqual(await kvAccount("demo"), kv0, "account snapshot not republished to KV");
  assert.equal(await count("SELECT count(*) AS n FROM audit_log WHERE tenant_id = 'demo' AND action = 'settings.update'"), 1);
  const a = await json(await call("bob", "GET", "/v1/account"));
  assert.equal(a.payg.cap, "75.00");
});

test("tenant isolation: another tenant's users and numbers are 404", async () => {
  assert.equal((await call("gina", "GET", "/v1/users/bob")).status, 404);
  assert.equal((await call("gina", "PATCH", "/v1/users/bob", { privileges: "international" })).status, 404);
  assert.equal((await call("gina", "POST", "/v1/numbers/+442079460002/release", { dry_run: true })).status, 404);
  const g = await json(await call("gina", "GET", "/v1/account"));
  assert.equal(g.tenant.id, "globex");
  assert.deepEqual(g.users.map((u) => u.id), ["gina"]);
});

test("numbers: annual release previewed (remainder owed), unassign without refund, reassign free", async () => {
  const list = await json(await call("bob", "GET", "/v1/numbers"));
  const annual = list.numbers.find((n) => n.number === "+442079460002");
  assert.equal(annual.term, "annual");
  assert.ok(Number(annual.release_owes) > 0);

  const p = await json(await call("bob", "POST", "/v1/numbers/+442079460002/release", { dry_run: true }));
  assert.equal(p.dry_run, true);
  assert.equal(p.owed, annual.release_owes);
  assert.equal(p.refund, "0.00");
  assert.match(p.consequence, /still owe/);
  assert.equal((await call("bob", "POST", "/v1/numbers/+442079460002/release")).status, 403);
  assert.equal((await json(await call("bob", "GET", "/v1/numbers"))).numbers.length, list.numbers.length);

  const un = await json(await call("alice", "POST", "/v1/numbers/+442079460002/unassign"));
  assert.equal(un.refund, "0.00");
  assert.match(un.consequence, /No refund/);
  const re = await json(await call("alice", "POST", "/v1/numbers/+442079460002/assign", { user: "carol" }));
  assert.equal(re.line.user, "carol");
  assert.match(re.consequence, /no extra cost/);
});

test("packages: quote, apply once per Idempotency-Key, 409 on reuse, upcoming invoice shows the proration", async () => {
  const change = { users: [{ user: "carol", packages: ["pkg-global"] }] };
  const q = await json(await call("bob", "POST", "/v1/packages/quote", change));
  assert.equal(q.applied, false);
  assert.ok(Number(q.quote.net) > 0);
  assert.equal(q.quote.credit !== undefined, true);

  assert.equal((await call("bob", "POST", "/v1/packages/apply", change, { "idempotency-key": "pk-1" })).status, 403);
  assert.equal((await call("alice", "POST", "/v1/packages/apply", change)).status, 400);
  const r1 = await call("alice", "POST", "/v1/packages/apply", change, { "idempotency-key": "pk-1" });
  assert.equal(r1.status, 200);
  const b1 = await r1.text();
  const r2 = await call("alice", "POST", "/v1/packages/apply", change, { "idempotency-key": "pk-1" });
  assert.equal(r2.status, 200);
  assert.equal(r2.headers.get("idempotent-replayed"), "true");
  assert.equal(await r2.text(), b1);
  assert.equal(JSON.parse(b1).quote.net, q.quote.net);
  const r3 = await call("alice", "POST", "/v1/packages/apply", { users: [{ user: "carol", packages: [] }] }, { "idempotency-key": "pk-1" });
  assert.equal(r3.status, 409);
  assert.equal(await count("SELECT count(*) AS n FROM billing_changes WHERE tenant_id = 'demo'"), 1);
  assert.equal(await count("SELECT count(*) AS n FROM idempotency WHERE tenant_id = 'demo'"), 1);

  const pk = await json(await call("bob", "GET", "/v1/packages"));
  assert.equal(pk.held.find((h) => h.user === "carol").packages[0].code, "pkg-global");
  assert.ok(pk.recommendation);

  const inv = await json(await call("bob", "GET", "/v1/invoices/upcoming"));
  assert.equal(inv.status, "upcoming");
  const kinds = inv.invoice.lines.map((l) => l.kind);
  assert.ok(kinds.includes("proration_charge"), kinds.join(","));
  const list = await json(await call("bob", "GET", "/v1/invoices"));
  assert.equal(list.invoices[0].id, "upcoming");
});

test("usage and notifications answer for the month", async () => {
  const u = await json(await call("bob", "GET", "/v1/usage"));
  assert.ok(u.days.length >= 28);
  assert.equal(typeof u.overage_charges, "string");
  const n = await call("bob", "GET", "/v1/notifications");
  assert.equal(n.status, 200);
  assert.ok(Array.isArray((await json(n)).notifications));
  assert.equal((await call("bob", "GET", "/v1/audit")).status, 403);
  const a = await json(await call("alice", "GET", "/v1/audit"));
  assert.ok(a.entries.length >= 3);
});

test("admin deck upload: every bad line reported and nothing published; a good deck switches /v1/deck", async () => {
  const header = "prefix,destination,country,kind,connection_fee,rate,initial_increment,subsequent_increment,tiers,effective_from,effective_to,currency\n";
  const csv = (who, body, q = "") => call(who, "POST", "/v1/admin/deck" + q, body, { "content-type": "text/csv" });
  const before = (await w.fetch("/v1/deck")).headers.get("x-deck-version");

  assert.equal((await csv("bob", header + "61,Australia,AU,landline,0,0.1,60,60,,2026-01-01,,USD\n")).status, 403);
  assert.equal((await csv("gina", header + "61,Australia,AU,landline,0,0.1,60,60,,2026-01-01,,USD\n")).status, 403);
  const bad = await csv("alice", header + "61,Australia,AU,landline,0,0.1,60,60,,2026-01-01,,USD\n6x,Bad,AU,mobile,0,0.3,60,60,,2026-01-01,,USD\n44,UK,GB,landline,0,abc,60,60,,2026-01-01,,USD\n");
  assert.equal(bad.status, 400);
  const e = await json(bad);
  assert.deepEqual(e.errors.map((x) => x.line), [3, 4]);
  assert.equal((await w.fetch("/v1/deck")).headers.get("x-deck-version"), before);

  const ok = await csv("alice", header + "61,Australia,AU,landline,0,0.10,60,60,,2026-01-01,,USD\n614,Australia Mobile,AU,mobile,0,0.30,60,60,,2026-01-01,,USD\n", "?version=it-2");
  assert.equal(ok.status, 201, await ok.clone().text());
  const p = await json(ok);
  assert.equal(p.version, "it-2");
  assert.equal(p.previous, before);
  assert.equal((await w.fetch("/v1/deck")).headers.get("x-deck-version"), "it-2");
  assert.equal((await w.fetch("/v1/deck?version=" + encodeURIComponent(before))).status, 200, "old version gone");
  const dk = await w.kv.get("deck/current");
  assert.equal(dk, "it-2");

  // The history lists both, newest first; rolling back is one switch.
  assert.equal((await call("bob", "GET", "/v1/admin/decks")).status, 403);
  const list = await json(await call("alice", "GET", "/v1/admin/decks"));
  assert.equal(list.current, "it-2");
  assert.deepEqual(list.versions.map((v) => [v.version, v.current]).slice(0, 2), [["it-2", true], [before, false]]);
  assert.equal(list.versions[0].uploaded_by, "alice@demo.example");
  const activate = (who, body) => call(who, "POST", "/v1/admin/deck/current", body, { "content-type": "application/json" });
  assert.equal((await activate("bob", JSON.stringify({ version: before }))).status, 403);
  assert.equal((await activate("gina", JSON.stringify({ version: before }))).status, 403);
  assert.equal((await activate("alice", JSON.stringify({ version: "never-published" }))).status, 404);
  assert.equal((await activate("alice", "{\"version\":")).status, 400);
  assert.equal((await w.fetch("/v1/deck")).headers.get("x-deck-version"), "it-2", "a refused activation moved the deck");
  const back = await activate("alice", JSON.stringify({ version: before }));
  assert.equal(back.status, 200, await back.clone().text());
  assert.equal((await json(back)).previous, "it-2");
  assert.equal((await w.fetch("/v1/deck")).headers.get("x-deck-version"), before);
});

test("store conformance (incl. the portal's D1 tables) on the real bindings", async () => {
  const res = await w.fetch("/__selftest/stores?unique=portal" + Date.now(), { method: "POST" });
  assert.equal(await res.text(), "ok");
});

test("sign out ends the session server-side", async () => {
  const c = await as("bob");
  const res = await w.fetch("/v1/session", { method: "DELETE", headers: { cookie: c } });
  assert.equal(res.status, 204);
  assert.match(res.headers.get("set-cookie"), /Max-Age=0/);
  assert.equal((await w.fetch("/v1/me", { headers: { cookie: c } })).status, 401);
  delete cookies.bob;
});
