/**
 * Triggers (scf-api.md §3.6) of type `apigw` — HTTP triggers: a path (with
 * `{param}` segments and a trailing rest-match), methods, the qualifier it
 * calls, enabled or not, integrated response or not (spec/triggers.md).
 * The triggers of all functions share one in-memory route table (a segment
 * tree, route-table.ts) built from the store at start and changed with
 * every write; conflicts are refused at creation (ResourceInUse.Trigger
 * naming the other trigger). Other trigger types answer
 * UnsupportedOperation.Trigger until they exist (timers: the async work).
 */
import type { Store, TriggerRow } from '../../store';
import { optionalString, paging, requiredString } from '../config';
import { ApiError } from '../errors';
import { DEFAULT_ALIAS, LATEST, triggerViewOf as viewOf, type FunctionService, type TriggerView } from '../functions';
import { assertDescription } from '../functions';
import { parseApigwDesc, type ApigwDesc } from './apigw-desc';
import { RouteTable, type RouteMatch } from './route-table';

export const APIGW = 'apigw';
/** HTTP triggers per function (spec: ≤ 10 of one type). */
export const MAX_TRIGGERS_PER_TYPE = 10;
const TRIGGER_NAME = /^[A-Za-z0-9_-]{1,100}$/;

/** What the data plane needs about a matched HTTP trigger. */
export interface HttpTrigger {
  readonly id: number;
  readonly name: string;
  readonly namespace: string;
  readonly functionName: string;
  readonly qualifier: string;
  readonly enabled: boolean;
  readonly desc: ApigwDesc;
}

type Params = Record<string, unknown>;

export class TriggerService {
  private readonly table = new RouteTable<HttpTrigger>();
  private readonly byId = new Map<number, HttpTrigger>();

  constructor(
    private readonly store: Store,
    private readonly functions: FunctionService,
  ) {
    for (const row of store.triggers.ofType(APIGW)) this.place(toHttpTrigger(row, row.namespace, row.function_name));
    // Deleting a function cascades its triggers in the store; a function created (or copied over) under a name has none.
    functions.onChange((change) => {
      if (change.kind === 'update') return;
      for (const t of this.byId.values()) if (t.namespace === change.namespace && t.functionName === change.name) this.unplace(t.id);
    });
  }

  /** The HTTP trigger serving `method` on `path`, with its path parameters; disabled ones match too (the caller answers 404). */
  match(method: string, path: string): RouteMatch<HttpTrigger> | undefined {
    return this.table.match(method, path);
  }

  /** HTTP triggers in the table (all functions). */
  get routeCount(): number {
    return this.table.size;
  }

  /** CreateTrigger. */
  create(namespace: string, name: string, params: Params): TriggerView {
    const type = typeOf(params);
    const triggerName = triggerNameOf(params);
    const descText = requiredString(params, 'TriggerDesc', 'InvalidParameterValue.TriggerDesc');
    const desc = parseApigwDesc(descText);
    const qualifier = optionalString(params, 'Qualifier', 'InvalidParameterValue.Qualifier') || LATEST;
    const enabled = enableOf(params, true);
    const description = optionalString(params, 'Description', 'InvalidParameterValue.Description') ?? '';
    assertDescription(description);
    const row = this.store.transaction(() => {
      const fn = this.functions.get(namespace, name).fn;
      if (this.store.triggers.get(fn.id, type, triggerName)) throw new ApiError('ResourceInUse.TriggerName', `Function ${name} already has a ${type} trigger ${triggerName}.`);
      if (this.store.triggers.count(fn.id, type) >= MAX_TRIGGERS_PER_TYPE) {
        throw new ApiError('LimitExceeded.Trigger', `Function ${name} already has the maximum of ${MAX_TRIGGERS_PER_TYPE} ${type} triggers.`);
      }
      this.assertQualifier(fn.id, name, qualifier);
      this.assertRoutable(desc);
      const now = Date.now();
      const fields = { function_id: fn.id, qualifier, type, name: triggerName, trigger_desc: descText, enabled: enabled ? 1 : 0, custom_argument: '', description, add_time: now, mod_time: now };
      return { id: this.store.triggers.insert(fields), ...fields };
    });
    this.place(toHttpTrigger(row, namespace, name));
    return viewOf(row);
  }

  /** UpdateTrigger: TriggerDesc, Qualifier, Enable and Description, each when sent. */
  update(namespace: string, name: string, params: Params): void {
    this.change(namespace, name, params, (current) => {
      const descText = optionalString(params, 'TriggerDesc', 'InvalidParameterValue.TriggerDesc') || current.trigger_desc;
      const description = optionalString(params, 'Description', 'InvalidParameterValue.Description') ?? current.description;
      assertDescription(description);
      return {
        trigger_desc: descText,
        qualifier: optionalString(params, 'Qualifier', 'InvalidParameterValue.Qualifier') || current.qualifier,
        enabled: enableOf(params, current.enabled === 1) ? 1 : 0,
        description,
      };
    });
  }

