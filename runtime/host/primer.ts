/**
 * The sandbox's request path, run once in a scratch isolate before its code
 * caches are made, so that the caches carry that code compiled.
 *
 * V8 compiles a function when it is first called. A code cache made right
 * after compiling a script holds only the top level, so every new isolate
 * compiled the bootstrap's dispatch and the Web classes' Request, Headers,
 * body and Response code during its first request: ~3 ms of the cold
 * request (bench/results/issue-15-coldstart-refill-ab.md, the `--no-lazy`
 * experiment). Compiling the same source again in the same isolate returns
 * the script V8 already holds (its compilation cache), functions compiled
 * since included, and a code cache made from that carries them: every
 * isolate that consumes it starts with that code compiled.
 *
 * Nothing of this reaches tenant code: it runs in a scratch isolate that is
 * disposed afterwards, with capabilities that only record what the bootstrap
 * reports; a cache holds compiled code, no heap state (no globals, counters
 * or log lines).
 */
import ivm from 'isolated-vm';
import { CAPABILITY_NAMES, eachFinal } from './capabilities';
import { LIMITS } from './limits';

/** The primer's handler: reads the request the ways hello-world handlers do and answers like them. */
const PRIMER_MODULE = `export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const type = request.headers.get('content-type');
    const body = request.method === 'POST' ? await request.text() : '';
    const headers = new Headers({ 'content-type': 'text/plain; charset=utf-8' });
    headers.set('x-primer', String(type !== null));
    if (url.searchParams.get('json') === '1') return Response.json({ body, path: url.pathname });
    return new Response('hello ' + body, { status: 200, headers });
  },
};\n`;

/** The requests the primer sends: a GET alone, a POST with a small body, then a batch of GETs (how queued requests enter). */
const HEADERS = JSON.stringify([['host', 'primer.invalid'], ['accept', '*/*'], ['content-type', 'text/plain']]);

/**
 * Runs the web script and the bootstrap (`web`, `bootstrap`: their sources,
 * compiled in `isolate`, whose scripts must stay alive — the caller releases
 * them after making the caches), hands stub capabilities to the bootstrap,
 * loads the primer's handler as an ES module the way a cold start does and
 * sends it requests. Returns the number of responses seen; throws when
 * the path did not run as expected (the caller then keeps the plain caches).
 */
export function primeRequestPath(isolate: ivm.Isolate, web: ivm.Script | null, bootstrap: ivm.Script): number {
  const context = isolate.createContextSync();
  try {
    if (web !== null) web.runSync(context, { timeout: 2000 });
    const boot = (bootstrap.runSync(context, { reference: true, timeout: 2000 })) as ivm.Reference<unknown>;
    let initDone = false;
    const responses: number[] = [];
    const errors: string[] = [];
    const record = (name: string) => new ivm.Callback((...args: unknown[]) => {
      if (name === 'done') {
        if (args[0] === '' && args[1] === 'init') initDone = true;
        else errors.push(`done ${String(args[1])}: ${String(args[2])}`);
      } else if (name === 'http') {
        if (args[0] === 'finals') eachFinal(args[2], args[3], (_rid, status) => responses.push(status ?? NaN));
        else if (args[0] === 'final' || args[0] === 'start') responses.push(args[2] as number);
        else if (args[0] !== 'done') errors.push(`http ${String(args[0])}: ${String(args[2])}`);
      }
      return undefined;
    });
    const config = JSON.stringify({ limits: LIMITS, node: { version: process.version, platform: process.platform, arch: process.arch } });
    const functionConfig = JSON.stringify({ env: {}, functionName: 'primer', version: '$LATEST', namespace: 'default', memoryMb: 128, timeoutMs: 3000 });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const api = (boot as ivm.Reference<any>).applySync(undefined, [config, ...CAPABILITY_NAMES.map(record)] as any[],
      { result: { reference: true }, timeout: 2000 }) as unknown as ivm.Reference<Record<string, unknown>>;
    boot.release();
    const entry = (name: string) => api.getSync(name, { reference: true }) as ivm.Reference<unknown>;
    const [configure, beginInit, esmReady, initEsm, dispatchHttp, dispatchHttpBatch] =
      ['configure', 'beginInit', 'esmReady', 'initEsm', 'dispatchHttp', 'dispatchHttpBatch'].map(entry) as ivm.Reference<unknown>[];
    configure!.applySync(undefined, [functionConfig], { timeout: 2000 });

    const mod = isolate.compileModuleSync(PRIMER_MODULE, { filename: 'isola:primer.mjs' });
    const wrapper = isolate.compileModuleSync('import * as ns from "primer";\nglobalThis.__isola_esm_ready(ns);', { filename: 'isola:esm-entry' });
    wrapper.instantiateSync(context, () => mod);
    beginInit!.applySync(undefined, []);
    context.global.setSync('__isola_esm_ready', esmReady!.derefInto());
    wrapper.evaluateSync({ timeout: 2000 });
    context.global.deleteSync('__isola_esm_ready');
    const init = initEsm!.applySync(undefined, ['fetch', 'primer.fetch'], { timeout: 2000 });
    if (!initDone || init !== '') throw new Error(`the primer's handler did not load: ${String(init)}`);

    const body = new ivm.ExternalCopy(new TextEncoder().encode('primer')).copyInto({ release: true });
    dispatchHttp!.applySync(undefined, ['p1', 'GET', 'http://primer.invalid/a', HEADERS, null, false], { timeout: 2000 });
    dispatchHttp!.applySync(undefined, ['p2', 'POST', 'http://primer.invalid/b?json=1', HEADERS, body, false], { timeout: 2000 });
    const batch = '["p3","GET","http://primer.invalid/c",null,null,false,"p4","GET","http://primer.invalid/d?json=1",null,null,false]';
    dispatchHttpBatch!.applySync(undefined, [batch, `${HEADERS}\0${HEADERS}`], { timeout: 2000 });
    if (errors.length > 0) throw new Error(errors.join('; '));
    // Any answer but a 2xx means the request path failed somewhere while it was being compiled.
    if (responses.length !== 4 || responses.some((s) => Math.floor(s / 100) !== 2)) throw new Error(`unexpected responses: ${JSON.stringify(responses)}`);
    return responses.length;
  } finally {
    context.release();
  }
}

/**
 * What a spare runs once its web script is in (spares.ts, off the request path): the Web classes'
 * first use in an isolate costs beyond compiling — inline caches, object shapes, the URL parser's
 * regular expressions compiled on first match — ~0.6 ms of the first request even with primed
 * caches (measured with a hello handler: first dispatch 1.2–1.3 ms → 0.5–0.7 ms). Only public
 * constructors of the isolate's own Web classes, synchronously, before the bootstrap is handed
 * over: no tenant code exists yet, no global is left (one expression, its objects become garbage),
 * and the caches the host's requests fill (the request URL cache of requestFromHost) stay untouched.
 */
export const SPARE_WARM_UP = `void (() => {
  const request = new Request('http://warm-up.invalid/a/b?c=d', { headers: [['accept', '*/*'], ['content-type', 'text/plain']] });
  request.headers.get('accept');
  void request.url;
  const response = new Response('warm-up', { status: 200, headers: { 'content-type': 'text/plain' } });
  response.headers.get('content-type');
  void response.status;
})()`;
