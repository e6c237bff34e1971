import type { Command } from 'commander';
import { addClientOptions, type ClientFlags, resolveClient } from '../config';
import { collect, intFlag } from '../flags';
import { formatBytes, formatTable, print, printJson } from '../output';
import { packTarget } from '../package-zip';

interface LayerInfo {
  LayerName?: string;
  LayerVersion?: number;
  CompatibleRuntimes?: string[];
  Description?: string;
  AddTime?: string;
}

const layerTable = (rows: LayerInfo[]) =>
  formatTable(rows, [
    { header: 'NAME', value: (l) => l.LayerName },
    { header: 'VERSION', value: (l) => l.LayerVersion, right: true },
    { header: 'RUNTIMES', value: (l) => (l.CompatibleRuntimes ?? []).join(',') },
    { header: 'ADDED', value: (l) => l.AddTime },
    { header: 'DESCRIPTION', value: (l) => l.Description },
  ]);

/** `isola layer publish|list|rm`: PublishLayerVersion, ListLayers / ListLayerVersions, DeleteLayerVersion. */
export function registerLayer(program: Command): void {
  const layer = program.command('layer').description('share code between functions: layers are merged, in binding order, as /opt');

  addClientOptions(
    layer
      .command('publish')
      .description('publish a directory (zipped like deploy) or a .zip as the next version of a layer (created on first publish)')
      .argument('<name>', 'layer name')
      .argument('<path>', 'directory or .zip file (node_modules/ inside it is found by require())')
      .option('--runtime <runtime>', 'compatible runtime (repeatable, at most 5; default: Isolate)', collect)
      .option('--description <text>', 'description of the version')
      .option('--license <text>', 'licence text'),
    { namespace: false },
  ).action(async (name: string, target: string, opts: ClientFlags & { runtime?: string[]; description?: string; license?: string }) => {
    const packed = await packTarget(target);
    const { client, json } = resolveClient(opts);
    const response = await client.call<{ LayerVersion?: number }>('PublishLayerVersion', {
      LayerName: name,
      CompatibleRuntimes: opts.runtime ?? ['Isolate'],
      Content: { ZipFile: packed.zip.toString('base64') },
      Description: opts.description,
      LicenseInfo: opts.license,
    });
    if (json) return printJson(response);
    print(`published layer ${name} version ${String(response.LayerVersion)} (${formatBytes(packed.zip.length)}); bind it with --layer ${name}:${String(response.LayerVersion)}`);
  });

  addClientOptions(
    layer
      .command('list')
      .alias('ls')
      .description('list layers (each with its newest version), or with <name> the versions of one layer')
      .argument('[name]', 'layer name')
      .option('--runtime <runtime>', 'only layers compatible with this runtime')
      .option('--limit <n>', 'page size (layers)', intFlag('--limit'), 20)
      .option('--offset <n>', 'skip this many layers', intFlag('--offset'), 0),
    { namespace: false },
  ).action(async (name: string | undefined, opts: ClientFlags & { runtime?: string; limit: number; offset: number }) => {
    const { client, json } = resolveClient(opts);
    if (name !== undefined) {
      const response = await client.call<{ LayerVersions?: LayerInfo[] }>('ListLayerVersions', { LayerName: name, CompatibleRuntime: opts.runtime ? [opts.runtime] : undefined });
      if (json) return printJson(response);
      return print(layerTable(response.LayerVersions ?? []));
    }
    const response = await client.call<{ Layers?: LayerInfo[]; TotalCount?: number }>('ListLayers', {
      CompatibleRuntime: opts.runtime,
      Limit: opts.limit,
      Offset: opts.offset,
    });
    if (json) return printJson(response);
    const rows = response.Layers ?? [];
    if (rows.length === 0) return print('no layers');
    print(layerTable(rows));
  });

  addClientOptions(
    layer
      .command('rm')
      .alias('delete')
      .description('delete a layer version: new bindings are refused, functions already bound keep it')
      .argument('<name>', 'layer name')
      .argument('<version>', 'layer version', intFlag('<version>')),
    { namespace: false },
  ).action(async (name: string, version: number, opts: ClientFlags) => {
    const { client, json } = resolveClient(opts);
    const response = await client.call('DeleteLayerVersion', { LayerName: name, LayerVersion: version });
    if (json) return printJson(response);
    print(`deleted layer ${name} version ${version}`);
  });
}