  /** UpdateTriggerStatus: Enable OPEN / CLOSE; the state it already has is FailedOperation.UpdateTriggerStatus. */
  updateStatus(namespace: string, name: string, params: Params): void {
    this.change(namespace, name, params, statusChange(params));
  }

  /** DeleteTrigger. */
  delete(namespace: string, name: string, params: Params): void {
    const id = this.store.transaction(() => {
      const { row } = this.existing(namespace, name, params);
      this.store.triggers.delete(row.id);
      return row.id;
    });
    this.unplace(id);
  }

  /** ListTriggers: ordered (`add_time` / `mod_time`, default mod_time DESC), filtered (Qualifier, TriggerName, Description), paged. */
  list(namespace: string, name: string, params: Params): { rows: TriggerView[]; total: number } {
    const { offset, limit } = paging(params);
    const orderBy = optionalString(params, 'OrderBy', 'InvalidParameterValue.OrderBy') || 'mod_time';
    if (orderBy !== 'add_time' && orderBy !== 'mod_time') throw new ApiError('InvalidParameterValue.OrderBy', `OrderBy must be add_time or mod_time, got ${JSON.stringify(orderBy)}.`);
    const order = (optionalString(params, 'Order', 'InvalidParameterValue.Order') || 'DESC').toUpperCase();
    if (order !== 'ASC' && order !== 'DESC') throw new ApiError('InvalidParameterValue.Order', `Order must be ASC or DESC, got ${JSON.stringify(order)}.`);
    const filters = filtersOf(params['Filters']);
    const fn = this.functions.get(namespace, name).fn;
    const rows = this.store.triggers
      .list(fn.id)
      .filter((row) => filters.every(([field, values]) => values.includes(field === 'Qualifier' ? row.qualifier : field === 'TriggerName' ? row.name : row.description)))
      .sort((a, b) => (orderBy === 'add_time' ? a.add_time - b.add_time : a.mod_time - b.mod_time) * (order === 'ASC' ? 1 : -1));
    return { rows: rows.slice(offset, offset + limit).map(viewOf), total: rows.length };
  }

  /** Reads, changes and writes one trigger, then updates the route table (the new path is checked for conflicts). */
  private change(namespace: string, name: string, params: Params, edit: (current: TriggerRow) => Partial<TriggerRow>): void {
    const row = this.store.transaction(() => {
      const { fn, row: current } = this.existing(namespace, name, params);
      const next: TriggerRow = { ...current, ...edit(current), mod_time: Date.now() };
      const desc = parseApigwDesc(next.trigger_desc);
      this.assertQualifier(fn.id, name, next.qualifier);
      this.assertRoutable(desc, current.id);
      this.store.triggers.update(next);
      return next;
    });
    this.unplace(row.id);
    this.place(toHttpTrigger(row, namespace, name));
  }

  private place(trigger: HttpTrigger): void {
    this.table.add(trigger.desc.pattern, trigger.desc.methods, trigger);
    this.byId.set(trigger.id, trigger);
  }

  private unplace(id: number): void {
    if (!this.byId.delete(id)) return;
    this.table.remove((t) => t.id === id);
  }

  /** The trigger the call names (Type, TriggerName) and its function; ResourceNotFound.Trigger. Call inside a transaction. */
  private existing(namespace: string, name: string, params: Params): { fn: { id: number }; row: TriggerRow } {
    const type = typeOf(params);
    const triggerName = requiredString(params, 'TriggerName', 'InvalidParameterValue.TriggerName');
    const fn = this.functions.get(namespace, name).fn;
    const row = this.store.triggers.get(fn.id, type, triggerName);
    if (!row) throw new ApiError('ResourceNotFound.Trigger', `Function ${name} has no ${type} trigger ${triggerName}.`);
    return { fn, row };
  }

  private assertQualifier(functionId: number, name: string, qualifier: string): void {
    assertTriggerQualifier(this.store, functionId, name, qualifier);
  }

