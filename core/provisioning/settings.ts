/**
 * A version's provisioned concurrency setting as PutProvisionedConcurrencyConfig
 * gives it (scf-api.md §3.8): checked once here, stored as the JSON of
 * `ProvisionedSettings` (store/provisioned.ts keeps it whole).
 *
 *   Default                          `count` instances, changed by scheduled
 *                                    actions (`TriggerActions`: 7-field cron
 *                                    + a count) when they fire;
 *   ConcurrencyUtilizationTracking   between `min` and `max` instances,
 *                                    ceil(concurrency / `target`) (tracking.ts).
 */
import { Cron } from 'croner';
import { ApiError } from '../errors';

/** One scheduled action: at each time `cron` names, the version's provisioned count becomes `count`. */
export interface ScheduledAction {
  name: string;
  count: number;
  /** Seven fields: second minute hour day-of-month month day-of-week year (UTC). */
  cron: string;
}

export interface ProvisionedSettings {
  type: 'Default' | 'ConcurrencyUtilizationTracking';
  /** VersionProvisionedConcurrencyNum (0 in tracking mode). */
  count: number;
  actions: ScheduledAction[];
  /** Utilisation tracking (type ConcurrencyUtilizationTracking only). */
  tracking: { target: number; min: number; max: number } | null;
  /** The last scheduled action that fired (its count is in force until the next one, or a new Put). */
  fired: { name: string; count: number; at: number } | null;
}

/** Most scheduled actions on one version. */
export const MAX_ACTIONS = 20;

type Params = Record<string, unknown>;

/** A whole number ≥ `min`; numeric strings (GET requests) are read as numbers. */
function wholeNumber(value: unknown, what: string, min: number, code: 'InvalidParameterValue.VersionProvisionedConcurrencyNum' | 'InvalidParameterValue.TriggerActions' | 'InvalidParameterValue.MinCapacity' | 'InvalidParameterValue.MaxCapacity'): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min) throw new ApiError(code, `${what} must be an integer ≥ ${min}, got ${JSON.stringify(value)}.`);
  return n;
}

/**
 * Checks a 7-field cron expression (croner reads it; isola insists on all
 * seven fields, as the cloud does). Throws InvalidParameterValue.TriggerActions.
 */
export function checkCron(expression: unknown, where: string): string {
  if (typeof expression !== 'string' || expression.trim().split(/\s+/).length !== 7) {
    throw new ApiError('InvalidParameterValue.TriggerActions', `${where} TriggerCronConfig must be a cron expression of 7 fields (second minute hour day month weekday year), got ${JSON.stringify(expression)}.`);
  }
  try {
    new Cron(expression.trim(), { paused: true, timezone: 'UTC' });
  } catch (err) {
    throw new ApiError('InvalidParameterValue.TriggerActions', `${where} TriggerCronConfig ${JSON.stringify(expression)} is not valid: ${(err as Error).message}`);
  }
  return expression.trim();
}

function readActions(value: unknown): ScheduledAction[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ApiError('InvalidParameterValue.TriggerActions', `TriggerActions must be a list, got ${typeof value}.`);
  if (value.length > MAX_ACTIONS) throw new ApiError('InvalidParameterValue.TriggerActions', `TriggerActions has ${value.length} actions; at most ${MAX_ACTIONS} are allowed.`);
  const names = new Set<string>();
  return value.map((raw: unknown, i) => {
    const where = `TriggerActions[${i}]`;
    if (typeof raw !== 'object' || raw === null) throw new ApiError('InvalidParameterValue.TriggerActions', `${where} must be an object.`);
    const a = raw as Params;
    const name = a.TriggerName;
    if (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,100}$/.test(name)) {
      throw new ApiError('InvalidParameterValue.TriggerActions', `${where}.TriggerName must be 1-100 letters, digits, _ or -, got ${JSON.stringify(name)}.`);
    }
    if (names.has(name)) throw new ApiError('InvalidParameterValue.TriggerActions', `${where}.TriggerName ${name} is used twice.`);
    names.add(name);
    if (a.ProvisionedType !== undefined && a.ProvisionedType !== 'Default') {
      throw new ApiError('InvalidParameterValue.TriggerActions', `${where}.ProvisionedType must be Default, got ${JSON.stringify(a.ProvisionedType)}.`);
    }
    const count = wholeNumber(a.TriggerProvisionedConcurrencyNum, `${where}.TriggerProvisionedConcurrencyNum`, 0, 'InvalidParameterValue.TriggerActions');
    return { name, count, cron: checkCron(a.TriggerCronConfig, where) };
  });
}

