// The shared agreement table (core/testdata/agreement.json) inside the
// worker's own wasm on workerd, and the rate lookup against the native core:
// the edge must price every call exactly as the core does natively (Go tests)
// and under js/wasm in Node (make test-core-wasm).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { start, root, keys, bearer, workerOptions, build } from "./harness.mjs";

const tableText = readFileSync(join(root, "core", "testdata", "agreement.json"), "utf8");
const table = JSON.parse(tableText);
// Generated from core/deck/global by worker/httpapi's TestAgreementExpected.
const expected = JSON.parse(readFileSync(join(root, "worker", "test", "testdata", "agreement-expected.json"), "utf8"));

// canon writes a decimal string in one form, so that "1.6" equals "1.60"
// (money is compared as decimals, never as floats).
export function canon(s) {
  assert.equal(typeof s, "string", `money must be a string, got ${JSON.stringify(s)}`);
  assert.match(s, /^-?\d+(\.\d+)?$/, `not a decimal: ${s}`);
  let [int, frac = ""] = s.replace(/^-/, "").split(".");
  int = int.replace(/^0+(?=\d)/, "");
  frac = frac.replace(/0+$/, "");
  const v = frac ? `${int}.${frac}` : int;
  return s.startsWith("-") && v !== "0" ? "-" + v : v;
}

let w;
before(async () => { w = await start(); });
after(async () => { await w?.stop(); });

async function json(res) {
  const text = await res.text();
  try { return JSON.parse(text); } catch { assert.fail(`not JSON (${res.status}): ${text}`); }
}

test("canon compares decimals, not spellings", () => {
  assert.equal(canon("1.60"), canon("1.6"));
  assert.equal(canon("0"), canon("0.0000"));
  assert.notEqual(canon("0.26"), canon("0.2600001"));
  assert.notEqual(canon("10"), canon("1"));
});

test("agreement table: the worker's wasm on workerd gives every case's decision, quote and CDR charge", async () => {
  assert.ok(table.cases.length >= 30, `only ${table.cases.length} cases`);
  const res = await w.fetch("/__selftest/agreement", { method: "POST", body: tableText, headers: { "content-type": "application/json" } });
  assert.equal(res.status, 200);
  const got = await json(res);
  assert.equal(got.cases.length, table.cases.length);
  let allowed = 0;
  table.cases.forEach((c, i) => {
    const r = got.cases[i];
    const want = c.want;
    assert.equal(r.name, c.name);
    assert.equal(r.error, undefined, `${c.name}: ${r.error}`);
    assert.deepEqual(
      { allowed: r.allowed, reason: r.reason, cover: r.cover, package: r.package, max_seconds: r.max_seconds },
      { allowed: want.allowed, reason: want.reason, cover: want.cover, package: want.package, max_seconds: want.max_seconds },
      `${c.name}: decision`);
    if (!want.allowed) return;
    allowed++;
    const cost = canon(want.cost);
    assert.equal(canon(r.quote_cost), cost, `${c.name}: quoted cost`);
    assert.equal(r.quote_bundle_minutes, want.bundle_minutes, `${c.name}: quoted bundle minutes`);
    assert.equal(canon(r.cdr_cost), cost, `${c.name}: reserved CDR charge`);
    assert.equal(r.cdr_bundle_minutes, want.bundle_minutes, `${c.name}: reserved CDR bundle minutes`);
    assert.equal(r.cdr_cover, want.cover, `${c.name}: reserved CDR cover`);
    assert.equal(canon(r.unreserved_cdr_cost), cost, `${c.name}: unreserved CDR charge`);
    assert.equal(r.unreserved_cdr_bundle_minutes, want.bundle_minutes, `${c.name}: unreserved CDR bundle minutes`);
    assert.equal(r.unreserved_cdr_authorized, true, `${c.name}: unreserved CDR authorized`);
  });
  assert.ok(allowed >= 10, `only ${allowed} allowed cases carry a charge`);
});

test("agreement self-test: a table whose expectation is wrong is caught, bad bodies are 400", async () => {
  // The worker reports what it computes, not the table's wants: change a
  // case's expectation and the figures no longer match it.
  const changed = structuredClone(table);
  const c = changed.cases.find((c) => c.want.allowed && canon(c.want.cost) !== "0");
  c.want.cost = "999";
  const res = await w.fetch("/__selftest/agreement", { method: "POST", body: JSON.stringify(changed) });
  assert.equal(res.status, 200);
  const r = (await json(res)).cases.find((r) => r.name === c.name);
  assert.notEqual(canon(r.cdr_cost), canon(c.want.cost));
  for (const body of ["{", '{"nope": 1}', '{"home": "GB"}']) {
    const bad = await w.fetch("/__selftest/agreement", { method: "POST", body });
    assert.equal(bad.status, 400, body);
    assert.equal((await json(bad)).error.code, "invalid");
  }
});

test("rates lookup on the seeded global deck equals the native core's prices", async () => {
  assert.ok(expected.rates.length >= 6);
  for (const e of expected.rates) {
    const q = new URLSearchParams({ number: e.dial, home: expected.home, at: expected.at });
    const res = await w.fetch("/v1/rates/lookup?" + q, { headers: bearer(keys.demo) });
    assert.equal(res.status, 200, e.dial);
    const body = await json(res);
    assert.equal(body.number, e.number, e.dial);
    assert.equal(body.rate.destination, e.destination, e.dial);
    assert.equal(body.rate.kind, e.kind, e.dial);
    assert.equal(canon(body.rate.per_minute), canon(e.per_minute), `${e.dial}: per minute`);
    assert.equal(canon(body.price_60s), canon(e.price_60s), `${e.dial}: price_60s`);
    assert.equal(canon(body.price_300s), canon(e.price_300s), `${e.dial}: price_300s`);
  }
});

async function selfTestRoutesAbsent(options) {
  const mf = new Miniflare(workerOptions(options));
  try {
    for (const path of ["/__selftest/agreement", "/__selftest/stores?unique=x"]) {
      const res = await mf.dispatchFetch("http://tollgate.test" + path, { method: "POST", body: tableText });
      assert.equal(res.status, 404, path);
      const body = await res.json();
      assert.equal(body.error.code, "not_found");
    }
  } finally {
    await mf.dispose();
  }
}

test("without the TOLLGATE_SELFTEST binding the self-test routes do not exist", async () => {
  await selfTestRoutesAbsent({ bindings: { TOLLGATE_OPERATOR: "demo" } });
});

test("the production build has no self-test routes, whatever the bindings say", async () => {
  await selfTestRoutesAbsent({ dir: build, bindings: { TOLLGATE_SELFTEST: "1", TOLLGATE_OPERATOR: "demo" } });
});
