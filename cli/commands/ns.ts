import type { Command } from 'commander';
import { addClientOptions, type ClientFlags, resolveClient } from '../config';
import { formatTable, print, printJson } from '../output';

interface NamespaceItem {
  Name?: string;
  Description?: string;
  Type?: string;
  AddTime?: string;
  ModTime?: string;
}

const noNamespace = { namespace: false };

/** `isola ns list|create|rm`: CreateNamespace, ListNamespaces, DeleteNamespace. */
export function registerNs(program: Command): void {
  const ns = program.command('ns').description('manage namespaces');

  addClientOptions(ns.command('list').alias('ls').description('list namespaces'), noNamespace).action(async (opts: ClientFlags) => {
    const { client, json } = resolveClient(opts);
    // The account quota is a handful of namespaces: read them all, page by page.
    const rows: NamespaceItem[] = [];
    let total = 0;
    do {
      const page = await client.call<{ Namespaces?: NamespaceItem[]; TotalCount?: number }>('ListNamespaces', { Limit: 100, Offset: rows.length });
      const items = page.Namespaces ?? [];
      rows.push(...items);
      total = page.TotalCount ?? rows.length;
      if (items.length === 0) break;
    } while (rows.length < total);
    if (json) return printJson({ Namespaces: rows, TotalCount: total });
    print(
      formatTable(rows, [
        { header: 'NAME', value: (r) => r.Name },
        { header: 'MODIFIED', value: (r) => r.ModTime },
        { header: 'DESCRIPTION', value: (r) => r.Description },
      ]),
    );
  });

  addClientOptions(
    ns
      .command('create')
      .description('create a namespace')
      .argument('<name>', 'namespace name')
      .option('--description <text>', 'description'),
    noNamespace,
  ).action(async (name: string, opts: ClientFlags & { description?: string }) => {
    const { client, json } = resolveClient(opts);
    const response = await client.call('CreateNamespace', { Namespace: name, Description: opts.description });
    if (json) return printJson(response);
    print(`created namespace ${name}`);
  });

  addClientOptions(ns.command('rm').alias('delete').description('delete a namespace').argument('<name>', 'namespace name'), noNamespace).action(
    async (name: string, opts: ClientFlags) => {
      const { client, json } = resolveClient(opts);
      const response = await client.call('DeleteNamespace', { Namespace: name });
      if (json) return printJson(response);
      print(`deleted namespace ${name}`);
    },
  );
}
