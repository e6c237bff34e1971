/**
 * Provisioned concurrency (platform-semantics §3, scf-api.md §3.8): the
 * Put/Get/DeleteProvisionedConcurrencyConfig actions, and keeping the
 * executors in step with them.
 *
 * A setting belongs to a published version (never `$LATEST`, never an
 * alias), is stored (store/provisioned.ts) before the action answers, and is
 * applied at once and again at every server start, so the instances are
 * warm after a restart. Applying = asking the version's executor to keep
 * N instances (`Executor.provision`): the executor starts them without a
 * call, never reclaims them for idling and replaces them when they die;
 * calls find them through its usual placement (a warm instance with a free
 * slot), so they pay no cold start. N is the setting's count, or the count
 * of the last scheduled action that fired, or — with utilisation tracking —
 * what tracking.ts decides from the calls in flight every 10 s.
 *
 * Quotas: a setting's ceiling (the most instances it can ask for) × the
 * version's memory counts against the function's reserved quota when it
 * has one (FailedOperation.ProvisionedExceedReserved), else against what the
 * account quota leaves after every reservation and every other unreserved
 * function's provisioned memory (FailedOperation.ProvisionedExceedAvailable).
 * At run time the instances asked for now hold their memory of the quota
 * (admission.ts), busy or idle.
 */
import { Cron } from 'croner';
import type { ProvisionProgress } from '../../executor';
import type { Store } from '../../store';
import type { CapacityOwner, ConcurrencyService } from '../capacity';
import { ApiError } from '../errors';
import { LATEST, type FunctionService } from '../functions';
import type { Targets, InvokeTarget } from '../invoke';
import type { VersionResolver } from '../routing';
import type { ProvisionedAdmission } from './admission';
import { ceilingOf, parseSettings, readSettings, type ProvisionedSettings } from './settings';
import { decide, TRACKING_CHECK_MS, type TrackingState } from './tracking';

/** One version's setting as it runs. */
interface Applied {
  namespace: string;
  functionName: string;
  functionId: number;
  qualifier: string;
  settings: ProvisionedSettings;
  /** The version's target (executor + spec), or why it cannot have instances here. */
  target: InvokeTarget | { error: string };
  /** Instances asked of the executor now. */
  count: number;
  crons: Cron[];
  tracking: TrackingState | null;
  /** Highest calls in flight seen since the last tracking check. */
  peak: number;
}

/** VersionProvisionedConcurrencyInfo of GetProvisionedConcurrencyConfig. */
export interface ProvisionedInfo {
  Qualifier: string;
  AllocatedProvisionedConcurrencyNum: number;
  AvailableProvisionedConcurrencyNum: number;
  Status: 'Done' | 'InProgress' | 'Failed';
  StatusReason: string;
  ProvisionedType: ProvisionedSettings['type'];
  VersionProvisionedConcurrencyNum: number;
  TriggerActions: Array<{ TriggerName: string; TriggerProvisionedConcurrencyNum: number; TriggerCronConfig: string; ProvisionedType: 'Default' }>;
  TrackingTarget?: number;
  MinCapacity?: number;
  MaxCapacity?: number;
}

/** How often calls in flight are sampled for utilisation tracking (ms): the peak between checks is what counts. */
const SAMPLE_MS = 1000;

const entryKey = (functionId: number, qualifier: string): string => `${functionId}\u0000${qualifier}`;

