import type { Command } from 'commander';
import { addClientOptions, type ClientFlags, resolveClient } from '../config';
import { formatTable, print, printJson } from '../output';

interface TriggerItem {
  TriggerName?: string;
  Type?: string;
  Qualifier?: string;
  TriggerDesc?: string;
  Enable?: number;
  CustomArgument?: string;
  ModTime?: string;
}

const APIGW = 'apigw';
const TIMER = 'timer';

/** The TriggerDesc of an HTTP trigger (spec/triggers.md). */
function httpDesc(path: string, method: string, integrated: boolean, stripPrefix = false): string {
  return JSON.stringify({
    api: { authRequired: 'FALSE', requestConfig: { method, path, ...(stripPrefix ? { stripPrefix: 'TRUE' } : {}) }, isIntegratedResponse: integrated ? 'TRUE' : 'FALSE' },
    service: { serviceName: 'SCF_API_SERVICE' },
    release: { environmentName: 'release' },
  });
}

/** "GET /api/users/{id}" from a TriggerDesc; "cron <expr>" for a timer (the desc itself for other types). */
function describe(item: TriggerItem): string {
  if (item.Type === TIMER) return `cron ${item.TriggerDesc ?? '?'}${item.CustomArgument ? ` message ${JSON.stringify(item.CustomArgument)}` : ''}`;
  try {
    const desc = JSON.parse(item.TriggerDesc ?? '') as { api?: { requestConfig?: { method?: string; path?: string }; isIntegratedResponse?: string } };
    const rc = desc.api?.requestConfig ?? {};
    return `${rc.method ?? 'ANY'} ${rc.path ?? '?'}${desc.api?.isIntegratedResponse === 'TRUE' ? ' (integrated)' : ''}`;
  } catch {
    return item.TriggerDesc ?? '';
  }
}

/** The type of a function's trigger `name` (rm, enable, disable name a trigger without its type); `--type` when two types share the name. */
async function typeOfTrigger(client: ReturnType<typeof resolveClient>['client'], fn: string, namespace: string | undefined, name: string, type?: string): Promise<string> {
  if (type !== undefined) return type;
  const response = await client.call<{ Triggers?: TriggerItem[] }>('ListTriggers', { FunctionName: fn, Namespace: namespace, Limit: 100, Filters: [{ Name: 'TriggerName', Values: [name] }] });
  const types = [...new Set((response.Triggers ?? []).map((tr) => tr.Type ?? ''))];
  if (types.length === 0) throw new Error(`function ${fn} has no trigger ${name}`);
  if (types.length > 1) throw new Error(`function ${fn} has triggers named ${name} of types ${types.join(', ')}: say which with --type`);
  return types[0] as string;
}

/** `isola trigger add|list|rm|enable|disable`: HTTP (apigw) and timer triggers. */
export function registerTrigger(program: Command): void {
  const trigger = program.command('trigger').description('HTTP triggers (serve a function at its own path, e.g. /api/users/{id}) and timer triggers (--cron)');

  addClientOptions(
    trigger
      .command('add')
      .description('add an HTTP trigger — [path] is served from the root of the data plane ({param} segments, a trailing /* for the rest) — or, with --cron, a timer trigger')
      .argument('<fn>', 'function name')
      .argument('<name>', 'trigger name')
      .argument('[path]', 'path of an HTTP trigger, e.g. /api/users/{id}')
      .option('--cron <expr>', "timer trigger: 7-field cron (second minute hour day month weekday year, UTC), e.g. '0 */5 * * * * *'")
      .option('--message <text>', "timer trigger: the event's Message (CustomArgument, at most 4 KB)")
      .option('--method <methods>', 'ANY, or methods separated by commas (GET,POST)', 'ANY')
      .option('--qualifier <q>', 'version or alias the trigger calls', '$DEFAULT')
      .option('--integrated', 'integrated response: an event function returns {statusCode, headers, body, isBase64Encoded}')
      .option('--disabled', 'create it disabled')
      .option('--strip-prefix', 'a web function sees the path without the trigger prefix (the segments before the trailing /*)')
      .option('--description <text>', 'description'),
  ).action(async (fn: string, name: string, path: string | undefined, opts: ClientFlags & { cron?: string; message?: string; method: string; qualifier: string; integrated?: boolean; disabled?: boolean; stripPrefix?: boolean; description?: string }) => {
    if ((path === undefined) === (opts.cron === undefined)) throw new Error('give either a <path> (an HTTP trigger) or --cron <expr> (a timer trigger)');
    if (opts.message !== undefined && opts.cron === undefined) throw new Error('--message is the message of a timer trigger: use it with --cron');
    if (opts.cron !== undefined && (opts.integrated || opts.stripPrefix || opts.method !== 'ANY')) throw new Error('--method, --integrated and --strip-prefix are options of HTTP triggers, not of --cron timers');
    const { client, json, namespace } = resolveClient(opts);
    const response = await client.call<{ TriggerInfo?: TriggerItem }>('CreateTrigger', {
      FunctionName: fn,
      Namespace: namespace,
      TriggerName: name,
      ...(opts.cron !== undefined
        ? { Type: TIMER, TriggerDesc: opts.cron, CustomArgument: opts.message }
        : { Type: APIGW, TriggerDesc: httpDesc(path as string, opts.method, opts.integrated === true, opts.stripPrefix === true) }),
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

  addClientOptions(trigger.command('rm').alias('delete').description('delete a trigger').argument('<fn>', 'function name').argument('<name>', 'trigger name').option('--type <type>', 'apigw or timer, when both have this name')).action(
    async (fn: string, name: string, opts: ClientFlags & { type?: string }) => {
      const { client, json, namespace } = resolveClient(opts);
      const type = await typeOfTrigger(client, fn, namespace, name, opts.type);
      const response = await client.call('DeleteTrigger', { FunctionName: fn, Namespace: namespace, TriggerName: name, Type: type });
      if (json) return printJson(response);
      print(`deleted trigger ${name} of function ${fn}`);
    },
  );

  for (const [command, enable, word] of [['enable', 'OPEN', 'enabled'], ['disable', 'CLOSE', 'disabled']] as const) {
    addClientOptions(trigger.command(command).description(`${command} a trigger (a disabled HTTP trigger's path answers 404; a disabled timer does not fire)`).argument('<fn>', 'function name').argument('<name>', 'trigger name').option('--type <type>', 'apigw or timer, when both have this name')).action(
      async (fn: string, name: string, opts: ClientFlags & { type?: string }) => {
        const { client, json, namespace } = resolveClient(opts);
        const type = await typeOfTrigger(client, fn, namespace, name, opts.type);
        const response = await client.call('UpdateTriggerStatus', { FunctionName: fn, Namespace: namespace, TriggerName: name, Type: type, Enable: enable });
        if (json) return printJson(response);
        print(`${word} trigger ${name} of function ${fn}`);
      },
    );
  }
}
