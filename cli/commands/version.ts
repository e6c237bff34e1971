import type { Command } from 'commander';
import { addClientOptions, type ClientFlags, resolveClient } from '../config';
import { intFlag } from '../flags';
import { formatFields, formatTable, print, printJson } from '../output';

interface VersionItem {
  Version?: string;
  Description?: string;
  Status?: string;
  AddTime?: string;
  ModTime?: string;
}

/** `isola version publish|list|rm`: PublishVersion, ListVersionByFunction, DeleteFunctionVersion. */
export function registerVersion(program: Command): void {
  const version = program.command('version').description('publish and manage immutable versions of a function');

  addClientOptions(
    version
      .command('publish')
      .description("snapshot $LATEST (code and configuration) as the function's next version number")
      .argument('<name>', 'function name')
      .option('--description <text>', 'description of the version (default: that of $LATEST)'),
  ).action(async (name: string, opts: ClientFlags & { description?: string }) => {
    const { client, json, namespace } = resolveClient(opts);
    const response = await client.call<Record<string, unknown>>('PublishVersion', { FunctionName: name, Namespace: namespace, Description: opts.description });
    if (json) return printJson(response);
    print(`published version ${String(response['FunctionVersion'])} of function ${name} (namespace ${namespace})`);
    print(
      formatFields([
        ['runtime', response['Runtime']],
        ['handler', response['Handler']],
        ['memory', `${String(response['MemorySize'])} MB`],
        ['timeout', `${String(response['Timeout'])} s`],
        ['description', response['Description']],
      ]),
    );
  });

  addClientOptions(
    version
      .command('list')
      .alias('ls')
      .description('list the versions of a function ($LATEST first)')
      .argument('<name>', 'function name')
      .option('--limit <n>', 'page size', intFlag('--limit'), 20)
      .option('--offset <n>', 'skip this many versions', intFlag('--offset'), 0)
      .option('--desc', 'newest first'),
  ).action(async (name: string, opts: ClientFlags & { limit: number; offset: number; desc?: boolean }) => {
    const { client, json, namespace } = resolveClient(opts);
    const response = await client.call<{ Versions?: VersionItem[]; TotalCount?: number }>('ListVersionByFunction', {
      FunctionName: name,
      Namespace: namespace,
      Limit: opts.limit,
      Offset: opts.offset,
      Order: opts.desc ? 'DESC' : 'ASC',
    });
    if (json) return printJson(response);
    const rows = response.Versions ?? [];
    print(
      formatTable(rows, [
        { header: 'VERSION', value: (r) => r.Version },
        { header: 'STATUS', value: (r) => r.Status },
        { header: 'ADDED', value: (r) => r.AddTime },
        { header: 'DESCRIPTION', value: (r) => r.Description },
      ]),
    );
    const total = response.TotalCount ?? rows.length;
    if (opts.offset > 0 || rows.length < total) print(`${opts.offset + 1}-${opts.offset + rows.length} of ${total} versions (--offset/--limit for more)`);
  });

  addClientOptions(
    version
      .command('rm')
      .alias('delete')
      .description('delete one published version (refused while an alias or provisioned concurrency uses it)')
      .argument('<name>', 'function name')
      .argument('<version>', 'version number'),
  ).action(async (name: string, number: string, opts: ClientFlags) => {
    const { client, json, namespace } = resolveClient(opts);
    const response = await client.call('DeleteFunctionVersion', { FunctionName: name, Namespace: namespace, Qualifier: number });
    if (json) return printJson(response);
    print(`deleted version ${number} of function ${name} (namespace ${namespace})`);
  });
}
