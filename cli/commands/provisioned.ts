import { InvalidArgumentError, type Command } from 'commander';
import { addClientOptions, type ClientFlags, resolveClient } from '../config';
import { intFlag } from '../flags';
import { formatTable, print, printJson } from '../output';

interface TriggerAction { TriggerName: string; TriggerProvisionedConcurrencyNum: number; TriggerCronConfig: string }

interface ProvisionedInfo {
  Qualifier?: string;
  AllocatedProvisionedConcurrencyNum?: number;
  AvailableProvisionedConcurrencyNum?: number;
  Status?: string;
  StatusReason?: string;
  ProvisionedType?: string;
  TriggerActions?: TriggerAction[];
  TrackingTarget?: number;
  MinCapacity?: number;
  MaxCapacity?: number;
}

/** `--schedule 'morning=20@0 0 8 * * * *'` → a TriggerAction (name = count @ 7-field cron). */
function parseSchedule(text: string, previous: TriggerAction[] = []): TriggerAction[] {
  const m = /^([A-Za-z0-9_-]+)=(\d+)@(.+)$/.exec(text.trim());
  if (!m) throw new InvalidArgumentError(`--schedule expects "<name>=<count>@<7-field cron>", e.g. "morning=20@0 0 8 * * * *", got "${text}".`);
  return [...previous, { TriggerName: m[1]!, TriggerProvisionedConcurrencyNum: Number(m[2]), TriggerCronConfig: m[3]!.trim() }];
}

/** `--tracking 0.7` → the target usage in (0, 1). */
function trackingFlag(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError(`--tracking expects a target usage between 0 and 1 (e.g. 0.7), got "${value}".`);
  return n;
}

function describe(info: ProvisionedInfo): string {
  if (info.ProvisionedType === 'ConcurrencyUtilizationTracking') return `tracking ${info.TrackingTarget} (${info.MinCapacity}-${info.MaxCapacity})`;
  const schedules = (info.TriggerActions ?? []).map((a) => `${a.TriggerName}=${a.TriggerProvisionedConcurrencyNum}@${a.TriggerCronConfig}`);
  return schedules.length > 0 ? `scheduled: ${schedules.join(', ')}` : 'static';
}

/** `isola provisioned set|get|rm`: Put/Get/DeleteProvisionedConcurrencyConfig. */
export function registerProvisioned(program: Command): void {
  const provisioned = program.command('provisioned').description('keep instances of a published version started ahead of traffic (provisioned concurrency)');

  addClientOptions(
    provisioned
      .command('set')
      .description('provision <count> instances of a published version (with --schedule: scheduled changes; with --tracking: follow the load)')
      .argument('<name>', 'function name')
      .argument('<version>', 'published version number ($LATEST and aliases cannot be provisioned)')
      .argument('[count]', 'instances to keep (0 with --tracking)', intFlag('<count>'))
      .option('--schedule <action>', "a scheduled change: '<name>=<count>@<7-field cron>' (second minute hour day month weekday year, UTC; repeatable)", parseSchedule)
      .option('--tracking <usage>', 'utilisation tracking: keep ceil(concurrency / usage) instances, between --min and --max', trackingFlag)
      .option('--min <n>', 'tracking: the fewest instances', intFlag('--min'))
      .option('--max <n>', 'tracking: the most instances', intFlag('--max')),
  ).action(async (name: string, version: string, count: number | undefined, opts: ClientFlags & { schedule?: TriggerAction[]; tracking?: number; min?: number; max?: number }) => {
    const { client, json, namespace } = resolveClient(opts);
    const tracking = opts.tracking !== undefined;
    if (tracking && (opts.min === undefined || opts.max === undefined)) throw new Error('--tracking needs --min and --max.');
    if (!tracking && (opts.min !== undefined || opts.max !== undefined)) throw new Error('--min and --max apply to --tracking only.');
    if (!tracking && count === undefined) throw new Error('give the instance count (or --tracking with --min and --max).');
    const response = await client.call('PutProvisionedConcurrencyConfig', {
      FunctionName: name,
      Namespace: namespace,
      Qualifier: version,
      VersionProvisionedConcurrencyNum: count ?? 0,
      ...(opts.schedule ? { TriggerActions: opts.schedule } : {}),
      ...(tracking ? { ProvisionedType: 'ConcurrencyUtilizationTracking', TrackingTarget: opts.tracking, MinCapacity: opts.min, MaxCapacity: opts.max } : {}),
    });
    if (json) return printJson(response);
    print(`provisioned concurrency set on version ${version} of function ${name} (namespace ${namespace}); instances are starting — see isola provisioned get ${name}`);
  });

  addClientOptions(
    provisioned
      .command('get')
      .alias('ls')
      .description('provisioned concurrency of a function: per version, instances asked for and ready, status')
      .argument('<name>', 'function name')
      .argument('[version]', 'one published version (default: all)'),
  ).action(async (name: string, version: string | undefined, opts: ClientFlags) => {
    const { client, json, namespace } = resolveClient(opts);
    const response = await client.call<{ Allocated?: ProvisionedInfo[]; UnallocatedConcurrencyNum?: number }>('GetProvisionedConcurrencyConfig', {
      FunctionName: name, Namespace: namespace, ...(version !== undefined ? { Qualifier: version } : {}),
    });
    if (json) return printJson(response);
    print(
      formatTable(response.Allocated ?? [], [
        { header: 'VERSION', value: (r) => r.Qualifier },
        { header: 'ASKED', value: (r) => r.AllocatedProvisionedConcurrencyNum },
        { header: 'READY', value: (r) => r.AvailableProvisionedConcurrencyNum },
        { header: 'STATUS', value: (r) => r.Status },
        { header: 'KIND', value: (r) => describe(r) },
        { header: 'REASON', value: (r) => r.StatusReason },
      ]),
    );
    print(`still available to this function: ${String(response.UnallocatedConcurrencyNum ?? 0)} instances`);
  });

  addClientOptions(
    provisioned
      .command('rm')
      .alias('delete')
      .description("remove a version's provisioned concurrency (its instances go back to the idle reclaim)")
      .argument('<name>', 'function name')
      .argument('<version>', 'published version number'),
  ).action(async (name: string, version: string, opts: ClientFlags) => {
    const { client, json, namespace } = resolveClient(opts);
    const response = await client.call('DeleteProvisionedConcurrencyConfig', { FunctionName: name, Namespace: namespace, Qualifier: version });
    if (json) return printJson(response);
    print(`removed provisioned concurrency from version ${version} of function ${name} (namespace ${namespace})`);
  });
}
