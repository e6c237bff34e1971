/**
 * Aliases (scf-api.md §3.5): a name that points to a main version and,
 * optionally, routes part of the traffic elsewhere (alias-routing.ts).
 * `$DEFAULT` — what a call without a qualifier uses — exists for every
 * function: until it is changed it has no row and points to `$LATEST`;
 * UpdateAlias on it writes its row; it cannot be created or deleted.
 * Every write is one transaction, then the function's change listeners run
 * (core/routing drops its cached routes).
 */
import type { AliasRow, FunctionRow, Store } from '../../store';
import { ApiError } from '../errors';
import { EMPTY_ROUTING, parseRoutingConfig, type RoutingConfig } from './alias-routing';
import { assertDescription } from './function-config';
import type { FunctionService } from './functions';
import { DEFAULT_ALIAS, LATEST } from './versions';

/** An alias as the core sees it. */
export interface AliasView {
  name: string;
  functionVersion: string;
  routing: RoutingConfig;
  description: string;
  addTime: number;
  modTime: number;
}

export interface AliasInput {
  name: string;
  functionVersion: string;
  /** The API's RoutingConfig as sent (validated here); absent = none. */
  routingConfig?: unknown;
  /** Absent: empty on create, unchanged on update. */
  description?: string;
}

// 1-64 letters, digits, '_' and '-', starting with a letter (scf-api.md CreateAlias).
const ALIAS_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

export class AliasService {
  constructor(
    private readonly store: Store,
    private readonly functions: FunctionService,
  ) {}

  /** CreateAlias. */
  create(namespace: string, name: string, input: AliasInput): void {
    if (input.name === DEFAULT_ALIAS) throw new ApiError('ResourceInUse.Alias', `Alias ${DEFAULT_ALIAS} always exists; change it with UpdateAlias.`);
    assertAliasName(input.name);
    assertDescription(input.description);
    this.store.transaction(() => {
      const fn = this.functions.get(namespace, name).fn;
      if (this.store.aliases.get(fn.id, input.name)) throw new ApiError('ResourceInUse.Alias', `Function ${name} already has an alias ${input.name}.`);
      const routing = this.routingFor(fn, input);
      const now = Date.now();
      this.store.aliases.insert({
        function_id: fn.id,
        name: input.name,
        function_version: input.functionVersion,
        routing_config: JSON.stringify(routing),
        description: input.description ?? '',
        add_time: now,
        mod_time: now,
      });
    });
    this.functions.notify({ kind: 'update', namespace, name });
  }

  /**
   * UpdateAlias: the alias becomes exactly what the call names — its main
   * version and its RoutingConfig (absent = no additional versions); an
   * absent Description is kept.
   */
  update(namespace: string, name: string, input: AliasInput): void {
    assertDescription(input.description);
    this.store.transaction(() => {
      const fn = this.functions.get(namespace, name).fn;
      const current = this.rowOf(fn, input.name);
      const routing = this.routingFor(fn, input);
      const now = Date.now();
      const row = {
        function_id: fn.id,
        name: input.name,
        function_version: input.functionVersion,
        routing_config: JSON.stringify(routing),
        description: input.description ?? current.description,
        mod_time: now,
      };
      if (this.store.aliases.get(fn.id, input.name)) this.store.aliases.update(row);
      else this.store.aliases.insert({ ...row, add_time: current.add_time }); // $DEFAULT's first change
    });
    this.functions.notify({ kind: 'update', namespace, name });
  }

  /** GetAlias. */
  get(namespace: string, name: string, alias: string): AliasView {
    const fn = this.functions.get(namespace, name).fn;
    return viewOf(this.rowOf(fn, alias));
  }

