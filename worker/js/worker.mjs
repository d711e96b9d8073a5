// Tollgate's Workers glue: one Go program per isolate, started on the first
// event and reused by every later one (the stock syumai/workers glue starts a
// new Go runtime per request). Each event is handed to Go as a compact tuple
// and answered through a callback; see worker/glue for the Go half.
import "./wasm_exec.js";
import mod from "./app.wasm";
import { WASM_PATH, serveWasm } from "./precompressed.mjs";

// MAX_BODY is the hard cap on any request body; the Go handlers apply tighter
// per-route limits.
const MAX_BODY = 8 << 20;
const FETCH = 0, OBJECT = 1, SCHEDULED = 2, QUEUE = 3;

let go;          // the Go instance, once its program is ready
let mem;         // Go's memory (a WebAssembly.Memory)
let box = 0;     // where in Go's memory events go (glue.box: 4 little-endian uint32)
let inbox = 0, inboxSize = 0; // where in Go's memory requests go
let starting;    // the start-up promise
let nextID = 1;
const inflight = new Map(); // id → {resolve, reject, timer} of events Go has not answered yet
const settled = new Map();  // Await id → a settled promise's value, until Go takes it
const current = { body: null, exec: undefined, aux: undefined }; // the event being handed over
const enc = new TextEncoder();
const dec = new TextDecoder();

// The event types and fields of glue.box (worker/glue).
const EVENT_SERVE = 1, EVENT_SETTLE = 2, NO_INBOX = 0xffffffff;

// fire writes an event into Go's box and runs Go until it waits again
// (the runtime's event path, as a js.FuncOf call takes; see glue.Serve).
function fire(type, a, b, c) {
  const dv = new DataView(mem.buffer, box, 16);
  dv.setUint32(0, type, true);
  dv.setUint32(4, a, true);
  dv.setUint32(8, b, true);
  dv.setUint32(12, c, true);
  go._resume();
}

function start(env) {
  if (starting === undefined) {
    starting = new Promise((resolve, reject) => {
      const g = new Go();
      let instance;
      globalThis.__tollgate = {
        env,
        ready(boxPtr, ptr, size) { box = boxPtr; inbox = ptr; inboxSize = size; go = g; resolve(); },
        // The parts of the event being handed over that are JS values.
        takeBody() { return current.body; },
        takeValues() { return [current.exec, current.aux]; },
        // glue.Await: settle Await id when p settles.
        await(p, id) {
          const done = (ok, v) => {
            if (go !== g) return; // settled after this program exited
            settled.set(id, v);
            try { fire(EVENT_SETTLE, ok ? 1 : 0, id, 0); } catch (e) { settled.delete(id); }
          };
          Promise.resolve(p).then((v) => done(true, v), (e) => done(false, String(e instanceof Error ? e.message : e)));
        },
        takeSettled(id) { const v = settled.get(id); settled.delete(id); return v; },
        logRejection(p, what) { Promise.resolve(p).catch((e) => console.error(what, e)); },
      };
      // The glue replaces syscall/js's event handler (see worker/glue), so a
      // js.FuncOf callback would never reach its Go function: calling one
      // throws instead, which fails that request loudly rather than
      // leaving it to hang (Go's file writes, os.Stdout included, wait on
      // one; the glue sends the log package to the console instead).
      g._makeFuncWrapper = () => function () {
        throw new Error("js.FuncOf callbacks are not supported by Tollgate's glue (worker/glue): await promises with glue.Await, log with the log package");
      };
      // Go answers through this import with a pointer into its memory.
      g.importObject.tollgate = {
        answer(id, ptr, n) { answer(id, new Uint8Array(mem.buffer, ptr, n)); },
      };
      instance = new WebAssembly.Instance(mod, g.importObject);
      mem = instance.exports.mem;
      const exited = (err) => {
        // The Go program died (an unrecovered panic): fail what is in
        // flight and start afresh on the next event.
        go = undefined;
        starting = undefined;
        settled.clear();
        const e = err instanceof Error ? err : new Error("Go program exited");
        for (const p of inflight.values()) { clearTimeout(p.timer); p.reject(e); }
        inflight.clear();
        reject(e);
      };
      g.run(instance).then(() => exited(), exited);
    });
  }
  return starting;
}

// answer receives Go's response to event id, a view of Go's memory valid
// only during the call: a 2-byte status, a 4-byte header length (both
// little-endian), the header block, the body.
function answer(id, buf) {
  const p = inflight.get(id);
  if (p === undefined) return;
  inflight.delete(id);
  if (p.timer !== undefined) clearTimeout(p.timer);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const status = dv.getUint16(0, true);
  const hl = dv.getUint32(2, true);
  const body = buf.byteLength > 6 + hl ? buf.slice(6 + hl) : null; // a copy
  p.resolve(new Response(body, {
    status, headers: parseHeaders(dec.decode(buf.subarray(6, 6 + hl))),
  }));
}

