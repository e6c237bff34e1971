/**
 * Timer triggers (scf-api.md §3.6, Type `timer`): CreateTrigger,
 * UpdateTrigger, UpdateTriggerStatus, DeleteTrigger. They live in the one
 * trigger table beside HTTP triggers (ListTriggers and GetFunction read
 * them there, core/routing); this module checks and writes the timer ones
 * and tells the scheduler. TriggerDesc is the cron expression (cron.ts),
 * CustomArgument the event's Message. Only event functions take timers.
 * Times (AddTime, ModTime) come from the injected clock: the scheduler
 * reads ModTime as "changed or enabled at".
 */
import type { Store, TriggerRow } from '../../store';
import { optionalString, requiredString } from '../config';
import { ApiError } from '../errors';
import { assertDescription, LATEST, triggerViewOf, type FunctionService, type TriggerView } from '../functions';
import { assertTriggerQualifier, enableOf, MAX_TRIGGERS_PER_TYPE, statusChange, triggerNameOf } from '../routing';
import type { Clock } from '../async';
import { parseCron } from './cron';
import { TIMER, type TimerScheduler } from './scheduler';

/** Longest Message (CustomArgument) of a timer, bytes (the cloud's 4 KB). */
export const MAX_TIMER_MESSAGE_BYTES = 4096;

type Params = Record<string, unknown>;

function messageOf(params: Params): string | undefined {
  const message = optionalString(params, 'CustomArgument', 'InvalidParameterValue.CustomArgument');
  if (message !== undefined && Buffer.byteLength(message) > MAX_TIMER_MESSAGE_BYTES) {
    throw new ApiError('InvalidParameterValue.CustomArgument', `CustomArgument (the timer's message) is ${Buffer.byteLength(message)} bytes; at most ${MAX_TIMER_MESSAGE_BYTES}.`);
  }
  return message;
}

function descriptionOf(params: Params, fallback: string): string {
  const description = optionalString(params, 'Description', 'InvalidParameterValue.Description') ?? fallback;
  assertDescription(description);
  return description;
}

export class TimerTriggerService {
  constructor(
    private readonly store: Store,
    private readonly functions: FunctionService,
    /** The scheduler that fires the triggers (its `fired` count: GET /metrics, tests). */
    readonly scheduler: TimerScheduler,
    private readonly clock: Clock,
  ) {}

  /** CreateTrigger with Type timer. */
  create(namespace: string, name: string, params: Params): TriggerView {
    const triggerName = triggerNameOf(params);
    const descText = requiredString(params, 'TriggerDesc', 'InvalidParameterValue.TriggerDesc');
    parseCron(descText);
    const qualifier = optionalString(params, 'Qualifier', 'InvalidParameterValue.Qualifier') || LATEST;
    const enabled = enableOf(params, true);
    const description = descriptionOf(params, '');
    const message = messageOf(params) ?? '';
    const row = this.store.transaction(() => {
      const { fn, config } = this.functions.get(namespace, name);
      if (config.type !== 'Event') {
        throw new ApiError('InvalidParameterValue.FunctionType', `Function ${name} is a web (HTTP) function; timer triggers invoke event functions.`);
      }
      if (this.store.triggers.get(fn.id, TIMER, triggerName)) throw new ApiError('ResourceInUse.TriggerName', `Function ${name} already has a timer trigger ${triggerName}.`);
      if (this.store.triggers.count(fn.id, TIMER) >= MAX_TRIGGERS_PER_TYPE) {
        throw new ApiError('LimitExceeded.Trigger', `Function ${name} already has the maximum of ${MAX_TRIGGERS_PER_TYPE} timer triggers.`);
      }
      assertTriggerQualifier(this.store, fn.id, name, qualifier);
      const now = this.clock.now();
      const fields = { function_id: fn.id, qualifier, type: TIMER, name: triggerName, trigger_desc: descText, enabled: enabled ? 1 : 0, custom_argument: message, description, add_time: now, mod_time: now };
      return { id: this.store.triggers.insert(fields), ...fields };
    });
    this.scheduler.tick();
    return triggerViewOf(row);
  }

  /** UpdateTrigger: TriggerDesc, Qualifier, Enable, CustomArgument and Description, each when sent. Its schedule starts again from now. */
  update(namespace: string, name: string, params: Params): void {
    const descText = optionalString(params, 'TriggerDesc', 'InvalidParameterValue.TriggerDesc') || undefined;
    if (descText !== undefined) parseCron(descText);
    const message = messageOf(params);
    this.change(namespace, name, params, (current) => ({
      trigger_desc: descText ?? current.trigger_desc,
      qualifier: optionalString(params, 'Qualifier', 'InvalidParameterValue.Qualifier') || current.qualifier,
      enabled: enableOf(params, current.enabled === 1) ? 1 : 0,
      custom_argument: message ?? current.custom_argument,
      description: descriptionOf(params, current.description),
    }));
  }

  /** UpdateTriggerStatus: Enable OPEN / CLOSE; the state it already has is FailedOperation.UpdateTriggerStatus. Times missed while disabled do not fire. */
  updateStatus(namespace: string, name: string, params: Params): void {
    this.change(namespace, name, params, statusChange(params));
  }

  /** DeleteTrigger with Type timer. */
  delete(namespace: string, name: string, params: Params): void {
    this.store.transaction(() => {
      this.store.triggers.delete(this.existing(namespace, name, params).row.id);
    });
    this.scheduler.tick();
  }

  private change(namespace: string, name: string, params: Params, edit: (current: TriggerRow) => Partial<TriggerRow>): void {
    this.store.transaction(() => {
      const { fn, row: current } = this.existing(namespace, name, params);
      const next: TriggerRow = { ...current, ...edit(current), mod_time: this.clock.now() };
      assertTriggerQualifier(this.store, fn.id, name, next.qualifier);
      this.store.triggers.update(next);
    });
    this.scheduler.tick();
  }

  /** The timer trigger the call names; ResourceNotFound.Trigger. Call inside a transaction. */
  private existing(namespace: string, name: string, params: Params): { fn: { id: number }; row: TriggerRow } {
    const triggerName = requiredString(params, 'TriggerName', 'InvalidParameterValue.TriggerName');
    const fn = this.functions.get(namespace, name).fn;
    const row = this.store.triggers.get(fn.id, TIMER, triggerName);
    if (!row) throw new ApiError('ResourceNotFound.Trigger', `Function ${name} has no timer trigger ${triggerName}.`);
    return { fn, row };
  }
}
