import type { Command } from 'commander';
import { addClientOptions, type ClientFlags, resolveClient } from '../config';
import { intFlag } from '../flags';
import { type FunctionInfo, formatFunction } from '../functions';
import { formatTable, print, printJson } from '../output';

interface FunctionItem {
  FunctionName?: string;
  Runtime?: string;
  Type?: string;
  Status?: string;
  ModTime?: string;
  Description?: string;
}

/** `isola fn list|get|rm|copy`: ListFunctions, GetFunction, DeleteFunction, CopyFunction. */
export function registerFn(program: Command): void {
  const fn = program.command('fn').description('manage functions');

  addClientOptions(
    fn
      .command('list')
      .alias('ls')
      .description('list the functions of a namespace')
      .option('--limit <n>', 'page size', intFlag('--limit'), 20)
      .option('--offset <n>', 'skip this many functions', intFlag('--offset'), 0)
      .option('--search <text>', 'only functions whose name contains text'),
  ).action(async (opts: ClientFlags & { limit: number; offset: number; search?: string }) => {
    const { client, json, namespace } = resolveClient(opts);
    const response = await client.call<{ Functions?: FunctionItem[]; TotalCount?: number }>('ListFunctions', {
      Namespace: namespace,
      Limit: opts.limit,
      Offset: opts.offset,
      SearchKey: opts.search,
    });
    if (json) return printJson(response);
    const rows = response.Functions ?? [];
    const total = response.TotalCount ?? rows.length;
    if (rows.length === 0) {
      print(total > 0 ? `no functions at offset ${opts.offset} (${total} in namespace ${namespace})` : `no functions in namespace ${namespace}`);
      return;
    }
    print(
      formatTable(rows, [
        { header: 'NAME', value: (r) => r.FunctionName },
        { header: 'RUNTIME', value: (r) => r.Runtime },
        { header: 'TYPE', value: (r) => r.Type },
        { header: 'STATUS', value: (r) => r.Status },
        { header: 'MODIFIED', value: (r) => r.ModTime },
        { header: 'DESCRIPTION', value: (r) => r.Description },
      ]),
    );
    if (opts.offset > 0 || rows.length < total) {
      print(`${opts.offset + 1}-${opts.offset + rows.length} of ${total} functions (--offset/--limit for more)`);
    }
  });

  addClientOptions(
    fn
      .command('get')
      .description('show one function')
      .argument('<name>', 'function name')
      .option('--qualifier <version>', 'version to show', '$LATEST'),
  ).action(async (name: string, opts: ClientFlags & { qualifier: string }) => {
    const { client, json, namespace } = resolveClient(opts);
    const info = await client.call<FunctionInfo>('GetFunction', { FunctionName: name, Namespace: namespace, Qualifier: opts.qualifier });
    if (json) return printJson(info);
    print(formatFunction(info));
  });

  addClientOptions(
    fn
      .command('rm')
      .alias('delete')
      .description('delete a function (all versions), or one version with --qualifier')
      .argument('<name>', 'function name')
      .option('--qualifier <version>', 'delete only this published version'),
  ).action(async (name: string, opts: ClientFlags & { qualifier?: string }) => {
    const { client, json, namespace } = resolveClient(opts);
    const response = await client.call('DeleteFunction', { FunctionName: name, Namespace: namespace, Qualifier: opts.qualifier });
    if (json) return printJson(response);
    print(opts.qualifier ? `deleted version ${opts.qualifier} of function ${name} (namespace ${namespace})` : `deleted function ${name} (namespace ${namespace})`);
  });

  addClientOptions(
    fn
      .command('copy')
      .alias('cp')
      .description('copy a function (code and configuration) to a new name and/or namespace')
      .argument('<name>', 'source function')
      .argument('<newName>', 'name of the copy')
      .option('--to-namespace <ns>', 'namespace of the copy (default: the source namespace)')
      .option('--override', 'replace a function of that name in the target namespace')
      .option('--no-copy-config', 'copy the code only, not the configuration')
      .option('--description <text>', 'description of the copy'),
  ).action(
    async (
      name: string,
      newName: string,
      opts: ClientFlags & { toNamespace?: string; override?: boolean; copyConfig: boolean; description?: string },
    ) => {
      const { client, json, namespace } = resolveClient(opts);
      const target = opts.toNamespace ?? namespace;
      const response = await client.call('CopyFunction', {
        FunctionName: name,
        NewFunctionName: newName,
        Namespace: namespace,
        TargetNamespace: target,
        Override: opts.override === true,
        CopyConfiguration: opts.copyConfig,
        Description: opts.description,
      });
      if (json) return printJson(response);
      print(`copied function ${namespace}/${name} to ${target}/${newName}`);
    },
  );
}