// send packs a request — a 4-byte little-endian length n, n bytes of
// "method\nurl\nheaders", then the body — into Go's inbox (straight into
// Go's memory; Go copies it out before the event returns), or into a new
// buffer that Go takes if it does not fit, and hands it to Go.
function send(id, kind, method, url, headers, body, exec, aux) {
  const head = enc.encode(method + "\n" + url + "\n" + headers);
  const n = 4 + head.byteLength + (body ? body.byteLength : 0);
  const fits = n <= inboxSize;
  const out = fits ? new Uint8Array(mem.buffer, inbox, n) : new Uint8Array(n);
  new DataView(out.buffer, out.byteOffset, 4).setUint32(0, head.byteLength, true);
  out.set(head, 4);
  if (body) out.set(body, 4 + head.byteLength);
  current.body = fits ? null : out;
  current.exec = exec;
  current.aux = aux;
  try {
    fire(EVENT_SERVE, kind, id, fits ? n : NO_INBOX);
  } finally {
    current.body = current.exec = current.aux = undefined;
  }
}

function headerBlock(headers) {
  let s = "";
  for (const [k, v] of headers) s += k + ": " + v + "\n";
  return s;
}

// parseHeaders turns Go's header block into [name, value] pairs, which the
// Response constructor takes in one call (Headers.append is a call per
// header into the runtime).
function parseHeaders(block) {
  const h = [];
  let start = 0;
  while (start < block.length) {
    let end = block.indexOf("\n", start);
    if (end < 0) end = block.length;
    const colon = block.indexOf(":", start);
    if (colon > start && colon < end) {
      h.push([block.slice(start, colon), block.slice(colon + 2, end)]);
    }
    start = end + 1;
  }
  return h;
}

const TOO_LARGE = Symbol("too large");

async function readBody(req) {
  if (req.body === null) return null;
  const len = req.headers.get("content-length");
  if (len !== null) {
    if (Number(len) > MAX_BODY) return TOO_LARGE;
    return new Uint8Array(await req.arrayBuffer());
  }
  const reader = req.body.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_BODY) {
      await reader.cancel();
      return TOO_LARGE;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) { out.set(c, off); off += c.byteLength; }
  return out;
}

function tooLarge() {
  return new Response(
    '{"error":{"code":"invalid","message":"request body is too large"}}',
    { status: 413, headers: { "content-type": "application/json" } },
  );
}

// ANSWER_TIMEOUT bounds how long an event waits for Go: a watchdog that
// turns a lost answer into an error instead of a request hanging forever.
const ANSWER_TIMEOUT = 30000;

function call(kind, method, url, headers, body, exec, aux) {
  return new Promise((resolve, reject) => {
    const id = nextID++;
    const p = { resolve, reject, timer: undefined };
    inflight.set(id, p);
    try {
      send(id, kind, method, url, headers, body, exec, aux);
    } catch (e) {
      inflight.delete(id);
      reject(e);
      return;
    }
    // Most events are answered before send returns (no I/O): they need no
    // watchdog, and a timer per request is a measurable share of its cost.
    if (inflight.has(id)) {
      p.timer = setTimeout(() => {
        inflight.delete(id);
        reject(new Error("no answer from the Go program within " + ANSWER_TIMEOUT + " ms: " + method + " " + url));
      }, ANSWER_TIMEOUT);
    }
  });
}

async function handle(kind, req, env, exec, aux, extraHeaders = "") {
  if (go === undefined) await start(env);
  const body = req.body === null ? null : await readBody(req); // no await without a body
  if (body === TOO_LARGE) return tooLarge();
  return call(kind, req.method, req.url, headerBlock(req.headers) + extraHeaders, body, exec, aux);
}

export default {
  fetch(req, env) {
    // The portal's app.wasm, precompressed (the only asset the worker
    // sees first; wrangler.toml): no Go needed, so a first visit does not
    // wait for the Go program to start.
    if (env.ASSETS !== undefined && req.url.includes(WASM_PATH) && new URL(req.url).pathname === WASM_PATH) {
      return serveWasm(req, env.ASSETS);
    }
    // No per-request JS values besides the packed request: fewer for Go to
    // track (the fetch handlers do not use waitUntil).
    return handle(FETCH, req, env, undefined, undefined);
  },
  async scheduled(event, env, ctx) {
    if (go === undefined) await start(env);
    const url = "https://cron.internal/cron?cron=" + encodeURIComponent(event.cron) +
      "&time=" + event.scheduledTime;
    const res = await call(SCHEDULED, "POST", url, "", null, ctx, undefined);
    if (!res.ok) throw new Error("cron " + event.cron + ": " + res.status + " " + (await res.text()));
  },
  // Each message goes to Go on its own: 2xx acknowledges it, anything else
  // retries it (with the queue's back-off and retry limit).
  async queue(batch, env, ctx) {
    if (go === undefined) await start(env);
    const url = "https://queue.internal/queue/" + encodeURIComponent(batch.queue);
    await Promise.all(batch.messages.map(async (msg) => {
      const body = msg.body instanceof Uint8Array ? msg.body
        : msg.body instanceof ArrayBuffer ? new Uint8Array(msg.body)
        : new TextEncoder().encode(typeof msg.body === "string" ? msg.body : JSON.stringify(msg.body));
      try {
        const res = await call(QUEUE, "POST", url, "", body, ctx, undefined);
        if (res.ok) msg.ack(); else msg.retry();
      } catch (e) {
        msg.retry();
      }
    }));
  },
};

