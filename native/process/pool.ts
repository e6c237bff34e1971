/**
 * The instances of one version key: a warm idle instance is reused (the most
 * recently used first), else a new one is cold-started — one invocation per
 * instance at a time, so N parallel calls make N instances. Idle instances
 * are reclaimed after the keep-alive. A version whose instances keep dying
 * (start failures, exits) is started again only after native's RestartPolicy
 * back-off, so a crash-looping function cannot spin the machine.
 *
 * Spares (`spares` > 0, the runtimes where a cold start is long: Java): once
 * a version has traffic, the pool keeps that many instances started ahead —
 * after a cold start, and whenever a call takes the last idle instance, one
 * more starts in the background (never alongside a cold start a caller is
 * waiting for, never during the crash back-off). The next concurrent call
 * then finds it warm instead of paying the start. A spare is an ordinary idle
 * instance: reclaimed after the keep-alive like any other.
 *
 * Provisioned instances (`provision`, the shared `Provisioning`): that many
 * are started ahead of any call, never reclaimed for idling (the reclaim
 * skips an instance while the pool is not above that count), and replaced
 * when one dies. Spares and provisioned instances start through the same
 * `startAhead`.
 */
import type { EventCall, ExecutorOutcome, InstanceCounts, ProvisionProgress, VersionSpec } from '../../executor';
import { RestartPolicy } from '../supervision';
import { ProcessInstance, type Ending, type InstanceDeps } from './instance';
import { Provisioning } from './provisioning';

export class Pool {
  readonly instances = new Set<ProcessInstance>();
  private idle: ProcessInstance[] = [];
  private readonly reclaimTimers = new Map<ProcessInstance, NodeJS.Timeout>();
  private readonly crashes = new RestartPolicy({ windowMs: 5000, maxExits: 3, backoffMs: 500 });
  private startAfter = 0;
  /** Spares being started now. */
  private sparesStarting = 0;
  private stopped = false;
  private readonly provisioning = new Provisioning({
    size: () => this.instances.size,
    backoffUntil: () => this.startAfter,
    startOne: () => new Promise((resolve) => {
      this.startAhead((started, inst) => {
        if ('coldStart' in started) {
          this.release(inst);
          resolve(null);
          return;
        }
        this.crashed();
        resolve(started.failed.errorMessage ?? started.failed.kind);
      });
    }),
  });

  constructor(private readonly spec: VersionSpec, private readonly deps: InstanceDeps, private readonly keepAliveMs: number, private readonly spares = 0) {}

  /** Runs `call` on a warm instance or a new one. Never rejects. */
  async invoke(call: EventCall, signal?: AbortSignal): Promise<ExecutorOutcome> {
    const t0 = performance.now();
    if (signal?.aborted) return this.ended(call, t0, { kind: 'canceled', errorMessage: 'the caller went away before the call ran' });
    const warm = this.takeIdle();
    if (warm !== null) {
      if (this.idle.length === 0) this.topUpSpares();
      return this.finish(warm, await warm.run(call, signal, undefined));
    }
    const wait = this.startAfter - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const inst = new ProcessInstance(this.spec, this.deps, (i) => this.gone(i));
    this.instances.add(inst);
    const starting = inst.start();
    const aborted = signal === undefined ? null : new Promise<'aborted'>((r) => signal.addEventListener('abort', () => r('aborted'), { once: true }));
    const started = await (aborted === null ? starting : Promise.race([starting, aborted]));
    if (started === 'aborted') {
      // The caller left during the cold start: the instance finishes starting and waits warm for the next call.
      void starting.then((s) => { if ('coldStart' in s) this.release(inst); });
      return this.ended(call, t0, { kind: 'canceled', errorMessage: 'the caller went away during the cold start' });
    }
    if ('failed' in started) {
      this.crashed();
      return { ...this.ended(call, t0, started.failed), logs: inst.takeLogs(call.requestId), instanceId: inst.id };
    }
    const outcome = inst.run(call, signal, started.coldStart);
    this.topUpSpares();
    return this.finish(inst, await outcome);
  }

