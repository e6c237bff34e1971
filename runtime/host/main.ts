/**
 * Isolate host process entry (spawned by runtime/supervisor.ts with
 * --no-node-snapshot). Talks to the parent over fd 3 with length-prefixed
 * msgpack frames; runs the pools; exits when the parent goes away.
 */
import net from 'node:net';
import { FrameReader, FrameWriter } from '../frames';
import { HTTP_SPEC_CACHE, checkToHost, failure } from '../protocol';
import type { VersionSpec } from '../types';
import type { HostConfig } from '../protocol';
import { Pools } from './pools';
import { SandboxSources } from './sandbox';
import { Spares } from './spares';

/** Spare isolates kept per recently used memory size (ISOLA_SPARES, default 2; 0 disables). */
function sparesPerSize(): number {
  const raw = process.env.ISOLA_SPARES;
  if (raw === undefined || raw === '') return 2;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 && n <= 16 ? n : 2;
}

function main(): void {
  const sock = new net.Socket({ fd: 3, readable: true, writable: true });
  const writer = new FrameWriter(sock);
  let pools: Pools | null = null;
  let spares: Spares | null = null;
  let sandbox: SandboxSources;
  try {
    sandbox = SandboxSources.load();
  } catch (e) {
    process.stderr.write(`isola-host: cannot load the sandbox: ${(e as Error).stack}\n`);
    process.exit(1);
  }
  let statsScheduled = false;
  const pushStats = (): void => {
    if (statsScheduled || !pools) return;
    statsScheduled = true;
    setTimeout(() => {
      statsScheduled = false;
      if (pools) writer.send({ t: 'pools', ...pools.snapshot() });
    }, 10);
  };
  /** Calls waiting for the parent's answer to their `grow` (see Pools: dynamic scale-out). */
  const growing = new Map<string, (ok: boolean) => void>();
  const grow = (rid: string): Promise<boolean> => new Promise((resolve) => {
    growing.set(rid, resolve);
    writer.send({ t: 'grow', id: rid });
  });
  /** The last spec sent per version key (`http` frames carry it only the first time). */
  const specs = new Map<string, VersionSpec>();
  const reader = new FrameReader((raw) => {
    const msg = checkToHost(raw);
    if (!msg) { process.stderr.write('isola-host: dropped a malformed frame\n'); return; }
    switch (msg.t) {
      case 'config':
        spares = new Spares(sandbox, sparesPerSize());
        pools = new Pools(msg.config as HostConfig, spares, pushStats, (m) => writer.send(m), grow);
        spares.busyWhen(() => pools?.busy ?? false);
        writer.send({ t: 'ready', pid: process.pid });
        break;
      case 'provision':
        pools?.provision(msg.spec, msg.n);
        break;
      case 'invoke':
        if (!pools) return;
        void pools.invoke(msg.id, msg.spec, msg.event).then((outcome) => writer.send({ t: 'result', id: msg.id, outcome }));
        break;
      case 'http': {
        if (!pools) return;
        let spec = msg.spec;
        if (spec !== undefined) {
          specs.delete(msg.k);
          specs.set(msg.k, spec);
          if (specs.size > HTTP_SPEC_CACHE.host) specs.delete(specs.keys().next().value as string);
        } else {
          spec = specs.get(msg.k);
          if (spec === undefined) {
            writer.send({ t: 'result', id: msg.id, outcome: failure('internal', `isolate host: no spec for ${msg.k}`) });
            return;
          }
        }
        void pools.invokeHttp(msg.id, spec, { method: msg.m, url: msg.u, headersJson: msg.h, body: msg.b, streamed: msg.s });
        break;
      }
      case 'hbody':
        pools?.httpBody(msg.id, msg.c, msg.e);
        break;
      case 'hack':
        pools?.httpAck(msg.id, msg.n);
        break;
      case 'wsmsg':
        pools?.exchange(msg.id)?.onWsMessage(msg.d);
        break;
      case 'wsend':
        pools?.exchange(msg.id)?.onWsEnd(msg.c, msg.r);
        break;
      case 'wsack':
        pools?.exchange(msg.id)?.onWsAck(msg.n);
        break;
      case 'grown':
        growing.get(msg.id)?.(msg.ok);
        growing.delete(msg.id);
        break;
      case 'cancel':
        pools?.cancel(msg.id);
        break;
      case 'term':
        pools?.terminate(msg.id);
        break;
      case 'ping':
        writer.send({ t: 'pong', n: msg.n });
        break;
      case 'shutdown':
        void (pools ? pools.close(5000) : Promise.resolve()).then(() => { writer.flush(); sock.end(() => process.exit(0)); });
        break;
    }
  });
  sock.on('data', (chunk: Buffer) => {
    spares?.noteActivity();
    try { reader.push(chunk); } catch (e) {
      process.stderr.write(`isola-host: protocol error: ${(e as Error).message}\n`);
      process.exit(1);
    }
  });
  const bye = (): void => process.exit(0);
  // The parent is gone (killed, crashed): nobody is left to answer, so end at once. Not process.exit():
  // with isolates alive, isolated-vm's teardown at exit can deadlock (seen after a kill -9 of the
  // gateway: hosts stuck in a futex wait forever, ~200 MB each).
  const orphaned = (): void => {
    process.kill(process.pid, 'SIGKILL');
  };
  sock.on('end', orphaned);
  sock.on('close', orphaned);
  sock.on('error', orphaned);
  process.on('SIGTERM', () => { void (pools ? pools.close(2000) : Promise.resolve()).then(bye); });
  process.on('uncaughtException', (e) => {
    // Host state may be inconsistent: die and let the parent restart us.
    process.stderr.write(`isola-host: uncaught exception: ${e.stack ?? String(e)}\n`);
    process.exit(1);
  });
}

main();
