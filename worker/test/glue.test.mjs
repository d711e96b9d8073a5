// Tests of the JS↔Go glue on workerd: one Go instance answers many
// concurrent requests, each with its own answer.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, keys, bearer } from "./harness.mjs";

let w;
before(async () => { w = await start(); });
after(async () => { await w?.stop(); });

test("concurrent requests get their own responses", async () => {
  const numbers = ["+61299999999", "+61412345678", "+442079460000", "+14155550100", "999"];
  const reqs = [];
  for (let i = 0; i < 150; i++) {
    const n = numbers[i % numbers.length];
    reqs.push(w.fetch("/v1/rates/lookup?number=" + encodeURIComponent(n) + "&i=" + i, { headers: bearer(keys.demo) })
      .then(async (r) => ({ n, status: r.status, body: await r.json() })));
  }
  for (const { n, status, body } of await Promise.all(reqs)) {
    assert.equal(status, 200);
    assert.equal(body.number, n);
  }
});

test("request bodies and headers survive the hand-off byte for byte", async () => {
  // a msgpack body with every byte value in a string is refused cleanly, and
  // a JSON body with multi-byte UTF-8 reaches Go intact (echoed in the error field)
  const res = await w.fetch("/v1/authorize", {
    method: "POST",
    headers: { ...bearer(keys.demo), "content-type": "application/json" },
    body: JSON.stringify({ call_id: "ü", user: "alice", dialled: "+61412345678", "ünknown€": 1 }),
  });
  assert.equal(res.status, 400);
  const body = await res.json();
  assert.equal(body.error.field, "ünknown€");
});

test("the same Go instance serves request after request", async () => {
  // openapi.json is served from memory; 300 sequential requests must all work
  for (let i = 0; i < 300; i++) {
    const r = await w.fetch("/v1/openapi.json");
    assert.equal(r.status, 200);
    await r.arrayBuffer();
  }
});

test("a handler that panics, or whose JavaScript call throws, costs only its own request", async () => {
  // funcof, stdout: a js.FuncOf callback, which the glue does not support,
  // and a write to os.Stdout, which waits on one, fail their request at
  // once instead of leaving it to hang.
  for (const how of ["panic", "throw", "funcof", "stdout", "panic", "throw"]) {
    const res = await w.fetch("/__selftest/panic?how=" + how, { method: "POST" });
    assert.equal(res.status, 500, how);
    const body = await res.json();
    assert.deepEqual(body, { error: { code: "internal", message: "internal error" } }, how); // no details leak
    // The same Go instance goes on answering, concurrently too.
    const after = await Promise.all([0, 1, 2].map(() => w.fetch("/v1/rates/lookup?number=%2B61412345678", { headers: bearer(keys.demo) })));
    for (const r of after) {
      assert.equal(r.status, 200, "after a " + how);
      assert.equal((await r.json()).number, "+61412345678");
    }
  }
});