  /** ListAliases: `$DEFAULT` first, then the others in creation order; only those routing to `version` when given. */
  list(namespace: string, name: string, version?: string): AliasView[] {
    const fn = this.functions.get(namespace, name).fn;
    const rows = this.store.aliases.list(fn.id);
    const all = rows.some((row) => row.name === DEFAULT_ALIAS) ? rows : [implicitDefault(fn), ...rows];
    all.sort((a, b) => Number(b.name === DEFAULT_ALIAS) - Number(a.name === DEFAULT_ALIAS));
    const views = all.map(viewOf);
    return version === undefined ? views : views.filter((view) => routesTo(view, version));
  }

  /** DeleteAlias (`$DEFAULT` cannot be deleted: InvalidParameterValue.Alias). */
  delete(namespace: string, name: string, alias: string): void {
    if (alias === DEFAULT_ALIAS) throw new ApiError('InvalidParameterValue.Alias', `The default alias ${DEFAULT_ALIAS} cannot be deleted; point it elsewhere with UpdateAlias.`);
    this.store.transaction(() => {
      const fn = this.functions.get(namespace, name).fn;
      if (!this.store.aliases.get(fn.id, alias)) throw new ApiError('ResourceNotFound.Alias', `Function ${name} has no alias ${alias}.`);
      // Refused rather than cascaded: a trigger left pointing at nothing would answer 404 without saying why.
      const trigger = this.store.triggers.usingQualifier(fn.id, alias);
      if (trigger) {
        throw new ApiError('FailedOperation.DeleteAlias', `Alias ${alias} is fired by ${trigger.type} trigger ${trigger.name}; delete the trigger or point it elsewhere (UpdateTrigger) first.`);
      }
      this.store.aliases.delete(fn.id, alias);
    });
    this.functions.notify({ kind: 'update', namespace, name });
  }

  /** The alias's row; `$DEFAULT` without one is its implicit row (→ `$LATEST`). */
  private rowOf(fn: FunctionRow, alias: string): AliasRow {
    const row = this.store.aliases.get(fn.id, alias);
    if (row) return row;
    if (alias === DEFAULT_ALIAS) return implicitDefault(fn);
    throw new ApiError('ResourceNotFound.Alias', `Function ${fn.name} has no alias ${alias}.`);
  }

  /** Checks the main version and validates the routing against the function's versions. */
  private routingFor(fn: FunctionRow, input: AliasInput): RoutingConfig {
    const exists = (version: string) => this.store.versions.get(fn.id, version) !== undefined;
    if (!exists(input.functionVersion)) throw new ApiError('ResourceNotFound.FunctionVersion', `Function ${fn.name} has no version ${input.functionVersion}.`);
    return parseRoutingConfig(input.routingConfig, input.functionVersion, exists);
  }
}

/** True when the alias sends any traffic to `version`. */
function routesTo(view: AliasView, version: string): boolean {
  if (view.functionVersion === version) return true;
  return view.routing.AdditionalVersionWeights.some((w) => w.Version === version) || view.routing.AddtionVersionMatchs.some((m) => m.Version === version);
}

function implicitDefault(fn: FunctionRow): AliasRow {
  return {
    function_id: fn.id,
    name: DEFAULT_ALIAS,
    function_version: LATEST,
    routing_config: JSON.stringify(EMPTY_ROUTING),
    description: '',
    add_time: fn.add_time,
    mod_time: fn.add_time,
  };
}

function viewOf(row: AliasRow): AliasView {
  const stored = JSON.parse(row.routing_config) as Partial<RoutingConfig>;
  return {
    name: row.name,
    functionVersion: row.function_version,
    routing: { AdditionalVersionWeights: stored.AdditionalVersionWeights ?? [], AddtionVersionMatchs: stored.AddtionVersionMatchs ?? [] },
    description: row.description,
    addTime: row.add_time,
    modTime: row.mod_time,
  };
}

function assertAliasName(name: string): void {
  if (!ALIAS_NAME.test(name)) {
    throw new ApiError('InvalidParameterValue.Name', `Alias name ${JSON.stringify(name)} is invalid: 1-64 letters, digits, "_" and "-", starting with a letter.`);
  }
}
