import type { Command } from 'commander';
import type { ControlClient } from '../client';
import { addClientOptions, type ClientFlags, resolveClient } from '../config';
import { print, printJson } from '../output';
import { type AliasInfo, describeRouting } from './alias';

const PAGE = 100;

/** Every published version number of a function, ascending. */
async function publishedVersions(client: ControlClient, namespace: string, fn: string): Promise<number[]> {
  const numbers: number[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await client.call<{ FunctionVersion?: string[]; TotalCount?: number }>('ListVersionByFunction', {
      FunctionName: fn,
      Namespace: namespace,
      Offset: offset,
      Limit: PAGE,
    });
    for (const v of page.FunctionVersion ?? []) if (/^\d+$/.test(v)) numbers.push(Number(v));
    if ((page.FunctionVersion ?? []).length < PAGE) break;
  }
  return numbers.sort((a, b) => a - b);
}

/**
 * Where a rollback without --to goes: an alias shifting traffic drops the
 * shift (all traffic back to its main version); an alias on one version
 * moves to the newest published version before it ($LATEST → the newest).
 */
async function rollbackTarget(client: ControlClient, namespace: string, fn: string, alias: AliasInfo): Promise<string> {
  const routing = alias.RoutingConfig ?? {};
  const main = alias.FunctionVersion ?? '$LATEST';
  if ((routing.AdditionalVersionWeights ?? []).length > 0 || (routing.AddtionVersionMatchs ?? []).length > 0) return main;
  const current = /^\d+$/.test(main) ? Number(main) : Infinity;
  const earlier = (await publishedVersions(client, namespace, fn)).filter((n) => n < current);
  if (earlier.length === 0) throw new Error(`alias ${alias.Name ?? ''} of function ${fn} points to ${main} and no earlier published version exists; name one with --to`);
  return String(earlier[earlier.length - 1]);
}

/** `isola rollback <fn> [--alias $DEFAULT] [--to N]`: re-points an alias in one UpdateAlias. */
export function registerRollback(program: Command): void {
  addClientOptions(
    program
      .command('rollback')
      .description('re-point an alias in one step: to --to, else drop its traffic shift, else to the previous published version')
      .argument('<fn>', 'function name')
      .option('--alias <name>', 'the alias to move', '$DEFAULT')
      .option('--to <version>', 'the version to send all of its traffic to'),
  ).action(async (fn: string, opts: ClientFlags & { alias: string; to?: string }) => {
    const { client, json, namespace } = resolveClient(opts);
    const before = await client.call<AliasInfo>('GetAlias', { FunctionName: fn, Namespace: namespace, Name: opts.alias });
    const to = opts.to ?? (await rollbackTarget(client, namespace, fn, before));
    await client.call('UpdateAlias', { FunctionName: fn, Namespace: namespace, Name: opts.alias, FunctionVersion: to });
    const after = await client.call<AliasInfo>('GetAlias', { FunctionName: fn, Namespace: namespace, Name: opts.alias });
    if (json) return printJson(after);
    print(`rolled back alias ${opts.alias} of function ${fn}: ${describeRouting(before)} → ${describeRouting(after)}`);
  });
}