  /** After a call: a process that exited counts toward the back-off; the instance goes back idle if it can. */
  private finish(inst: ProcessInstance, outcome: ExecutorOutcome): ExecutorOutcome {
    if (outcome.kind === 'process_exit') this.crashed();
    this.release(inst);
    return outcome;
  }

  /** Starts spares in the background until `spares` are idle or starting (see the class comment). */
  private topUpSpares(): void {
    while (!this.stopped && this.spares > 0 && this.idle.length + this.sparesStarting < this.spares && Date.now() >= this.startAfter) {
      this.sparesStarting++;
      this.startAhead((started, inst) => {
        this.sparesStarting--;
        if ('coldStart' in started) this.release(inst);
        else this.crashed();
      });
    }
  }

  /** Starts an instance no call waits for (a spare, a provisioned one); `then` gets how its start ended. */
  private startAhead(then: (started: Awaited<ReturnType<ProcessInstance['start']>>, inst: ProcessInstance) => void): void {
    const inst = new ProcessInstance(this.spec, this.deps, (i) => this.gone(i));
    this.instances.add(inst);
    void inst.start().then((started) => then(started, inst));
  }

  /** Hands an instance that is idle (after a call, or a start nobody waited for) to the next call; arms its reclaim. */
  release(inst: ProcessInstance): void {
    if (inst.state !== 'idle') return;
    this.idle.push(inst);
    const timer = setTimeout(() => {
      this.reclaimTimers.delete(inst);
      if (inst.state !== 'idle') return;
      if (this.instances.size <= this.provisioning.target) { this.idle = this.idle.filter((i) => i !== inst); this.release(inst); return; }
      this.idle = this.idle.filter((i) => i !== inst);
      inst.state = 'dead';
      this.gone(inst);
      void inst.dispose();
    }, this.keepAliveMs);
    timer.unref();
    this.reclaimTimers.set(inst, timer);
  }

  /** Keeps `count` provisioned instances (0 = none); the missing ones start now. */
  provision(count: number): void {
    this.provisioning.set(count);
  }

  provisioned(): ProvisionProgress {
    let ready = 0;
    for (const i of this.instances) if (i.state === 'idle' || i.state === 'busy') ready++;
    return this.provisioning.progress(ready);
  }

  counts(): InstanceCounts {
    let busy = 0;
    let idle = 0;
    for (const i of this.instances) {
      if (i.state === 'idle') idle++;
      else if (i.state !== 'dead') busy++;
    }
    return { busy, idle };
  }

  /** Stops every instance (SIGTERM, SIGKILL after `killAfterMs`) and waits for their cleanup. */
  async stopAll(killAfterMs: number): Promise<void> {
    this.provision(0);
    this.stopped = true;
    await Promise.all([...this.instances].map((i) => i.dispose(killAfterMs)));
  }

  /** Ends every call in flight as internal and kills every instance now. */
  killAll(message: string): void {
    this.provision(0);
    this.stopped = true;
    for (const i of [...this.instances]) i.abort('internal', message);
  }

  private takeIdle(): ProcessInstance | null {
    while (this.idle.length > 0) {
      const inst = this.idle.pop()!;
      const timer = this.reclaimTimers.get(inst);
      if (timer !== undefined) { clearTimeout(timer); this.reclaimTimers.delete(inst); }
      if (inst.state === 'idle') return inst;
    }
    return null;
  }

  private crashed(): void {
    const delay = this.crashes.exited();
    if (delay > 0) this.startAfter = Date.now() + delay;
  }

  private gone(inst: ProcessInstance): void {
    this.instances.delete(inst);
    const timer = this.reclaimTimers.get(inst);
    if (timer !== undefined) { clearTimeout(timer); this.reclaimTimers.delete(inst); }
    this.provisioning.lost();
  }

  private ended(call: EventCall, t0: number, end: Ending): ExecutorOutcome {
    const { memUsageBytes, ...rest } = end;
    return { ...rest, logs: [], durationMs: performance.now() - t0, memUsageBytes: memUsageBytes ?? 0, instanceId: '' };
  }
}
