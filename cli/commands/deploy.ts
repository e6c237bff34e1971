import path from 'node:path';
import { Option, type Command } from 'commander';
import { type ControlClient, RemoteApiError } from '../client';
import { addClientOptions, type ClientFlags, resolveClient } from '../config';
import { collect, envPair, intFlag } from '../flags';
import { findFunction, waitUntilSettled } from '../functions';
import { formatBytes, print, printJson } from '../output';
import { IGNORE_FILE, packTarget } from '../package-zip';
import { type ConfigFlags, addWebOptions, configurationParams, hasConfigFlags, updateConfiguration } from './config';

interface DeployFlags extends ClientFlags, ConfigFlags {
  name?: string;
  runtime?: string;
  handler?: string;
  type?: 'Event' | 'HTTP';
}

/** The default function name: the directory's (or zip's) base name. */
function defaultName(target: string): string {
  const base = path.basename(path.resolve(target));
  return base.toLowerCase().endsWith('.zip') ? base.slice(0, -4) : base;
}

/** CreateFunction; a name taken from the path that the server refuses gets a hint about --name. */
async function createFunction(client: ControlClient, params: Record<string, unknown>, nameFromPath: boolean): Promise<void> {
  try {
    await client.call('CreateFunction', params);
  } catch (err) {
    if (nameFromPath && err instanceof RemoteApiError && err.code === 'InvalidParameterValue.FunctionName') {
      throw new RemoteApiError(err.code, `${err.apiMessage} (the name was taken from the path; choose one with --name)`, err.requestId);
    }
    throw err;
  }
}

/**
 * `isola deploy <dir|zip>`: packs the code, then CreateFunction when the
 * function does not exist yet, else UpdateFunctionCode followed by
 * UpdateFunctionConfiguration when configuration flags were given.
 */
export function registerDeploy(program: Command): void {
  addClientOptions(
    addWebOptions(program
      .command('deploy')
      .description(`create or update a function from a directory (zipped, honouring ${IGNORE_FILE}) or a .zip file`)
      .argument('<path>', 'function directory or .zip file')
      .option('--name <name>', 'function name (default: the directory or zip base name)')
      .option('--runtime <runtime>', 'runtime, on creation (default: Isolate)')
      .option('--handler <handler>', 'handler, e.g. index.main_handler (default on creation: index.main_handler for Event functions; the runtime default for HTTP)')
      .addOption(new Option('--type <type>', 'function type, on creation (default: Event)').choices(['Event', 'HTTP']))
      .option('--memory <mb>', 'memory size in MB', intFlag('--memory'))
      .option('--timeout <seconds>', 'execution timeout in seconds', intFlag('--timeout'))
      .option('--env <KEY=VALUE>', 'environment variable (repeatable; on update merged into the existing ones)', envPair)
      .option('--unset-env <KEY>', 'on update, remove an environment variable (repeatable)', collect)
      .option('--description <text>', 'description')),
  ).action(async (target: string, opts: DeployFlags) => {
    const packed = await packTarget(target);
    const { client, json, namespace } = resolveClient(opts);
    const name = opts.name ?? defaultName(target);
    const zipFile = packed.zip.toString('base64');
    const existing = await findFunction(client, namespace, name);
    let operation: 'created' | 'updated';
    if (!existing) {
      await createFunction(client, {
        FunctionName: name,
        Namespace: namespace,
        Runtime: opts.runtime ?? 'Isolate',
        Type: opts.type ?? 'Event',
        Handler: opts.handler,
        Code: { ZipFile: zipFile },
        ...configurationParams(opts, undefined),
      }, opts.name === undefined);
      operation = 'created';
    } else {
      const conflict = (flag: string, given: string | undefined, actual: string | undefined) => {
        if (given !== undefined && actual !== undefined && given !== actual) {
          throw new Error(`function ${name} has ${flag} ${actual}; it cannot be changed to ${given} (delete the function and deploy again)`);
        }
      };
      conflict('runtime', opts.runtime, existing.Runtime);
      conflict('type', opts.type, existing.Type);
      await client.call('UpdateFunctionCode', { FunctionName: name, Namespace: namespace, Handler: opts.handler, ZipFile: zipFile });
      const afterCode = await waitUntilSettled(client, namespace, name);
      if (hasConfigFlags(opts)) await updateConfiguration(client, namespace, name, opts, afterCode);
      operation = 'updated';
    }
    const info = await waitUntilSettled(client, namespace, name);
    if (json) {
      const { RequestId: _requestId, ...fn } = info;
      return printJson({ Operation: operation, ZipSize: packed.zip.length, Files: packed.files, Function: fn });
    }
    const files = packed.files > 0 ? `${packed.files} file${packed.files === 1 ? '' : 's'}, ` : '';
    print(
      `${operation} function ${name} (namespace ${namespace}, ${info.Runtime ?? opts.runtime ?? 'Isolate'} ${info.Type ?? ''}`.trimEnd() +
        `): ${files}code ${formatBytes(info.CodeSize ?? packed.zip.length)}, status ${info.Status ?? 'Active'}`,
    );
  });
}
