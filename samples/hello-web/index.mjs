// The sample web function isola deploys on first start, as `hello-web` in the
// `default` namespace: curl http://127.0.0.1:9000/default/hello-web/
// A Workers-style module: `fetch(request, env, ctx)` gets a Web Request
// (the path after /default/hello-web, the query, the headers including the
// platform's X-Scf-*) and returns a Response.
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const name = url.searchParams.get('name') ?? 'world';
    console.log(`${request.method} ${url.pathname}${url.search}`);
    return new Response(`Hello, ${name}!\n`, {
      headers: { 'content-type': 'text/plain; charset=utf-8', 'x-powered-by': 'isola' },
    });
  },
};
