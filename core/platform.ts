import fs from 'node:fs';
import path from 'node:path';
import { createProcessExecutor, createSandbox, createWebExecutor } from '../native';
import { createIsolateRuntime } from '../runtime';
import { openStore, SqliteEventQueue, type Store } from '../store';
import { ASYNC_RUN_MAX_MS, AsyncService, systemClock, type AsyncQueueStats, type Clock } from './async';
import { ensureIdentity, NamespaceService, type AccountIdentity } from './account';
import { AdmissionController, CapacityOwner, ConcurrencyService } from './capacity';
import type { PlatformConfig } from './config';
import { AliasService, deploySampleOnce, FunctionService, LayerService, RUNTIMES, VersionService } from './functions';
import { ApigwInvocationService, AsyncInvocationRunner, EventInvocationService, Executors, executorTable, HttpInvocationService, InvocationPipeline, Targets } from './invoke';
import { LogService, MetricsService, WebSocketCounters } from './observe';
import { ProvisionedAdmission, ProvisionedService } from './provisioning';
import { TriggerService, VersionResolver } from './routing';
import { TimerScheduler, TimerTriggerService } from './timers';

/**
 * Everything behind the gateway: the store and the services the control API
 * and data plane call. Built once per process by `startPlatform`.
 */
export interface Platform {
  readonly config: Readonly<PlatformConfig>;
  readonly store: Store;
  readonly identity: AccountIdentity;
  readonly startedAt: number;
  readonly namespaces: NamespaceService;
  readonly functions: FunctionService;
  /** Published versions: PublishVersion, ListVersionByFunction, DeleteFunctionVersion. */
  readonly versions: VersionService;
  /** Aliases: CreateAlias, UpdateAlias, GetAlias, ListAliases, DeleteAlias (routing itself is core/routing's). */
  readonly aliases: AliasService;
  /** Layers: PublishLayerVersion, ListLayers, ListLayerVersions, GetLayerVersion, DeleteLayerVersion. */
  readonly layers: LayerService;
  /** HTTP (apigw) triggers: their actions and the one route table the data plane matches. */
  readonly triggers: TriggerService;
  /** Concurrency admission on the request path (account quota, reserved quotas, burst). */
  readonly admission: AdmissionController;
  /** Reserved and total concurrency quotas (the Concurrency actions); keeps `admission` current. */
  readonly concurrency: ConcurrencyService;
  /** Provisioned concurrency: the Put/Get/DeleteProvisionedConcurrencyConfig actions; keeps the executors' provisioned instances in step. */
  readonly provisioned: ProvisionedService;
  /** Per-invocation log records (batched writes) and their queries. */
  readonly logs: LogService;
  /** Per-minute function metrics (in memory, rolled up to the store) and the /metrics exposition. */
  readonly metrics: MetricsService;
  /** The executors that run user code (the isolate runtime; later the subprocess runners), chosen per runtime by `EXECUTOR_OF`. */
  readonly executors: Executors;
  /** Synchronous invocation (Invoke / InvokeFunction). */
  readonly invocations: EventInvocationService;
  /** HTTP invocation of web functions (the data plane's core half; the gateway's gateway/http calls it). */
  readonly http: HttpInvocationService;
  /** Calls through HTTP triggers: which version a trigger leads to, and event functions run with the integration-request event. */
  readonly apigw: ApigwInvocationService;
  /** WebSocket counters the gateway keeps (GET /metrics). */
  readonly webSockets: WebSocketCounters;
  /** Async invocation: the durable queue, its consumer, event statuses, retry policies, dead letters. */
  readonly async: AsyncService;
  /** Timer triggers: their actions (CreateTrigger… with Type timer); the scheduler fires them into the async queue. */
  readonly timers: TimerTriggerService;
  /** Flushes pending writes and closes the store; idempotent. */
  close(): Promise<void>;
}

export interface StartedPlatform {
  platform: Platform;
  /** True when this start created the data directory's credentials. */
  createdCredentials: boolean;
}

