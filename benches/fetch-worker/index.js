// The smallest Worker that reads an origin body whole: `fetch()` then `arrayBuffer()`, timed
// as `Server-Timing: fetch` the way Tailor times its own read. `make bench` runs it in the same
// workerd as Tailor's Worker, so what reading a large original costs in the runtime itself is
// measured beside what it costs Tailor.
export default {
  async fetch(request, env) {
    const path = new URL(request.url).pathname;
    if (path === "/healthz") return new Response("ok\n");
    const start = Date.now();
    const response = await fetch(env.origin + path);
    const body = await response.arrayBuffer();
    const ms = Date.now() - start;
    return new Response(`${body.byteLength} bytes\n`, {
      status: response.status,
      headers: { "server-timing": `fetch;dur=${ms}` },
    });
  },
};
