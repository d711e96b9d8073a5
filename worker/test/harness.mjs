// Shared set-up of the worker's integration tests: the built worker
// (worker/build) on workerd through Miniflare, with D1 migrated and the seed
// data of worker/cmd/seed loaded.
import { Miniflare } from "miniflare";
import { readFileSync, readdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, "..", "..");
export const build = join(root, "worker", "build");
export const seed = join(build, "seed");
export const keys = Object.fromEntries(
  JSON.parse(readFileSync(join(seed, "keys.json"), "utf8")).map((k) => [k.name, k.token]),
);

// statements splits a migration or seed file into statements.
export function statements(sql) {
  return sql
    .split(/;\s*$/m)
    .map((s) => s.replace(/^\s*--.*$/gm, "").trim())
    .filter((s) => s.length > 0);
}

export async function migrate(db) {
  const dir = join(root, "worker", "migrations");
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".sql")).sort()) {
    await db.batch(statements(readFileSync(join(dir, f), "utf8")).map((s) => db.prepare(s)));
  }
}

export async function loadSeed(mf) {
  const db = await mf.getD1Database("DB");
  await migrate(db);
  await db.batch(statements(readFileSync(join(seed, "seed.sql"), "utf8")).map((s) => db.prepare(s)));
  const kv = await mf.getKVNamespace("KV");
  for (const line of readFileSync(join(seed, "kv.tsv"), "utf8").split("\n")) {
    if (line === "") continue;
    const [key, file] = line.split("\t");
    await kv.put(key, Uint8Array.from(readFileSync(join(seed, file))).buffer);
  }
  return { db, kv };
}

// selftestBuild is the worker built with -tags selftest (worker.mk): the
// production worker plus the /__selftest endpoints the tests call.
export const selftestBuild = join(build, "selftest");

// workerOptions are Miniflare's options for the built worker: the selftest
// build unless dir says otherwise (the benchmark runs the production one).
export function workerOptions({ dir = selftestBuild, ...extra } = {}) {
  return {
    modules: true,
    scriptPath: join(dir, "worker.mjs"),
    modulesRoot: dir,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2026-04-01",
    cf: false,
    kvNamespaces: ["KV"],
    d1Databases: { DB: "tollgate-test" },
    durableObjects: { ACCOUNTS: "Account" },
    queueProducers: { WEBHOOKS: "tollgate-webhooks" },
    queueConsumers: { "tollgate-webhooks": { maxBatchSize: 10, maxBatchTimeout: 1, maxRetries: 2 } },
    bindings: { TOLLGATE_SELFTEST: "1" },
    ...extra,
  };
}

// start returns a seeded Miniflare and a fetch helper; call stop() after.
export async function start(extra) {
  const mf = new Miniflare(workerOptions(extra));
  try {
    const stores = await loadSeed(mf);
    const fetch = (path, init = {}) => mf.dispatchFetch("http://tollgate.test" + path, init);
    return { mf, fetch, ...stores, stop: () => mf.dispose() };
  } catch (e) {
    await mf.dispose();
    throw e;
  }
}

export function bearer(token) {
  return { Authorization: "Bearer " + token };
}