/** What tests may replace: the clock of the async queue and the timer scheduler (so back-offs and schedules run without waiting) and the jitter. */
export interface PlatformDeps {
  clock?: Clock;
  random?: () => number;
}

/** Composition root of the core: opens the data directory and wires services. */
export async function startPlatform(config: Readonly<PlatformConfig>, deps: PlatformDeps = {}): Promise<StartedPlatform> {
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const store = openStore(config.dataDir, {
    maxUnpackedBytes: config.maxUnpackedBytes,
    maxFiles: config.maxPackageFiles,
    maxCompressionRatio: config.maxCompressionRatio,
  });
  const { identity, created } = ensureIdentity(store, config.dataDir);
  const namespaces = new NamespaceService(store, config);
  namespaces.ensureDefault();
  const functions = new FunctionService(store, config, namespaces);
  const admission = new AdmissionController({
    accountMb: config.accountConcurrencyMb,
    floorMb: config.unreservedFloorMb,
    burstPerMinute: config.burstPerMinute,
  });
  const concurrency = new ConcurrencyService(store, config, namespaces, functions, admission);
  sweepCode(store);
  const logs = new LogService(store.logs, {
    flushIntervalMs: config.logFlushIntervalMs,
    retentionMs: config.logRetentionMs,
    persist: config.invocationLogs,
  });
  let executors: Executors;
  try {
    const isolate = await createIsolateRuntime({
      hosts: config.isolateHosts,
      dataDir: config.dataDir,
      keepAliveMs: config.instanceKeepAliveMs,
      // Instances added under dynamic concurrency spend scale-out tokens, like cold starts (spec §3, burst).
      scaleOut: () => admission.admitScaleOut(),
    });
    const { processes, web } = await startProcessExecutor(config, identity).catch((err: unknown) => { isolate.destroy(); throw err; });
    executors = new Executors({ isolate, process: processes, web }, executorTable({ nodejs: config.nodejsExecutor }));
  } catch (err) {
    logs.close();
    concurrency.close();
    store.close();
    throw err;
  }
  const webSockets = new WebSocketCounters();
  const metrics = new MetricsService(store.metrics, {
    retentionMs: config.metricsRetentionMs,
    maxSeries: config.metricsMaxSeries,
    executorStats: () => executors.stats(),
    admissionStats: () => admission.stats(),
    logStats: () => logs.stats(),
    webSocketStats: () => webSockets,
    // Read at scrape time, when asyncService (built below) exists.
    asyncStats: (): AsyncQueueStats => asyncService.stats(),
  });
  const resolver = new VersionResolver(store, functions);
  const targets = new Targets(executors, identity, config.region);
  // Provisioned instances hold their memory of the quota; the capacity owner's leases for them are covered by that hold.
  const provisionedAdmission = new ProvisionedAdmission(admission);
  const capacity = new CapacityOwner(provisionedAdmission);
  const pipeline = new InvocationPipeline({ capacity, logs, metrics });
  const provisioned = new ProvisionedService(store, functions, resolver, targets, capacity, concurrency, provisionedAdmission);
  const invocations = new EventInvocationService(resolver, targets, pipeline);
  const http = new HttpInvocationService(resolver, targets, pipeline, functions);
  const asyncService = new AsyncService(
    new SqliteEventQueue(config.dataDir, { maxPerFunction: config.asyncQueueMaxEvents }),
    functions,
    resolver,
    new AsyncInvocationRunner(targets, pipeline, ASYNC_RUN_MAX_MS),
    deps.clock ?? systemClock,
    {
      maxPerFunction: config.asyncQueueMaxEvents,
      maxInFlight: config.asyncMaxInFlight,
      pollMs: 1000,
      leaseMarginMs: config.asyncLeaseMarginMs,
      statusRetentionMs: 3 * 24 * 60 * 60 * 1000,
      untracedStatusRetentionMs: 60 * 60 * 1000,
      graceShutdownMs: config.asyncGraceShutdownMs,
      baseMs: config.asyncRetryBaseMs,
      maxMs: 5 * 60 * 1000,
      throttleBaseMs: 200,
      throttleMaxMs: 10_000,
      random: deps.random ?? Math.random,
    },
  );
  const clock = deps.clock ?? systemClock;
  const scheduler = new TimerScheduler(store, asyncService, clock);
  if (config.deploySample) await deploySampleOnce(store, functions);

  let closing: Promise<void> | undefined;
  const platform: Platform = {
    config,
    store,
    identity,
    startedAt: Date.now(),
    namespaces,
    functions,
    versions: new VersionService(store, functions),
    aliases: new AliasService(store, functions),
    layers: new LayerService(store, config),
    triggers: new TriggerService(store, functions),
    admission,
    concurrency,
    provisioned,
    logs,
    metrics,
    executors,
    invocations,
    http,
    apigw: new ApigwInvocationService(resolver, targets, pipeline),
    webSockets,
    async: asyncService,
    timers: new TimerTriggerService(store, functions, scheduler, clock),
    close() {
      closing ??= (async () => {
        scheduler.stop();
        // The consumer stops leasing at once; its running events end with the executors and are settled before the queue closes.
        const asyncClosed = asyncService.close();
        provisioned.close();
        // In-flight invocations finish (or fail) before their log records are flushed.
        await executors.close();
        await asyncClosed;
        logs.close();
        metrics.close();
        concurrency.close();
        store.close();
      })();
      return closing;
    },
  };
  asyncService.start();
  scheduler.start();
  // Provisioned instances of every stored setting start in the background: warm again after a restart.
  provisioned.start();
  return { platform, createdCredentials: created };
}