// Account is the Durable Object class: one instance per account serializes
// what must not race. It hands its requests to the same Go program with its
// storage and an activation id, so that Go drops state cached by an earlier
// activation of the object.
export class Account {
  constructor(state, env) {
    this.state = state;
    this.env = env;
    this.storage = new ObjectStorage(state.storage);
    this.activation = "x-tollgate-activation: " + crypto.randomUUID() + "\n";
  }
  fetch(req) {
    // One event at a time: Go must never make one request wait for another
    // request's I/O (see worker/glue), so the object serializes here, with
    // the runtime's own gate, rather than on a Go lock.
    return this.state.blockConcurrencyWhile(() =>
      handle(OBJECT, req, this.env, this.state, this.storage, this.activation));
  }
}

// ObjectStorage is an object's storage as Go sees it (cfstore.DOStorage):
// get and put of one key as the runtime's, and reads, writes and listings
// of many keys, each packed into one buffer (one call across, not one per
// key). A packed entry is a 4-byte little-endian length and the UTF-8 key,
// then, if it has a value, a 4-byte length and the value.
class ObjectStorage {
  constructor(storage) { this.s = storage; }
  get(key) { return this.s.get(key); }
  put(key, value) { return this.s.put(key, value); }
  // getMany resolves to the entries found among the packed keys (the
  // runtime reads at most 128 keys per call).
  async getMany(buf) {
    const { keys } = unpack(buf, 0);
    const reads = [];
    for (let i = 0; i < keys.length; i += 128) reads.push(this.s.get(keys.slice(i, i + 128)));
    return packMaps(await Promise.all(reads));
  }
  // write deletes the keys packed after the first nput entries, then puts
  // those. There is no await between the runtime calls, so the runtime
  // submits them as one atomic write, and its output gate holds the
  // object's responses until the write is durable (resetting the object
  // if it fails). The promise settles when it is.
  write(buf, nput) {
    const { keys, values } = unpack(buf, nput);
    const writes = [];
    for (let i = nput; i < keys.length; i += 128) writes.push(this.s.delete(keys.slice(i, Math.min(i + 128, keys.length))));
    for (let i = 0; i < nput; i += 128) {
      const entries = {}; // keys are Go's, never "__proto__"
      for (let j = i; j < Math.min(i + 128, nput); j++) entries[keys[j]] = values[j];
      writes.push(this.s.put(entries));
    }
    return Promise.all(writes);
  }
  // list resolves to up to limit entries under prefix after startAfter.
  async list(prefix, startAfter, limit) {
    const opts = { prefix, limit };
    if (startAfter) opts.startAfter = startAfter;
    return packMaps([await this.s.list(opts)]);
  }
}

// unpack reads packed keys; the first nput have values (copies).
function unpack(buf, nput) {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const keys = [], values = [];
  for (let off = 0; off < buf.byteLength;) {
    const kl = dv.getUint32(off, true);
    keys.push(dec.decode(buf.subarray(off + 4, off + 4 + kl)));
    off += 4 + kl;
    if (keys.length <= nput) {
      const vl = dv.getUint32(off, true);
      values.push(buf.slice(off + 4, off + 4 + vl));
      off += 4 + vl;
    }
  }
  return { keys, values };
}

// packMaps packs the entries of the runtime's Maps of key → bytes.
function packMaps(maps) {
  const parts = [];
  let n = 0;
  for (const m of maps) {
    for (const [k, v] of m) {
      const kb = enc.encode(k), vb = v instanceof Uint8Array ? v : new Uint8Array(v);
      parts.push(kb, vb);
      n += 8 + kb.byteLength + vb.byteLength;
    }
  }
  const out = new Uint8Array(n), dv = new DataView(out.buffer);
  let off = 0;
  for (const p of parts) {
    dv.setUint32(off, p.byteLength, true);
    out.set(p, off + 4);
    off += 4 + p.byteLength;
  }
  return out;
}
