import type { Command } from 'commander';
import { addClientOptions, type ClientFlags, resolveClient } from '../config';
import { formatTable, print, printJson } from '../output';

interface TriggerItem {
  TriggerName?: string;
  Type?: string;
  Qualifier?: string;
  TriggerDesc?: string;
  Enable?: number;
  ModTime?: string;
}

const APIGW = 'apigw';

/** The TriggerDesc of an HTTP trigger (spec/triggers.md). */
function httpDesc(path: string, method: string, integrated: boolean, stripPrefix = false): string {
  return JSON.stringify({
    api: { authRequired: 'FALSE', requestConfig: { method, path, ...(stripPrefix ? { stripPrefix: 'TRUE' } : {}) }, isIntegratedResponse: integrated ? 'TRUE' : 'FALSE' },
    service: { serviceName: 'SCF_API_SERVICE' },
    release: { environmentName: 'release' },
  });
}

/** "GET /api/users/{id}" from a TriggerDesc (the desc itself when it is not an HTTP trigger's). */
function describe(item: TriggerItem): string {
  try {
    const desc = JSON.parse(item.TriggerDesc ?? '') as { api?: { requestConfig?: { method?: string; path?: string }; isIntegratedResponse?: string } };
    const rc = desc.api?.requestConfig ?? {};
    return `${rc.method ?? 'ANY'} ${rc.path ?? '?'}${desc.api?.isIntegratedResponse === 'TRUE' ? ' (integrated)' : ''}`;
  } catch {
    return item.TriggerDesc ?? '';
  }
}

/** `isola trigger add|list|rm|enable|disable`: HTTP (apigw) triggers. */
export function registerTrigger(program: Command): void {
  const trigger = program.command('trigger').description('HTTP triggers: serve a function at its own path (e.g. /api/users/{id})');

  addClientOptions(
    trigger
      .command('add')
      .description('add an HTTP trigger: <path> is served from the root of the data plane ({param} segments, a trailing /* for the rest)')
      .argument('<fn>', 'function name')
      .argument('<name>', 'trigger name')
      .argument('<path>', 'path, e.g. /api/users/{id}')
      .option('--method <methods>', 'ANY, or methods separated by commas (GET,POST)', 'ANY')
      .option('--qualifier <q>', 'version or alias the trigger calls', '$DEFAULT')
      .option('--integrated', 'integrated response: an event function returns {statusCode, headers, body, isBase64Encoded}')
      .option('--disabled', 'create it disabled')
      .option('--strip-prefix', 'a web function sees the path without the trigger prefix (the segments before the trailing /*)')
      .option('--description <text>', 'description'),
  ).action(async (fn: string, name: string, path: string, opts: ClientFlags & { method: string; qualifier: string; integrated?: boolean; disabled?: boolean; stripPrefix?: boolean; description?: string }) => {
    const { client, json, namespace } = resolveClient(opts);
    const response = await client.call<{ TriggerInfo?: TriggerItem }>('CreateTrigger', {
      FunctionName: fn,
      Namespace: namespace,
      TriggerName: name,
      Type: APIGW,
      TriggerDesc: httpDesc(path, opts.method, opts.integrated === true, opts.stripPrefix === true),
      Qualifier: opts.qualifier,
      Enable: opts.disabled ? 'CLOSE' : 'OPEN',
      Description: opts.description,
    });
    if (json) return printJson(response);
    print(`added trigger ${name} of function ${fn}: ${describe(response.TriggerInfo ?? {})} → ${opts.qualifier}${opts.disabled ? ' (disabled)' : ''}`);
  });

  addClientOptions(trigger.command('list').alias('ls').description("list a function's triggers").argument('<fn>', 'function name')).action(async (fn: string, opts: ClientFlags) => {
    const { client, json, namespace } = resolveClient(opts);
    const response = await client.call<{ Triggers?: TriggerItem[]; TotalCount?: number }>('ListTriggers', { FunctionName: fn, Namespace: namespace, Limit: 100, OrderBy: 'add_time', Order: 'ASC' });
    if (json) return printJson(response);
    const rows = response.Triggers ?? [];
    if (rows.length === 0) return print(`no triggers on function ${fn}`);
    print(
      formatTable(rows, [
        { header: 'NAME', value: (r) => r.TriggerName },
        { header: 'TYPE', value: (r) => r.Type },
        { header: 'ROUTE', value: describe },
        { header: 'QUALIFIER', value: (r) => r.Qualifier },
        { header: 'STATE', value: (r) => (r.Enable === 1 ? 'enabled' : 'disabled') },
        { header: 'MODIFIED', value: (r) => r.ModTime },
      ]),
    );
  });

  addClientOptions(trigger.command('rm').alias('delete').description('delete a trigger').argument('<fn>', 'function name').argument('<name>', 'trigger name')).action(
    async (fn: string, name: string, opts: ClientFlags) => {
      const { client, json, namespace } = resolveClient(opts);
      const response = await client.call('DeleteTrigger', { FunctionName: fn, Namespace: namespace, TriggerName: name, Type: APIGW });
      if (json) return printJson(response);
      print(`deleted trigger ${name} of function ${fn}`);
    },
  );

  for (const [command, enable, word] of [['enable', 'OPEN', 'enabled'], ['disable', 'CLOSE', 'disabled']] as const) {
    addClientOptions(trigger.command(command).description(`${command} a trigger (a disabled trigger's path answers 404)`).argument('<fn>', 'function name').argument('<name>', 'trigger name')).action(
      async (fn: string, name: string, opts: ClientFlags) => {
        const { client, json, namespace } = resolveClient(opts);
        const response = await client.call('UpdateTriggerStatus', { FunctionName: fn, Namespace: namespace, TriggerName: name, Type: APIGW, Enable: enable });
        if (json) return printJson(response);
        print(`${word} trigger ${name} of function ${fn}`);
      },
    );
  }
}