/**
 * The subprocess runners: first what a previous server on this data dir left
 * running (a crash, kill -9) is reaped, then the executors start (event
 * functions, and web functions started by scf_bootstrap, on one sandbox);
 * the sandbox's and the web executor's lines say what isolation applies.
 */
async function startProcessExecutor(config: Readonly<PlatformConfig>, identity: AccountIdentity) {
  const sandbox = createSandbox({ dataDir: config.dataDir });
  const reaped = await sandbox.reapStale();
  console.log(`[platform] ${sandbox.describe()}`);
  if (reaped > 0) console.log(`[platform] reaped ${reaped} process(es) a previous server left running`);
  const platform = { region: config.region, appId: identity.appId, uin: identity.uin };
  const web = createWebExecutor({ sandbox, platform, keepAliveMs: config.instanceKeepAliveMs });
  console.log(`[platform] ${web.describe()}`);
  const processes = createProcessExecutor({
    sandbox,
    platform,
    keepAliveMs: config.instanceKeepAliveMs,
    binaries: { python: config.pythonPath },
    cacheDir: path.join(config.dataDir, 'runtimes'),
  });
  console.log(`[platform] ${processes.describeNetwork()}`);
  reportRuntimes(processes.availability());
  return { processes, web };
}

/**
 * Says at start which subprocess runtimes this host can run and why not the
 * others, by catalogue name: "Php7, Php7.2, Php7.4, Php8.0: php not found in PATH".
 */
function reportRuntimes(availability: ReadonlyArray<{ family: string; reason: string | null }>): void {
  const names = (family: string): string => [...RUNTIMES.values()].filter((r) => r.family === family).map((r) => r.name).join(', ');
  const ok = availability.filter((r) => r.reason === null).map((r) => names(r.family));
  console.log(`[platform] subprocess runtimes available: ${ok.join(', ') || 'none'}`);
  for (const r of availability) {
    if (r.reason !== null) console.log(`[platform] not available on this host: ${names(r.family)}: ${r.reason}`);
  }
}

/**
 * Removes code packages no row references (left by a crash between unzip and
 * commit, or by deleted functions). A failed sweep only wastes disk, so it is
 * reported and start-up goes on.
 */
function sweepCode(store: Store): void {
  try {
    store.layers.purgeDeleted(); // deleted layer versions no function binds any more: their packages can go too
    store.code.sweep();
  } catch (err) {
    console.warn(`[platform] code sweep failed: ${(err as Error).message}`);
  }
}
