import { type Command, InvalidArgumentError } from 'commander';
import { RemoteApiError, type ControlClient } from '../client';
import { addClientOptions, type ClientFlags, resolveClient } from '../config';
import { formatFields, formatTable, print, printJson } from '../output';

interface VersionWeight {
  Version: string;
  Weight: number;
}
interface VersionMatch {
  Version: string;
  Key: string;
  Method: string;
  Expression: string;
}
export type AliasInfo = {
  Name?: string;
  FunctionVersion?: string;
  RoutingConfig?: { AdditionalVersionWeights?: VersionWeight[]; AddtionVersionMatchs?: VersionMatch[] };
  Description?: string;
  AddTime?: string;
  ModTime?: string;
};

/** `--weight 2=0.1` → {Version: '2', Weight: 0.1}. */
export function parseWeight(text: string): VersionWeight {
  const m = /^([^=\s]+)=(\d*\.?\d+)$/.exec(text);
  if (!m) throw new InvalidArgumentError(`--weight expects VERSION=WEIGHT (e.g. 2=0.1), got "${text}".`);
  return { Version: m[1]!, Weight: Number(m[2]) };
}

/** `--rule 'invoke.headers.User exact Bob -> 2'` → a VersionMatch. */
export function parseRule(text: string): VersionMatch {
  const m = /^\s*(\S+)\s+(exact|range)\s+(.+?)\s*->\s*(\S+)\s*$/.exec(text);
  if (!m) throw new InvalidArgumentError(`--rule expects "invoke.headers.<Key> exact|range <expression> -> <version>", got "${text}".`);
  return { Key: m[1]!, Method: m[2]!, Expression: m[3]!, Version: m[4]! };
}

/** "2 (+3 at 10%)", "1 (User exact Bob → 2)": where an alias sends traffic, in one line. */
export function describeRouting(alias: AliasInfo): string {
  const weights = alias.RoutingConfig?.AdditionalVersionWeights ?? [];
  const rules = alias.RoutingConfig?.AddtionVersionMatchs ?? [];
  const extra = [
    ...weights.map((w) => `+${w.Version} at ${Math.round(w.Weight * 10000) / 100}%`),
    ...rules.map((r) => `${r.Key} ${r.Method} ${r.Expression} → ${r.Version}`),
  ];
  return extra.length > 0 ? `${alias.FunctionVersion ?? '?'} (${extra.join(', ')})` : (alias.FunctionVersion ?? '?');
}

/** GetAlias, or undefined when the function has no such alias. */
export async function findAlias(client: ControlClient, namespace: string, fn: string, name: string): Promise<AliasInfo | undefined> {
  try {
    return await client.call<AliasInfo>('GetAlias', { FunctionName: fn, Namespace: namespace, Name: name });
  } catch (err) {
    if (err instanceof RemoteApiError && err.code === 'ResourceNotFound.Alias') return undefined;
    throw err;
  }
}

/** `isola alias set|get|list|rm`: CreateAlias/UpdateAlias, GetAlias, ListAliases, DeleteAlias. */
export function registerAlias(program: Command): void {
  const alias = program.command('alias').description('point names at versions, with weighted or rule-based traffic shifting');

  addClientOptions(
    alias
      .command('set')
      .description('create or re-point an alias; without --weight/--rule all its traffic goes to <version>')
      .argument('<fn>', 'function name')
      .argument('<name>', 'alias name ($DEFAULT is what calls without a qualifier use)')
      .argument('<version>', 'main version (a number or $LATEST)')
      .option('--weight <version=weight...>', 'send this share of the traffic to another version (several allowed, sum ≤ 1)', (v: string, prev: VersionWeight[] = []) => [...prev, parseWeight(v)])
      .option('--rule <rule>', "route matching calls elsewhere: 'invoke.headers.<Key> exact|range <expr> -> <version>' (repeatable)", (v: string, prev: VersionMatch[] = []) => [...prev, parseRule(v)])
      .option('--description <text>', 'description of the alias'),
  ).action(async (fn: string, name: string, version: string, opts: ClientFlags & { weight?: VersionWeight[]; rule?: VersionMatch[]; description?: string }) => {
    const { client, json, namespace } = resolveClient(opts);
    const weights = opts.weight ?? [];
    const rules = opts.rule ?? [];
    const exists = name === '$DEFAULT' || (await findAlias(client, namespace, fn, name)) !== undefined;
    await client.call(exists ? 'UpdateAlias' : 'CreateAlias', {
      FunctionName: fn,
      Namespace: namespace,
      Name: name,
      FunctionVersion: version,
      RoutingConfig: { AdditionalVersionWeights: weights, AddtionVersionMatchs: rules },
      Description: opts.description,
    });
    const after = await client.call<AliasInfo>('GetAlias', { FunctionName: fn, Namespace: namespace, Name: name });
    if (json) return printJson(after);
    print(`${exists ? 'updated' : 'created'} alias ${name} of function ${fn}: ${describeRouting(after)}`);
  });

  addClientOptions(alias.command('get').description('show one alias').argument('<fn>', 'function name').argument('<name>', 'alias name')).action(
    async (fn: string, name: string, opts: ClientFlags) => {
      const { client, json, namespace } = resolveClient(opts);
      const info = await client.call<AliasInfo>('GetAlias', { FunctionName: fn, Namespace: namespace, Name: name });
      if (json) return printJson(info);
      print(
        formatFields([
          ['name', info.Name],
          ['version', info.FunctionVersion],
          ['routing', describeRouting(info)],
          ['description', info.Description],
          ['added', info.AddTime],
          ['modified', info.ModTime],
        ]),
      );
    },
  );

  addClientOptions(
    alias
      .command('list')
      .alias('ls')
      .description('list the aliases of a function ($DEFAULT first)')
      .argument('<fn>', 'function name')
      .option('--routes-to <version>', 'only aliases that send traffic to this version'),
  ).action(async (fn: string, opts: ClientFlags & { routesTo?: string }) => {
    const { client, json, namespace } = resolveClient(opts);
    const response = await client.call<{ Aliases?: AliasInfo[]; TotalCount?: number }>('ListAliases', {
      FunctionName: fn,
      Namespace: namespace,
      FunctionVersion: opts.routesTo,
      Limit: '100',
    });
    if (json) return printJson(response);
    print(
      formatTable(response.Aliases ?? [], [
        { header: 'NAME', value: (a) => a.Name },
        { header: 'ROUTES TO', value: describeRouting },
        { header: 'MODIFIED', value: (a) => a.ModTime },
        { header: 'DESCRIPTION', value: (a) => a.Description },
      ]),
    );
  });

  addClientOptions(alias.command('rm').alias('delete').description('delete an alias').argument('<fn>', 'function name').argument('<name>', 'alias name')).action(
    async (fn: string, name: string, opts: ClientFlags) => {
      const { client, json, namespace } = resolveClient(opts);
      const response = await client.call('DeleteAlias', { FunctionName: fn, Namespace: namespace, Name: name });
      if (json) return printJson(response);
      print(`deleted alias ${name} of function ${fn} (namespace ${namespace})`);
    },
  );
}
