// The precompressed app.wasm (worker/js/precompressed.mjs) against a fake
// assets binding: which file is asked for, with which headers, and what
// the browser gets. The portal's browser tests check it on wrangler dev
// with the real assets.
import { test } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { acceptsGzip, forgetCached, gzipTag, serveWasm, WASM_PATH, WASM_GZIP_PATH } from "../js/precompressed.mjs";

test("acceptsGzip reads Accept-Encoding as RFC 9110 says", () => {
  const cases = [
    [null, false],
    ["", false],
    ["identity", false],
    ["gzip", true],
    ["GZip", true],
    ["x-gzip", true],
    ["br", false],
    ["gzip, deflate, br, zstd", true], // Chromium
    ["br;q=1.0, gzip;q=0.8", true],
    ["gzip;q=0", false],
    ["gzip;q=0.000", false],
    ["gzip; q=0.001", true],
    ["gzip;q=nonsense", false],
    ["*", true],
    ["*;q=0", false],
    ["br, *", true],
    ["gzip;q=0, *", false], // an explicit refusal wins over the wildcard
    ["deflate , gzip ", true],
  ];
  for (const [header, want] of cases) {
    assert.equal(acceptsGzip(header), want, JSON.stringify(header));
  }
});

const raw = new TextEncoder().encode("\0asm fake module ".repeat(1000));
const gz = gzipSync(raw, { level: 9 });

// fakeAssets serves WASM_PATH and, unless told otherwise, WASM_GZIP_PATH
// (both tagged alike, as wrangler's assets may do), answering a matching
// If-None-Match with 304, and records the requests. replace(bytes) puts a
// new build's gzip copy in place.
function fakeAssets({ withGzip = true } = {}) {
  const seen = [];
  const files = { [WASM_PATH]: [raw, '"build1"', "application/wasm"] };
  if (withGzip) files[WASM_GZIP_PATH] = [gz, '"build1"', "application/gzip"];
  return {
    seen,
    replace(body, etag) { files[WASM_GZIP_PATH] = [body, etag, "application/gzip"]; },
    async fetch(req) {
      const path = new URL(req.url).pathname;
      seen.push({ path, method: req.method, headers: Object.fromEntries(req.headers) });
      const f = files[path];
      if (!f) return new Response("not found", { status: 404 });
      const [body, etag, type] = f;
      const headers = { etag, "content-type": type, "content-length": String(body.byteLength), "cache-control": "public, max-age=0, must-revalidate" };
      if (req.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
      return new Response(req.method === "HEAD" ? null : body, { headers });
    },
  };
}

const url = "http://portal.test" + WASM_PATH;
const chromium = { "accept-encoding": "gzip, deflate, br, zstd" };

test("gzipTag marks the copy's tag, weak or strong", () => {
  assert.equal(gzipTag('"abc"'), '"abc-gzip"');
  assert.equal(gzipTag('W/"abc"'), 'W/"abc-gzip"');
  assert.equal(gzipTag(null), null);
});

test("a browser that accepts gzip gets the gzip copy, marked as such", async () => {
  forgetCached();
  const assets = fakeAssets();
  const res = await serveWasm(new Request(url, { headers: { ...chromium, "user-agent": "x" } }), assets);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-encoding"), "gzip");
  assert.equal(res.headers.get("content-type"), "application/wasm");
  assert.equal(res.headers.get("content-length"), String(gz.byteLength));
  assert.equal(res.headers.get("vary"), "accept-encoding");
  assert.equal(res.headers.get("etag"), '"build1-gzip"', "never the uncompressed file's tag");
  assert.equal(res.headers.get("cache-control"), "public, max-age=0, must-revalidate");
  assert.deepEqual(new Uint8Array(await res.arrayBuffer()), new Uint8Array(gz)); // Node's Response does not decode
  assert.deepEqual(assets.seen, [{ path: WASM_GZIP_PATH, method: "GET", headers: {} }], "nothing of the browser's request is passed on");
});

test("the isolate keeps the copy, revalidates it, and takes a new build's", async () => {
  forgetCached();
  const assets = fakeAssets();
  await (await serveWasm(new Request(url, { headers: chromium }), assets)).arrayBuffer();
  const again = await serveWasm(new Request(url, { headers: chromium }), assets);
  assert.deepEqual(new Uint8Array(await again.arrayBuffer()), new Uint8Array(gz));
  assert.equal(assets.seen[1].headers["if-none-match"], '"build1"', "revalidated, not read again");

  const rebuilt = gzipSync(new TextEncoder().encode("\0asm another build"), { level: 9 });
  assets.replace(rebuilt, '"build2"');
  const fresh = await serveWasm(new Request(url, { headers: chromium }), assets);
  assert.equal(fresh.headers.get("etag"), '"build2-gzip"');
  assert.deepEqual(new Uint8Array(await fresh.arrayBuffer()), new Uint8Array(rebuilt));
});

test("a browser's revalidation of the gzip copy is a 304 with the same encoding", async () => {
  forgetCached();
  const assets = fakeAssets();
  for (const inm of ['"build1-gzip"', 'W/"build1-gzip"', '"other", "build1-gzip"', "*"]) {
    const res = await serveWasm(new Request(url + "?v=1", { headers: { "accept-encoding": "gzip", "if-none-match": inm } }), assets);
    assert.equal(res.status, 304, inm);
    assert.equal(res.headers.get("content-encoding"), "gzip", inm);
    assert.equal(res.headers.get("etag"), '"build1-gzip"', inm);
    assert.equal(res.body, null, inm);
  }
  for (const inm of ['"build1"', '"build0-gzip"']) {
    const res = await serveWasm(new Request(url, { headers: { "accept-encoding": "gzip", "if-none-match": inm } }), assets);
    assert.equal(res.status, 200, inm);
  }
  assert.ok(assets.seen.every((r) => new URL(r.path, "http://x").search === ""));
});

test("HEAD gets the headers of the gzip copy, no body", async () => {
  forgetCached();
  const assets = fakeAssets();
  const res = await serveWasm(new Request(url, { method: "HEAD", headers: { "accept-encoding": "gzip" } }), assets);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-encoding"), "gzip");
  assert.equal(res.headers.get("content-length"), String(gz.byteLength));
  assert.equal(res.body, null);
});

test("no gzip accepted, a range, or no gzip copy: the file itself", async () => {
  for (const [name, headers, opts] of [
    ["no Accept-Encoding", {}, {}],
    ["gzip refused", { "accept-encoding": "gzip;q=0, br" }, {}],
    ["a range", { "accept-encoding": "gzip", range: "bytes=0-99" }, {}],
    ["no gzip copy", { "accept-encoding": "gzip" }, { withGzip: false }],
  ]) {
    forgetCached();
    const assets = fakeAssets(opts);
    const res = await serveWasm(new Request(url, { headers }), assets);
    assert.equal(res.status, 200, name);
    assert.equal(res.headers.get("content-encoding"), null, name);
    assert.equal(res.headers.get("vary"), "accept-encoding", name);
    assert.equal(res.headers.get("etag"), '"build1"', name);
    assert.deepEqual(new Uint8Array(await res.arrayBuffer()), raw, name);
    assert.equal(assets.seen.at(-1).path, WASM_PATH, name);
  }
});