/** Reads and checks the request's setting (everything but the version and the quotas). */
export function readSettings(params: Params): ProvisionedSettings {
  const type = params.ProvisionedType ?? 'Default';
  if (type !== 'Default' && type !== 'ConcurrencyUtilizationTracking') {
    throw new ApiError('InvalidParameterValue.ProvisionedType', `ProvisionedType must be Default or ConcurrencyUtilizationTracking, got ${JSON.stringify(type)}.`);
  }
  if (params.VersionProvisionedConcurrencyNum === undefined) throw new ApiError('MissingParameter', 'The parameter VersionProvisionedConcurrencyNum is required.');
  const count = wholeNumber(params.VersionProvisionedConcurrencyNum, 'VersionProvisionedConcurrencyNum', 0, 'InvalidParameterValue.VersionProvisionedConcurrencyNum');
  const actions = readActions(params.TriggerActions);
  if (type === 'Default') {
    for (const key of ['TrackingTarget', 'MinCapacity', 'MaxCapacity'] as const) {
      if (params[key] !== undefined && params[key] !== null) {
        throw new ApiError('InvalidParameterValue.ProvisionedType', `${key} applies to ProvisionedType ConcurrencyUtilizationTracking only.`);
      }
    }
    if (count === 0 && actions.length === 0) {
      throw new ApiError('InvalidParameterValue.VersionProvisionedConcurrencyNum', 'VersionProvisionedConcurrencyNum must be at least 1 (or give TriggerActions); DeleteProvisionedConcurrencyConfig removes the setting.');
    }
    return { type, count, actions, tracking: null, fired: null };
  }
  if (count !== 0) throw new ApiError('InvalidParameterValue.VersionProvisionedConcurrencyNum', `VersionProvisionedConcurrencyNum must be 0 with ConcurrencyUtilizationTracking (MinCapacity and MaxCapacity bound it), got ${count}.`);
  if (actions.length > 0) throw new ApiError('InvalidParameterValue.TriggerActions', 'TriggerActions apply to ProvisionedType Default only.');
  const rawTarget = typeof params.TrackingTarget === 'string' ? Number(params.TrackingTarget) : params.TrackingTarget;
  if (typeof rawTarget !== 'number' || !(rawTarget > 0 && rawTarget < 1)) {
    throw new ApiError('InvalidParameterValue.TrackingTarget', `TrackingTarget must be a number in (0, 1), got ${JSON.stringify(params.TrackingTarget)}.`);
  }
  const min = wholeNumber(params.MinCapacity, 'MinCapacity', 1, 'InvalidParameterValue.MinCapacity');
  const max = wholeNumber(params.MaxCapacity, 'MaxCapacity', 1, 'InvalidParameterValue.MaxCapacity');
  if (max < min) throw new ApiError('InvalidParameterValue.MaxCapacity', `MaxCapacity ${max} is below MinCapacity ${min}.`);
  return { type, count: 0, actions: [], tracking: { target: rawTarget, min, max }, fired: null };
}

/** The most instances a setting can ask for (what the quotas are checked against). */
export function ceilingOf(s: ProvisionedSettings): number {
  if (s.tracking !== null) return s.tracking.max;
  return Math.max(s.count, ...s.actions.map((a) => a.count));
}

/** The stored JSON back as settings (written by this module only). */
export function parseSettings(json: string): ProvisionedSettings {
  const s = JSON.parse(json) as Partial<ProvisionedSettings>;
  return { type: s.type ?? 'Default', count: s.count ?? 0, actions: s.actions ?? [], tracking: s.tracking ?? null, fired: s.fired ?? null };
}
