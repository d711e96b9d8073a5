// `make bench` for the worker: the built Go worker and a plain-JS "hello"
// worker on the same runtime (workerd through Miniflare, 127.0.0.1 only),
// loaded by worker/build/loadgen at concurrency 1 and 8. Prints req/s and
// p50/p99 per endpoint, the ratio to the plain-JS ceiling, the wasm size
// (raw and gzip) and the cold start.
import { Miniflare } from "miniflare";
import { execFileSync } from "node:child_process";
import { readFileSync, existsSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { build, keys, loadSeed, workerOptions, root } from "../test/harness.mjs";

const N = Number(process.env.BENCH_N || 2000);       // requests per run (bounded)
const DURATION = process.env.BENCH_D || "6s";        // time bound per run
const ROUNDS = Number(process.env.BENCH_ROUNDS || 3); // interleaved rounds of the quick endpoints (medians)
const loadgen = join(build, "loadgen");

function run(name, url, c, extra = []) {
  const out = execFileSync(loadgen, ["-url", url, "-c", String(c), "-n", String(N), "-d", DURATION, "-name", name, ...extra]);
  return JSON.parse(out.toString());
}

function row(r, ceiling) {
  const ratio = ceiling ? (r.req_per_sec / ceiling).toFixed(2) + "×" : "";
  const name = r.rounds > 1 ? r.name + ` (median of ${r.rounds})` : r.name;
  return `${name.padEnd(40)} c=${r.c}  ${r.req_per_sec.toFixed(0).padStart(6)} req/s  p50 ${r.p50_ms.toFixed(2).padStart(6)} ms  p99 ${r.p99_ms.toFixed(2).padStart(6)} ms  errors ${r.errors}  ${ratio}${r.first_error ? "  first error: " + r.first_error.slice(0, 120) : ""}`;
}

const wasm = readFileSync(join(build, "app.wasm"));
console.log(`worker wasm: ${(wasm.length / 1e6).toFixed(2)} MB raw, ${(gzipSync(wasm, { level: 9 }).length / 1e6).toFixed(2)} MB gzip (target ≤ 2 MB gzip)`);

const local = { host: "127.0.0.1", port: 0 };
const hello = new Miniflare({
  modules: true, scriptPath: join(root, "worker/js/hello.mjs"), compatibilityDate: "2026-04-01", cf: false, ...local,
});
// BENCH_LEASE_ISOLATES sizes the quota leases (TOLLGATE_LEASE_ISOLATES;
// default 4: a lease is a quarter of what the account has free).
const leaseIsolates = process.env.BENCH_LEASE_ISOLATES;
const go = new Miniflare(workerOptions({ dir: build, ...local, bindings: leaseIsolates ? { TOLLGATE_LEASE_ISOLATES: leaseIsolates } : {} }));
console.log(`quota leases sized for ${leaseIsolates || "4 (default)"} isolate(s) per account (BENCH_LEASE_ISOLATES)`);
const wasmRule = { modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }] };
const glues = {};
for (const v of ["stock", "ping"]) {
  const dir = join(build, v);
  if (existsSync(join(dir, "app.wasm"))) {
    glues[v] = new Miniflare({ modules: true, scriptPath: join(dir, "worker.mjs"), modulesRoot: dir, compatibilityDate: "2026-04-01", cf: false, ...wasmRule, ...local });
  }
}
try {
  const t0 = performance.now();
  const goURL = await go.ready;
  await loadSeed(go);
  const helloURL = await hello.ready;
  const auth = ["-H", "Authorization: Bearer " + keys.demo];

  // Cold start: the first request starts the Go program (wasm instantiate,
  // runtime init) and loads the deck from KV; the second is warm.
  let t = performance.now();
  let res = await fetch(goURL + "v1/rates/lookup?number=%2B61412345678", { headers: { Authorization: "Bearer " + keys.demo } });
  await res.text();
  const cold = performance.now() - t;
  t = performance.now();
  res = await fetch(goURL + "v1/openapi.json");
  await res.text();
  const warm = performance.now() - t;
  console.log(`cold start: first request ${cold.toFixed(1)} ms (Go start + deck load from KV), next ${warm.toFixed(1)} ms; runtime ready in ${(performance.now() - t0 - cold - warm).toFixed(0)} ms`);

  // A package call (holds nothing: answered from the isolate's replica), a
  // metered domestic call (demo's 300-minute bundle) and a metered
  // pay-as-you-go call (globex's US$50 cap), the metered ones from the
  // isolate's quota lease (a Durable Object round trip only to renew it),
  // each settled by an unanswered CDR right after ({{now}}: the time the
  // loader sends the call, the same in its CDR).
  const packageBody = JSON.stringify({ call_id: "pkg-{{n}}", user: "carol", dialled: "+33123456789" });
  const meteredBody = JSON.stringify({ call_id: "met-{{n}}", user: "bob", dialled: "+442079460000", start: "{{now}}" });
  const settleBody = JSON.stringify({ cdrs: [{ call_id: "met-{{n}}", user: "bob", dialled: "+442079460000", start: "{{now}}", seconds: 0 }] });
  const paygBody = JSON.stringify({ call_id: "pay-{{n}}", user: "gina", dialled: "+442079460000", start: "{{now}}" });
  const paygSettle = JSON.stringify({ cdrs: [{ call_id: "pay-{{n}}", user: "gina", dialled: "+442079460000", start: "{{now}}", seconds: 0 }] });
  const authGlobex = ["-H", "Authorization: Bearer " + keys.globex];
  // Each c runs ROUNDS rounds of the quick endpoints, the plain-JS ceiling
  // among them, interleaved, and reports medians: one run of each was at
  // the mercy of whatever else the machine did during it (the ceiling
  // alone varied 3,300-5,900 req/s at c=8 between runs here). The +CDR
  // rows (slow: a CDR per call) run once.
  const results = [];
  const med = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
  const median = (runs) => ({ ...runs[0], req_per_sec: med(runs.map((r) => r.req_per_sec)),
    p50_ms: med(runs.map((r) => r.p50_ms)), p99_ms: med(runs.map((r) => r.p99_ms)),
    errors: runs.reduce((n, r) => n + r.errors, 0), rounds: runs.length,
    header_counts: runs[0].header_counts && runs.reduce((m, r) => {
      for (const [k, v] of Object.entries(r.header_counts || {})) m[k] = (m[k] || 0) + v;
      return m;
    }, {}) });
  const post = [...auth, "-method", "POST", "-H", "Content-Type: application/json", "-count-header", "Tollgate-Served-By"];
  for (const c of [1, 8]) {
    const quick = [
      ["plain-JS hello", helloURL + "v1/hello", []],
      ["/v1/rates/lookup", goURL + "v1/rates/lookup?number=%2B61412345678", auth],
      ["/v1/authorize package", goURL + "v1/authorize", [...post, "-body", packageBody.replace("pkg-", `pkg-c${c}-`)]],
      ["/v1/openapi.json (static)", goURL + "v1/openapi.json", []],
    ];
    // The glue alone: a trivial handler on ours (one Go instance per
    // isolate); syumai's stock glue (a Go runtime per request) below.
    if (glues.ping) quick.push(["glue: ours ping", (await glues.ping.ready) + "v1/ping", []]);
    const runs = quick.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      quick.forEach(([name, url, extra], i) => runs[i].push(run(name, url, c, extra)));
    }
    const rows = runs.map(median);
    const ceiling = rows[0].req_per_sec;
    results.push([rows[0], null], ...rows.slice(1).map((r) => [r, ceiling]));
    results.push([run("/v1/authorize bundle+CDR", goURL + "v1/authorize", c,
      [...post, "-body", meteredBody.replace("met-", `met-c${c}-`),
        "-then-url", goURL + "v1/cdrs", "-then-body", settleBody.replace("met-", `met-c${c}-`)]), ceiling]);
    const postGlobex = [...authGlobex, ...post.slice(2)];
    results.push([run("/v1/authorize PAYG+CDR", goURL + "v1/authorize", c,
      [...postGlobex, "-body", paygBody.replace("pay-", `pay-c${c}-`),
        "-then-url", goURL + "v1/cdrs", "-then-body", paygSettle.replace("pay-", `pay-c${c}-`)]), ceiling]);
  }
  // The same trivial handler on syumai's stock glue (a Go runtime per
  // request; ours is among the quick rows). It is slow: fewer requests,
  // same time bound.
  for (const c of [1, 8]) {
    const ceiling = results.find(([r, x]) => x === null && r.c === c)[0].req_per_sec;
    if (glues.stock) results.push([run("glue: stock syumai ping", (await glues.stock.ready) + "v1/ping", c, ["-n", "300", "-warmup", "5"]), ceiling]);
  }
  for (const [r, ceiling] of results) console.log(row(r, ceiling));
  // Where authorizations were decided, from the Tollgate-Served-By header.
  let iso = 0, obj = 0;
  for (const [r] of results) {
    if (!r.header_counts) continue;
    const i = r.header_counts.isolate || 0, o = r.header_counts.object || 0;
    iso += i; obj += o;
    console.log(`  ${r.name} c=${r.c}: ${o} of ${i + o} authorizations needed a Durable Object round trip (${(100 * o / Math.max(1, i + o)).toFixed(0)}%)`);
  }
  console.log(`Durable Object round trips overall in this mix: ${(100 * obj / Math.max(1, iso + obj)).toFixed(0)}% (hold-nothing calls from the isolate's replica; metered calls from its quota lease, the object asked to renew it)`);
  console.log("+CDR rows: each iteration is an authorization (timed) followed by its settling CDR (not timed, but in req/s); counts include the loader's warm-up");
  console.log("targets: authorize ≥ 0.7× plain-JS req/s; p99 ≤ 5 ms at c=8");
} finally {
  await go.dispose();
  await hello.dispose();
  for (const mf of Object.values(glues)) await mf.dispose();
}
