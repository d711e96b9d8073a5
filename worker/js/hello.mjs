// A plain-JS worker that answers every request with a small JSON body: the
// ceiling the Go worker is measured against in `make bench`.
export default {
  fetch(req) {
    const u = new URL(req.url);
    return new Response(JSON.stringify({ hello: u.pathname }), {
      headers: { "content-type": "application/json" },
    });
  },
};