export class ProvisionedService {
  private readonly applied = new Map<string, Applied>();
  private sampler: NodeJS.Timeout | null = null;
  private checker: NodeJS.Timeout | null = null;
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly functions: FunctionService,
    private readonly resolver: VersionResolver,
    private readonly targets: Targets,
    private readonly capacity: CapacityOwner,
    private readonly concurrency: ConcurrencyService,
    private readonly admission: ProvisionedAdmission,
    private readonly clock: () => number = Date.now,
  ) {
    // A deleted function's settings went with it (ON DELETE CASCADE): its instances go back to the idle reclaim.
    this.unsubscribe = functions.onChange((change) => {
      if (change.kind !== 'delete') return;
      for (const [key, a] of this.applied) if (a.namespace === change.namespace && a.functionName === change.name) this.release(key, a);
    });
  }

  /** Applies every stored setting (server start): the instances start in the background. */
  start(): void {
    for (const row of this.store.provisioned.listAll()) {
      this.apply(row.namespace, row.function_name, row.function_id, row.qualifier, parseSettings(row.options));
    }
  }

  /** PutProvisionedConcurrencyConfig. */
  put(namespace: string, functionName: string, qualifier: string, params: Record<string, unknown>): void {
    const settings = readSettings(params);
    const fn = this.functions.requireFunction(namespace, functionName);
    const version = this.publishedVersion(fn.id, functionName, qualifier);
    const ceiling = ceilingOf(settings);
    this.store.transaction(() => {
      const others = this.store.functions.provisionedMemory(fn.id) - (this.store.provisioned.get(fn.id, qualifier)?.target ?? 0) * version.memory_size;
      const mb = others + ceiling * version.memory_size;
      if (fn.reserved_memory !== null) {
        if (mb > fn.reserved_memory) {
          throw new ApiError('FailedOperation.ProvisionedExceedReserved', `Function ${functionName} would have ${mb} MB of provisioned concurrency (${ceiling} × ${version.memory_size} MB for version ${qualifier}), more than its ${fn.reserved_memory} MB reserved.`);
        }
      } else {
        let unreservedProvisioned = 0;
        for (const row of this.store.functions.allNames()) if (row.reserved_memory === null && !(row.namespace === namespace && row.name === functionName)) unreservedProvisioned += row.provisioned_memory;
        const available = this.concurrency.totalMemory() - this.store.functions.reservedMemorySum() - unreservedProvisioned;
        if (mb > available) {
          throw new ApiError('FailedOperation.ProvisionedExceedAvailable', `Function ${functionName} would have ${mb} MB of provisioned concurrency (${ceiling} × ${version.memory_size} MB for version ${qualifier}), more than the ${Math.max(0, available)} MB the account quota leaves.`);
        }
      }
      this.store.provisioned.put({ function_id: fn.id, qualifier, target: ceiling, options: JSON.stringify(settings), mod_time: this.clock() });
    });
    this.apply(namespace, functionName, fn.id, qualifier, settings);
  }

  /** GetProvisionedConcurrencyConfig: one version's setting or every version's. */
  get(namespace: string, functionName: string, qualifier?: string): { UnallocatedConcurrencyNum: number; Allocated: ProvisionedInfo[] } {
    const fn = this.functions.requireFunction(namespace, functionName);
    if (qualifier !== undefined && qualifier !== '') this.publishedVersion(fn.id, functionName, qualifier);
    const rows = qualifier ? [this.store.provisioned.get(fn.id, qualifier)].filter((r) => r !== undefined) : this.store.provisioned.list(fn.id);
    const latest = this.store.versions.get(fn.id, LATEST);
    const memory = latest?.memory_size ?? 128;
    const limitMb = fn.reserved_memory ?? this.concurrency.totalMemory() - this.store.functions.reservedMemorySum();
    return {
      UnallocatedConcurrencyNum: Math.max(0, Math.floor((limitMb - this.store.functions.provisionedMemory(fn.id)) / memory)),
      Allocated: rows.map((row) => this.info(fn.id, row.qualifier, parseSettings(row.options))),
    };
  }

  /** DeleteProvisionedConcurrencyConfig: the setting goes; its instances go back to the usual idle reclaim. */
  delete(namespace: string, functionName: string, qualifier: string): void {
    const fn = this.functions.requireFunction(namespace, functionName);
    this.publishedVersion(fn.id, functionName, qualifier);
    if (!this.store.provisioned.delete(fn.id, qualifier)) {
      throw new ApiError('ResourceNotFound.Version', `Function ${functionName} version ${qualifier} has no provisioned concurrency.`);
    }
    const key = entryKey(fn.id, qualifier);
    const a = this.applied.get(key);
    if (a !== undefined) this.release(key, a);
  }

  /** Stops the schedules and the tracking timers (the executors' instances end with the executors); idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    for (const a of this.applied.values()) for (const c of a.crons) c.stop();
    this.applied.clear();
    this.stopTimers();
    this.admission.close();
  }

  /** The published version `qualifier` names: InvalidParameterValue.Qualifier for $LATEST or an alias, ResourceNotFound.Version when it does not exist. */
  private publishedVersion(functionId: number, functionName: string, qualifier: string) {
    if (!/^[1-9]\d*$/.test(qualifier)) {
      throw new ApiError('InvalidParameterValue.Qualifier', `Provisioned concurrency applies to a published version (1, 2, …), not ${JSON.stringify(qualifier)}${qualifier === LATEST ? ': $LATEST cannot have it' : ''}.`);
    }
    const version = this.store.versions.get(functionId, qualifier);
    if (!version) throw new ApiError('ResourceNotFound.Version', `Function ${functionName} has no version ${qualifier}.`);
    return version;
  }

  private info(functionId: number, qualifier: string, settings: ProvisionedSettings): ProvisionedInfo {
    const a = this.applied.get(entryKey(functionId, qualifier));
    const progress: ProvisionProgress = a === undefined || 'error' in a.target
      ? { target: a?.count ?? 0, ready: 0, error: a !== undefined && 'error' in a.target ? a.target.error : 'not applied' }
      : a.target.executor.provisioned(a.target.key);
    const count = a?.count ?? 0;
    const ready = Math.min(progress.ready, count);
    const status = ready >= count ? 'Done' : progress.error !== null ? 'Failed' : 'InProgress';
    return {
      Qualifier: qualifier,
      AllocatedProvisionedConcurrencyNum: count,
      AvailableProvisionedConcurrencyNum: ready,
      Status: status,
      StatusReason: status === 'Done' ? '' : status === 'Failed' ? progress.error! : `${ready} of ${count} instances started`,
      ProvisionedType: settings.type,
      VersionProvisionedConcurrencyNum: settings.count,
      TriggerActions: settings.actions.map((x) => ({ TriggerName: x.name, TriggerProvisionedConcurrencyNum: x.count, TriggerCronConfig: x.cron, ProvisionedType: 'Default' })),
      ...(settings.tracking ? { TrackingTarget: settings.tracking.target, MinCapacity: settings.tracking.min, MaxCapacity: settings.tracking.max } : {}),
    };
  }

  /** (Re)applies one version's setting: its target, its schedules, the count it asks for now. */
  private apply(namespace: string, functionName: string, functionId: number, qualifier: string, settings: ProvisionedSettings): void {
    if (this.closed) return;
    const key = entryKey(functionId, qualifier);
    const previous = this.applied.get(key);
    for (const c of previous?.crons ?? []) c.stop();
    let target: Applied['target'];
    try {
      target = this.targets.of(this.resolver.resolve(namespace, functionName, qualifier));
    } catch (err) {
      target = { error: (err as Error).message };
    }
    const a: Applied = {
      namespace, functionName, functionId, qualifier, settings, target, count: 0, crons: [],
      tracking: settings.tracking ? { current: settings.tracking.min, lastScaleDownAt: -Infinity } : null,
      peak: 0,
    };
    this.applied.set(key, a);
    a.crons = settings.actions.map((action) => new Cron(action.cron, { timezone: 'UTC', catch: true, unref: true }, () => this.fire(key, action.name, action.count)));
    this.setCount(a, this.countOf(a));
    this.syncTimers();
  }

  /** The count a setting asks for now. */
  private countOf(a: Applied): number {
    if (a.tracking !== null) return a.tracking.current;
    return a.settings.fired?.count ?? a.settings.count;
  }

  private setCount(a: Applied, count: number): void {
    a.count = count;
    if ('error' in a.target) return;
    this.admission.setProvisioned(a.target.key, a.target, count);
    a.target.executor.provision(a.target.spec, count);
  }

  /** A scheduled action's time came: its count is in force (stored, so a restart keeps it) until the next one or a new Put. */
  private fire(key: string, name: string, count: number): void {
    const a = this.applied.get(key);
    if (a === undefined || this.closed) return;
    a.settings = { ...a.settings, fired: { name, count, at: this.clock() } };
    try {
      this.store.provisioned.setOptions(a.functionId, a.qualifier, JSON.stringify(a.settings));
    } catch (err) {
      console.error(`[provisioned] could not store scheduled action ${name}: ${(err as Error).message}`);
    }
    this.setCount(a, count);
  }

  private release(key: string, a: Applied): void {
    for (const c of a.crons) c.stop();
    this.applied.delete(key);
    if ('error' in a.target) return;
    this.admission.setProvisioned(a.target.key, a.target, 0);
    a.target.executor.provision(a.target.spec, 0);
    this.syncTimers();
  }

  /** Sampling and checking run only while some version tracks utilisation. */
  private syncTimers(): void {
    const tracking = [...this.applied.values()].some((a) => a.tracking !== null);
    if (tracking && this.sampler === null && !this.closed) {
      this.sampler = setInterval(() => this.sample(), SAMPLE_MS);
      this.checker = setInterval(() => this.check(), TRACKING_CHECK_MS);
      this.sampler.unref();
      this.checker.unref();
    } else if (!tracking) {
      this.stopTimers();
    }
  }

  private stopTimers(): void {
    if (this.sampler !== null) clearInterval(this.sampler);
    if (this.checker !== null) clearInterval(this.checker);
    this.sampler = null;
    this.checker = null;
  }

  private sample(): void {
    const inFlight = this.capacity.inFlight();
    for (const a of this.applied.values()) {
      if (a.tracking === null || 'error' in a.target) continue;
      a.peak = Math.max(a.peak, inFlight[a.target.key]?.calls ?? 0);
    }
  }

  /** Every 10 s: each tracking version's count from the peak concurrency since the last check. */
  private check(): void {
    this.sample();
    const now = this.clock();
    for (const a of this.applied.values()) {
      if (a.tracking === null || a.settings.tracking === null) continue;
      const next = decide(a.tracking, a.peak, a.settings.tracking, now);
      a.peak = 0;
      if (next === a.tracking) continue;
      a.tracking = next;
      this.setCount(a, next.current);
    }
  }
}
