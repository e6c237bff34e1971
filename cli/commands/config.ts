import { type Command, InvalidArgumentError } from 'commander';
import type { ControlClient } from '../client';
import { addClientOptions, type ClientFlags, resolveClient } from '../config';
import { collect, envPair, intFlag, mergeVariables } from '../flags';
import { type FunctionInfo, formatFunction, waitUntilSettled } from '../functions';
import { print, printJson } from '../output';
import { addAsyncOptions, applyAsyncFlags, hasAsyncFlags, type AsyncFlags } from './async-config';

/** The configuration flags `config set` and `deploy` share. */
export interface ConfigFlags {
  memory?: number;
  timeout?: number;
  initTimeout?: number;
  env?: Array<[string, string]>;
  unsetEnv?: string[];
  description?: string;
  /** Per-instance concurrency of a web function (InstanceConcurrencyConfig.MaxConcurrency). */
  concurrency?: number;
  /** Enable WebSocket (ProtocolType WS) on a web function. */
  ws?: boolean;
  /** WebSocket idle timeout in seconds (ProtocolParams.WSParams.IdleTimeOut). */
  wsIdle?: number;
  /** Layers to bind, in order (`--layer name:version`, repeatable); replaces the bound set. */
  layer?: Array<{ LayerName: string; LayerVersion: number }>;
}

/** `--layer name:version` (repeatable) → the ordered LayerVersionSimple list. */
export function layerFlag(value: string, previous: Array<{ LayerName: string; LayerVersion: number }> = []): Array<{ LayerName: string; LayerVersion: number }> {
  const m = /^([^:\s]+):(\d+)$/.exec(value);
  if (!m) throw new InvalidArgumentError(`--layer expects NAME:VERSION (e.g. deps:2), got "${value}".`);
  return [...previous, { LayerName: m[1]!, LayerVersion: Number(m[2]) }];
}

/** Flags `config set` and `deploy` share: per-instance concurrency and WebSocket (web functions), layers. */
export function addWebOptions(command: Command): Command {
  return command
    .option('--concurrency <n>', 'web functions: requests (or WebSocket connections) one instance serves at once, 1-100', intFlag('--concurrency'))
    .option('--ws', 'web functions: accept WebSocket connections (ProtocolType WS; cannot be turned off)')
    .option('--ws-idle <seconds>', 'WebSocket idle timeout, 10-7200 (the timeout must be at least this)', intFlag('--ws-idle'))
    .option('--layer <name:version>', 'bind a layer version (repeatable, in order: a later layer wins in /opt); replaces the bound layers', layerFlag);
}

/** True when at least one configuration flag was given. */
export const hasConfigFlags = (flags: ConfigFlags): boolean =>
  flags.memory !== undefined ||
  flags.timeout !== undefined ||
  flags.initTimeout !== undefined ||
  flags.description !== undefined ||
  flags.concurrency !== undefined ||
  flags.ws === true ||
  flags.wsIdle !== undefined ||
  flags.layer !== undefined ||
  (flags.env?.length ?? 0) > 0 ||
  (flags.unsetEnv?.length ?? 0) > 0;

/**
 * The UpdateFunctionConfiguration fields for the given flags. Environment is
 * replaced as a whole by the API, so `--env`/`--unset-env` are merged into
 * the function's current variables here.
 */
export function configurationParams(flags: ConfigFlags, current: FunctionInfo | undefined): Record<string, unknown> {
  const params: Record<string, unknown> = {
    MemorySize: flags.memory,
    Timeout: flags.timeout,
    InitTimeout: flags.initTimeout,
    Description: flags.description,
  };
  if (flags.concurrency !== undefined) params['InstanceConcurrencyConfig'] = { MaxConcurrency: flags.concurrency };
  if (flags.ws === true) params['ProtocolType'] = 'WS';
  if (flags.wsIdle !== undefined) params['ProtocolParams'] = { WSParams: { IdleTimeOut: flags.wsIdle } };
  if (flags.layer !== undefined) params['Layers'] = flags.layer;
  if ((flags.env?.length ?? 0) > 0 || (flags.unsetEnv?.length ?? 0) > 0) {
    params['Environment'] = { Variables: mergeVariables(current?.Environment?.Variables ?? [], flags.env ?? [], flags.unsetEnv ?? []) };
  }
  return params;
}

/** Applies configuration flags to an existing function and waits for it to settle. */
export async function updateConfiguration(
  client: ControlClient,
  namespace: string,
  name: string,
  flags: ConfigFlags,
  current: FunctionInfo,
): Promise<void> {
  await client.call('UpdateFunctionConfiguration', { FunctionName: name, Namespace: namespace, ...configurationParams(flags, current) });
  await waitUntilSettled(client, namespace, name);
}

/** `isola config set`: UpdateFunctionConfiguration (and UpdateFunctionCode for --handler). */
export function registerConfig(program: Command): void {
  const config = program.command('config').description("change a function's configuration");

  addClientOptions(
    addAsyncOptions(addWebOptions(config
      .command('set')
      .description('update the configuration of a function ($LATEST); only the given settings change')
      .argument('<fn>', 'function name')
      .option('--memory <mb>', 'memory size in MB', intFlag('--memory'))
      .option('--timeout <seconds>', 'execution timeout in seconds', intFlag('--timeout'))
      .option('--init-timeout <seconds>', 'initialisation timeout in seconds', intFlag('--init-timeout'))
      .option('--env <KEY=VALUE>', 'set an environment variable (repeatable; other variables are kept)', envPair)
      .option('--unset-env <KEY>', 'remove an environment variable (repeatable)', collect)
      .option('--description <text>', 'description')
      .option('--handler <handler>', 'handler, e.g. index.main_handler'))),
  ).action(async (name: string, opts: ClientFlags & ConfigFlags & AsyncFlags & { handler?: string }) => {
    if (!hasConfigFlags(opts) && !hasAsyncFlags(opts) && opts.handler === undefined) {
      throw new Error(
        'nothing to change: give at least one of --memory, --timeout, --init-timeout, --env, --unset-env, --description, --concurrency, --ws, --ws-idle, --layer, --handler, --retries, --max-age, --dead-letter',
      );
    }
    const { client, json, namespace } = resolveClient(opts);
    const current = await client.call<FunctionInfo>('GetFunction', { FunctionName: name, Namespace: namespace });
    if (hasConfigFlags(opts)) await updateConfiguration(client, namespace, name, opts, current);
    if (opts.handler !== undefined) {
      // The API changes the handler through UpdateFunctionCode (spec §3.2), not the configuration.
      await client.call('UpdateFunctionCode', { FunctionName: name, Namespace: namespace, Handler: opts.handler });
      await waitUntilSettled(client, namespace, name);
    }
    const asyncLines = hasAsyncFlags(opts) ? await applyAsyncFlags(client, namespace, name, opts) : '';
    const updated = await client.call<FunctionInfo>('GetFunction', { FunctionName: name, Namespace: namespace });
    if (json) return printJson(updated);
    print(`updated function ${name} (namespace ${namespace})`);
    print(formatFunction(updated));
    if (asyncLines) print(asyncLines);
  });
}
