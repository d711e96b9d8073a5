// Integration tests of the rate endpoints and the store conformance suite on
// workerd.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, keys, bearer } from "./harness.mjs";

let w;
before(async () => { w = await start(); });
after(async () => { await w?.stop(); });

async function json(res) {
  const text = await res.text();
  try { return JSON.parse(text); } catch { assert.fail(`not JSON (${res.status}): ${text}`); }
}

test("store conformance suite passes on real KV and D1", async () => {
  const res = await w.fetch("/__selftest/stores?unique=" + Date.now(), { method: "POST" });
  assert.equal(await res.text(), "ok");
});

test("rates lookup: Australian landline vs mobile, as in the product documents", async () => {
  for (const [number, kind, rate] of [["+61 2 9999 9999", "landline", "0.13"], ["+61412345678", "mobile", "0.38"]]) {
    const res = await w.fetch("/v1/rates/lookup?number=" + encodeURIComponent(number), { headers: bearer(keys.demo) });
    assert.equal(res.status, 200);
    const body = await json(res);
    assert.equal(body.rate.country, "AU");
    assert.equal(body.rate.kind, kind);
    assert.equal(body.rate.per_minute, rate);
    assert.equal(body.rate.increments, "60/60");
    assert.equal(body.rate.region, "au-nz");
    assert.equal(body.price_60s, rate);
    assert.ok(body.deck_version.length > 0);
  }
});

test("rates lookup parses national numbers with the tenant's home country", async () => {
  // demo is a GB tenant: 0061… is the GB international prefix.
  let res = await w.fetch("/v1/rates/lookup?number=0061412345678", { headers: bearer(keys.demo) });
  assert.equal(res.status, 200);
  assert.equal((await json(res)).number, "+61412345678");
  // globex is a US tenant: 011 is the US international prefix.
  res = await w.fetch("/v1/rates/lookup?number=011%2061%20412%20345%20678", { headers: bearer(keys.globex) });
  assert.equal(res.status, 200);
  assert.equal((await json(res)).number, "+61412345678");
  // home overrides the tenant default
  res = await w.fetch("/v1/rates/lookup?number=0011%2061412345678&home=AU", { headers: bearer(keys.demo) });
  assert.equal(res.status, 200);
});

test("rates lookup: emergency numbers are never rated", async () => {
  const res = await w.fetch("/v1/rates/lookup?number=999", { headers: bearer(keys.demo) });
  assert.equal(res.status, 200);
  const body = await json(res);
  assert.equal(body.emergency, true);
  assert.equal(body.rate, null);
});

test("rates lookup: bad numbers are 400 with a clear message", async () => {
  for (const n of ["", "abc", "+1234567890123456789", "+"]) {
    const res = await w.fetch("/v1/rates/lookup?number=" + encodeURIComponent(n), { headers: bearer(keys.demo) });
    assert.equal(res.status, 400, n);
    const body = await json(res);
    assert.equal(body.error.code, "invalid");
    assert.ok(body.error.message.length > 0);
  }
});

test("rates lookup: auth failures", async () => {
  const q = "/v1/rates/lookup?number=%2B61412345678";
  const cases = [
    [{}, 401],
    [{ Authorization: "Basic abc" }, 401],
    [bearer("nonsense"), 401],
    [bearer("tg_demo_wrongsecret"), 401],
    [bearer("tg_nosuchkey_secret"), 401],
  ];
  for (const [headers, status] of cases) {
    const res = await w.fetch(q, { headers });
    assert.equal(res.status, status, JSON.stringify(headers));
    assert.equal((await json(res)).error.code, "unauthorized");
  }
  // another tenant's name: 404, as if it did not exist
  const res = await w.fetch(q + "&tenant=globex", { headers: bearer(keys.demo) });
  assert.equal(res.status, 404);
  assert.equal((await json(res)).error.code, "not_found");
});

test("rates directory: search, filter, paginate", async () => {
  let res = await w.fetch("/v1/rates?q=australia&limit=2");
  assert.equal(res.status, 200);
  let body = await json(res);
  assert.ok(body.total >= 3);
  assert.equal(body.items.length, 2);
  assert.equal(body.next, 2);
  assert.ok(body.items.every((r) => r.country === "AU"));
  res = await w.fetch("/v1/rates?q=australia&limit=2&offset=2");
  body = await json(res);
  assert.equal(body.offset, 2);

  res = await w.fetch("/v1/rates?country=AU&kind=mobile");
  body = await json(res);
  assert.ok(body.items.length >= 1);
  assert.ok(body.items.every((r) => r.country === "AU" && r.kind === "mobile"));

  res = await w.fetch("/v1/rates?region=au-nz&limit=500");
  body = await json(res);
  assert.ok(body.items.every((r) => r.country === "AU" || r.country === "NZ" || r.region === "au-nz"));

  res = await w.fetch("/v1/rates?q=%2B614");
  body = await json(res);
  assert.ok(body.items.every((r) => r.prefix.startsWith("614")));

  for (const bad of ["region=mars", "kind=spaceship", "limit=0", "limit=100000", "offset=-1"]) {
    res = await w.fetch("/v1/rates?" + bad);
    assert.equal(res.status, 400, bad);
  }
});

test("deck snapshot: ETag by version, 304, old versions immutable", async () => {
  let res = await w.fetch("/v1/deck");
  assert.equal(res.status, 200);
  const etag = res.headers.get("etag");
  const version = res.headers.get("x-deck-version");
  assert.ok(etag && version);
  const snap = new Uint8Array(await res.arrayBuffer());
  const stored = new Uint8Array(await w.kv.get("deck/v/" + version, "arrayBuffer"));
  assert.deepEqual(snap, stored);
  res = await w.fetch("/v1/deck", { headers: { "If-None-Match": etag } });
  assert.equal(res.status, 304);
  res = await w.fetch("/v1/deck?version=" + encodeURIComponent(version));
  assert.equal(res.status, 200);
  assert.match(res.headers.get("cache-control"), /immutable/);
  await res.arrayBuffer();
  res = await w.fetch("/v1/deck?version=nope");
  assert.equal(res.status, 404);
  await res.arrayBuffer();
});

test("openapi document and unknown routes", async () => {
  let res = await w.fetch("/v1/openapi.json");
  assert.equal(res.status, 200);
  assert.equal((await json(res)).openapi, "3.1.0");
  res = await w.fetch("/v1/nope");
  assert.equal(res.status, 404);
  assert.equal((await json(res)).error.code, "not_found");
  res = await w.fetch("/v1/rates", { method: "DELETE" });
  assert.equal(res.status, 405);
  await res.arrayBuffer();
});

test("msgpack responses on request", async () => {
  const res = await w.fetch("/v1/rates/lookup?number=%2B61412345678", {
    headers: { ...bearer(keys.demo), Accept: "application/msgpack" },
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/msgpack");
  const b = new Uint8Array(await res.arrayBuffer());
  assert.equal(b[0] & 0xf0, 0x80); // a fixmap
});

test("huge bodies are refused before reaching Go", async () => {
  const res = await w.fetch("/v1/rates", { method: "POST", body: new Uint8Array(9 << 20) });
  assert.equal(res.status, 413);
  assert.equal((await json(res)).error.code, "invalid");
});
