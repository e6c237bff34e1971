import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import type { Command } from 'commander';
import { resolveConfig } from '../../core';
import { useAssetCache } from '../../lib';

/** Reads `--config <file>` (env ISOLA_CONFIG): a JSON object of settings; flags and env win over it. */
function readConfigFile(file: string | undefined): Record<string, unknown> {
  if (file === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the config file ${file}: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`the config file ${file} must hold a JSON object`);
  return parsed as Record<string, unknown>;
}

/** Reads a setting from the environment (ISOLA_*), ignoring empty values. */
function env(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** `values` without its undefined members (a spread of them would erase the config file's values). */
function definedOnly<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const toInt = (flag: string) => (value: string) => {
  if (!/^\d+$/.test(value)) throw new Error(`${flag} expects a non-negative integer, got "${value}"`);
  return Number(value);
};

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the isola server (gateway, control API, isolate hosts)')
    .option('-p, --port <port>', 'port to listen on (env ISOLA_PORT)', toInt('--port'))
    .option('-H, --host <host>', 'address to bind (env ISOLA_HOST)')
    .option('-d, --data-dir <dir>', 'data directory (env ISOLA_DATA_DIR)')
    .option('--isolate-hosts <n>', 'isolate host processes (env ISOLA_ISOLATE_HOSTS)', toInt('--isolate-hosts'))
    .option('--nodejs-executor <name>', 'what runs the Node.js runtimes: process (full Node.js, default) or isolate (env ISOLA_NODEJS_EXECUTOR)')
    .option('-c, --config <file>', 'JSON file of settings (any key of the configuration table in the README; env ISOLA_CONFIG)')
    .option('--no-sample', 'do not deploy the sample function on first start (env ISOLA_SAMPLE=0)')
    .action(async (opts: { config?: string; port?: number; host?: string; dataDir?: string; isolateHosts?: number; nodejsExecutor?: string; sample: boolean }) => {
      const envPort = env('ISOLA_PORT');
      const envHosts = env('ISOLA_ISOLATE_HOSTS');
      const fromFile = readConfigFile(opts.config ?? env('ISOLA_CONFIG'));
      const sampleOff = !opts.sample || env('ISOLA_SAMPLE') === '0';
      // Flags and environment win over the file; one not given leaves the file's value (or the default).
      const given = definedOnly({
        port: opts.port ?? (envPort !== undefined ? toInt('ISOLA_PORT')(envPort) : undefined),
        host: opts.host ?? env('ISOLA_HOST'),
        dataDir: opts.dataDir ?? env('ISOLA_DATA_DIR'),
        isolateHosts: opts.isolateHosts ?? (envHosts !== undefined ? toInt('ISOLA_ISOLATE_HOSTS')(envHosts) : undefined),
        nodejsExecutor: opts.nodejsExecutor ?? env('ISOLA_NODEJS_EXECUTOR'),
        deploySample: sampleOff ? false : undefined,
      });
      const config = resolveConfig({ ...fromFile, ...given });
      await serve(config);
    });
}

async function serve(config: ReturnType<typeof resolveConfig>): Promise<void> {
  // No allocation-site pretenuring in the gateway, set before any request code runs. V8 decides
  // for good to allocate a site's objects in old space once most of them survived one scavenge,
  // and the first burst of requests does (it waits out a cold start): from then on every request's
  // objects (Call, sink, HttpCall, …) were born old, died old, and kept the young objects they point
  // to alive through scavenges, so half the young generation was promoted and a full GC ran every
  // ~0.5 s under load. Measured at hello c=64: scavenges 7 → 2.3 ms, promoted 15 % → 1 % of allocation.
  v8.setFlagsFromString('--no-allocation-site-pretenuring');
  // Scavenges on the main thread alone. The server runs more busy processes than there are cores
  // (the gateway, one isolate host per core by default, their isolates' threads), so a parallel
  // scavenge's helper threads wait for a core while the gateway's thread waits for them. Under
  // hello c=64 on 2 cores (3 alternating pairs, bench/results/issue-15-gw3.md): scavenge pause
  // p50 1.3–1.9 ms against 2.0–2.4, total pause per 8 s 112–187 ms against 176–204, CPU per
  // request unchanged; the gateway's survivors are few, so one thread copies them quickly. Only
  // this flag: `--single-threaded-gc` (which also stops concurrent marking and sweeping) aborts
  // V8 when set after start-up.
  v8.setFlagsFromString('--no-parallel-scavenge');
  // The single executable writes its addons and runtime files under the data dir (nothing in an npm install).
  useAssetCache(path.join(config.dataDir, 'cache'));
  // Loaded here, not at the top: client commands should not pay for the
  // server's modules (SQLite, uWS, the runtime) on every start.
  const { startPlatform } = await import('../../core');
  const { startGateway } = await import('../../gateway');
  const { platform, createdCredentials } = await startPlatform(config);
  let gateway;
  try {
    gateway = await startGateway(platform);
  } catch (err) {
    await platform.close();
    throw err;
  }
  const shown = config.host.includes(':') ? `[${config.host}]` : config.host;
  console.log(`isola listening on http://${shown}:${gateway.port}`);
  console.log(`data directory: ${config.dataDir}`);
  console.log(
    `${createdCredentials ? 'created' : 'using'} root credentials (SecretId ${platform.identity.rootSecretId}) in ${platform.identity.credentialsFile}`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`received ${signal}, shutting down`);
    await gateway.close();
    await platform.close();
    console.log('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
