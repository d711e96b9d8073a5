// Threshold notifications reach the tenant's webhook through the Queue,
// signed, and are retried when the receiver fails.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { start, keys, bearer } from "./harness.mjs";

const deliveries = [];
let failFirst = true;
let w;
before(async () => {
  w = await start({
    outboundService: async (req) => {
      const body = await req.text();
      deliveries.push({ url: req.url, sig: req.headers.get("tollgate-signature"), id: req.headers.get("tollgate-event-id"), body });
      if (failFirst) { failFirst = false; return new Response("try later", { status: 503 }); }
      return new Response(null, { status: 204 });
    },
  });
  await w.db.prepare("UPDATE tenants SET webhook_url = ?, webhook_secret = ? WHERE id = 'demo'")
    .bind("https://hooks.example/tollgate", "whsec-test").run();
});
after(async () => { await w?.stop(); });

test("a CDR crossing 80% of the cap is POSTed, signed, retried until accepted", async () => {
  const startAt = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const res = await w.fetch("/v1/cdrs", {
    method: "POST",
    headers: { ...bearer(keys.demo), "content-type": "application/json" },
    body: JSON.stringify({ cdrs: [{ call_id: "long-1", user: "alice", dialled: "+61412345678", start: startAt, seconds: 6400 }] }),
  });
  assert.equal(res.status, 200);
  const r = (await res.json()).results[0];
  assert.deepEqual(r.notices, ["payg_cap:80"]);
  // first delivery fails (503), the queue retries it
  for (let i = 0; i < 100 && deliveries.length < 2; i++) await new Promise((ok) => setTimeout(ok, 100));
  assert.ok(deliveries.length >= 2, `deliveries: ${deliveries.length}`);
  const d = deliveries.at(-1);
  assert.equal(d.url, "https://hooks.example/tollgate");
  assert.match(d.id, /^demo\/\d{4}-\d{2}\/payg_cap\/80$/);
  const ev = JSON.parse(d.body);
  assert.equal(ev.tenant, "demo");
  assert.equal(ev.percent, 80);
  const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(d.sig);
  assert.equal(createHmac("sha256", "whsec-test").update(t + "." + d.body).digest("hex"), v1);
  assert.ok(deliveries.every((x) => x.id === d.id));

  // The portal's inbox has it too, stored in D1 when the CDR was rated.
  const login = await w.fetch("/v1/session", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "alice@demo.example", password: "tollgate-demo" }), // worker/cmd/seed DemoPassword
  });
  assert.equal(login.status, 200);
  const inbox = await w.fetch("/v1/notifications", { headers: { cookie: login.headers.get("set-cookie").split(";")[0] } });
  const n = (await inbox.json()).notifications.find((x) => x.id.endsWith("/payg_cap/80"));
  assert.ok(n, "no 80% notification in the inbox");
  assert.equal(n.month_only, undefined, "stored, not derived from the usage");
  assert.ok(Math.abs(Date.parse(n.at) - Date.parse(startAt)) < 60000, `dated ${n.at}, the CDR was rated at about ${startAt}`);
  assert.match(n.message, /^Pay-as-you-go spend reached 80% of your cap: US\$[\d.]+ of US\$[\d.]+ this month\.$/);
});