  /**
   * The path must not shadow the function routes (`/<namespace>/<function>/…`:
   * its first segment is a literal that is no namespace) nor tie with
   * another trigger (same shape, a method in common).
   */
  private assertRoutable(desc: ApigwDesc, ignoreId?: number): void {
    const first = desc.pattern.segments[0];
    if (first === undefined || first === '{}') {
      throw new ApiError('InvalidParameterValue.TriggerDesc', `TriggerDesc api.requestConfig.path ${desc.path} must start with a literal segment (it would shadow the function routes /<namespace>/<function>).`);
    }
    if (this.store.namespaces.get(first) !== undefined) {
      throw new ApiError('ResourceInUse.Trigger', `The path ${desc.path} would shadow the function routes of namespace ${first} (/${first}/<function>/…).`);
    }
    const ignore = ignoreId === undefined ? undefined : this.byId.get(ignoreId);
    const other = this.table.conflict(desc.pattern, desc.methods, ignore);
    if (other) {
      throw new ApiError('ResourceInUse.Trigger', `The path ${desc.path} (${desc.methods.join(',')}) conflicts with trigger ${other.name} of function ${other.namespace}/${other.functionName} (${other.desc.path}, ${other.desc.methods.join(',')}).`);
    }
  }
}

/** A trigger's TriggerName, checked (InvalidParameterValue.TriggerName). Shared by every trigger type. */
export function triggerNameOf(params: Params): string {
  const triggerName = requiredString(params, 'TriggerName', 'InvalidParameterValue.TriggerName');
  if (!TRIGGER_NAME.test(triggerName)) throw new ApiError('InvalidParameterValue.TriggerName', `TriggerName ${JSON.stringify(triggerName)} is invalid: 1-100 letters, digits, "_" and "-".`);
  return triggerName;
}

/** The trigger's qualifier names a version or alias of the function (ResourceNotFound.Qualifier). Call inside a transaction. */
export function assertTriggerQualifier(store: Store, functionId: number, name: string, qualifier: string): void {
  const known =
    qualifier === DEFAULT_ALIAS || (/^(\$LATEST|\d+)$/.test(qualifier) ? store.versions.get(functionId, qualifier) !== undefined : store.aliases.get(functionId, qualifier) !== undefined);
  if (!known) throw new ApiError('ResourceNotFound.Qualifier', `Function ${name} has no version or alias ${qualifier}.`);
}

/** Types served by TriggerService; `timer` is core/timers' (the control API sends it there). */
function typeOf(params: Params): string {
  const type = requiredString(params, 'Type', 'InvalidParameterValue.Type');
  if (type === APIGW) return type;
  if (['timer', 'cos', 'cls', 'ckafka', 'cmq', 'http', 'clb', 'mps', 'cm', 'vod', 'eb'].includes(type)) {
    throw new ApiError('UnsupportedOperation.Trigger', `Triggers of type ${type} are not available on this server yet; apigw (HTTP) and timer triggers are.`);
  }
  throw new ApiError('InvalidParameterValue.Type', `Type must be a trigger type such as apigw, got ${JSON.stringify(type)}.`);
}

/**
 * UpdateTriggerStatus's edit of a trigger row (every type): the Enable it
 * asks for (required); the state the trigger already has is
 * FailedOperation.UpdateTriggerStatus.
 */
export function statusChange(params: Params): (current: TriggerRow) => Pick<TriggerRow, 'enabled'> {
  const enable = requiredString(params, 'Enable', 'InvalidParameterValue.Enable');
  return (current) => {
    const enabled = enableOf(params, current.enabled === 1);
    if (enabled === (current.enabled === 1)) {
      throw new ApiError('FailedOperation.UpdateTriggerStatus', `Trigger ${current.name} is already ${enable === 'OPEN' ? 'enabled' : 'disabled'}.`);
    }
    return { enabled: enabled ? 1 : 0 };
  };
}

/** A trigger's Enable (OPEN / CLOSE), or `fallback` when not sent. */
export function enableOf(params: Params, fallback: boolean): boolean {
  const value = optionalString(params, 'Enable', 'InvalidParameterValue.Enable');
  if (value === undefined || value === '') return fallback;
  if (value === 'OPEN') return true;
  if (value === 'CLOSE') return false;
  throw new ApiError('InvalidParameterValue.Enable', `Enable must be OPEN or CLOSE, got ${JSON.stringify(value)}.`);
}

function filtersOf(value: unknown): Array<[string, string[]]> {
  if (value === undefined || value === null) return [];
  const bad = () => new ApiError('InvalidParameterValue.Filters', 'Filters must be a list of {Name: Qualifier|TriggerName|Description, Values: [...]}.');
  if (!Array.isArray(value)) throw bad();
  return value.map((f: unknown) => {
    const { Name, Values } = (f ?? {}) as { Name?: unknown; Values?: unknown };
    if ((Name !== 'Qualifier' && Name !== 'TriggerName' && Name !== 'Description') || !Array.isArray(Values) || !Values.every((v) => typeof v === 'string')) throw bad();
    return [Name, Values as string[]];
  });
}

function toHttpTrigger(row: TriggerRow, namespace: string, functionName: string): HttpTrigger {
  return Object.freeze({ id: row.id, name: row.name, namespace, functionName, qualifier: row.qualifier, enabled: row.enabled === 1, desc: parseApigwDesc(row.trigger_desc) });
}
