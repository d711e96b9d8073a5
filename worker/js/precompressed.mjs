// The portal's app.wasm, sent compressed ahead of time. The static site
// keeps a gzip copy next to it (app.wasm.gz, written by the portal's
// build); a runtime serving the asset itself would compress the 10 MB file
// anew for every download, which on workerd costs ~280 ms of CPU per
// request: most of a first visit's wait.

export const WASM_PATH = "/web/app.wasm";
export const WASM_GZIP_PATH = WASM_PATH + ".gz";

// acceptsGzip reports whether an Accept-Encoding value allows gzip
// (RFC 9110: "gzip", "x-gzip" or "*", with a non-zero weight; "identity"
// is always acceptable, so a missing header means no).
export function acceptsGzip(header) {
  if (!header) return false;
  let star;
  for (const part of header.split(",")) {
    const [coding, ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    let q = 1;
    for (const p of params) {
      if (p.startsWith("q=")) q = Number(p.slice(2));
    }
    const ok = q > 0; // NaN (a malformed weight) counts as refused
    if (coding === "gzip" || coding === "x-gzip") return ok;
    if (coding === "*") star = ok;
  }
  return star === true;
}

// gzipTag is the ETag of the gzip copy as sent to browsers: the copy's own
// tag, marked, so that the two forms of the file never share a tag (the
// assets may tag them alike).
export function gzipTag(etag) {
  return etag && etag.endsWith('"') ? etag.slice(0, -1) + '-gzip"' : etag;
}

// weak is an entity tag without its weakness mark: If-None-Match compares
// tags weakly (RFC 9110, 13.1.2).
function weak(tag) { return tag.startsWith("W/") ? tag.slice(2) : tag; }

// cached is the gzip copy read by an earlier request of this isolate:
// {etag, headers, body}. Reading it through the assets binding takes
// 150-220 ms on wrangler dev; a revalidation that finds it current ~5 ms.
let cached;

// gzipCopy returns the current gzip copy {etag, headers, body} from the
// assets (revalidating the isolate's copy), or undefined if there is none.
async function gzipCopy(req, assets) {
  const url = new URL(req.url);
  url.pathname = WASM_GZIP_PATH;
  url.search = "";
  const headers = cached ? { "if-none-match": cached.etag } : {};
  const res = await assets.fetch(new Request(url, { headers }));
  if (res.status === 304 && cached) return cached;
  if (res.status !== 200) {
    if (res.body) await res.body.cancel();
    return undefined;
  }
  const copy = { etag: res.headers.get("etag"), headers: res.headers, body: await res.arrayBuffer() };
  if (copy.etag) cached = copy; // untagged: cannot be revalidated, not kept
  return copy;
}

// forgetCached drops the isolate's gzip copy (for tests).
export function forgetCached() { cached = undefined; }

// serveWasm answers GET and HEAD for WASM_PATH from assets (the static
// assets' binding): the gzip copy as "Content-Encoding: gzip", sent as it
// is, when the client accepts gzip and asks for the whole file; the
// uncompressed file otherwise, or if the build wrote no gzip copy.
export async function serveWasm(req, assets) {
  const whole = req.headers.get("range") === null;
  if (whole && (req.method === "GET" || req.method === "HEAD") && acceptsGzip(req.headers.get("accept-encoding"))) {
    const copy = await gzipCopy(req, assets);
    if (copy !== undefined) {
      const out = new Headers();
      for (const name of ["cache-control", "last-modified"]) {
        const v = copy.headers.get(name);
        if (v !== null) out.set(name, v);
      }
      out.set("content-type", "application/wasm");
      out.set("content-encoding", "gzip");
      out.set("vary", "accept-encoding");
      const tag = gzipTag(copy.etag);
      if (tag) out.set("etag", tag);
      const inm = req.headers.get("if-none-match");
      if (tag && inm !== null && inm.split(",").some((t) => t.trim() === "*" || weak(t.trim()) === weak(tag))) {
        return new Response(null, { status: 304, headers: out });
      }
      out.set("content-length", String(copy.body.byteLength));
      // "manual": the body is already encoded; the runtime sends it as is.
      return new Response(req.method === "HEAD" ? null : copy.body, { headers: out, encodeBody: "manual" });
    }
  }
  const res = await assets.fetch(req);
  const out = new Response(res.body, res);
  out.headers.set("vary", "accept-encoding");
  return out;
}
