/**
 * The store's face: one SQLite database (better-sqlite3, WAL) plus the
 * content-addressed code tree on disk. Repositories prepare their statements
 * once; callers group writes with `store.transaction(fn)` (synchronous: never
 * await inside it).
 */
import { openDatabase, type Db } from './db';
import { CredentialsRepo } from './credentials';
import { NamespacesRepo } from './namespaces';
import { FunctionsRepo, VersionsRepo } from './functions';
import { AliasesRepo } from './aliases';
import { LayersRepo } from './layers';
import { TriggersRepo } from './triggers';
import { ProvisionedRepo } from './provisioned';
import { SettingsRepo } from './settings';
import { LogsRepo } from './logs';
import { MetricsRepo } from './metrics';
import { CodeStore, type CodeStoreLimits } from './code-store';

export type { Db } from './db';
export type { CredentialRow } from './credentials';
export type { NamespaceRow } from './namespaces';
export type { AliasRow } from './aliases';
export type { LayerVersionRow, LayerVersionWithSize } from './layers';
export type { TriggerRow, TriggerWithFunction } from './triggers';
export type { ProvisionedRow, ProvisionedWithFunction } from './provisioned';
export type { FunctionRow, NewFunctionRow, VersionRow, VersionWithCode, FunctionSummaryRow, FunctionUsageRow } from './functions';
export * from './logs';
export type { MetricsRepo, MinuteRecord, MinuteQuery } from './metrics';
export type { CodePackage, CodeStoreLimits, PutOptions } from './code-store';
export * from './queue';
export { isStoreError, StoreError, STORE_ERROR_CODES, type StoreErrorCode } from './errors';

export class Store {
  readonly db: Db;
  readonly settings: SettingsRepo;
  readonly credentials: CredentialsRepo;
  readonly namespaces: NamespacesRepo;
  readonly functions: FunctionsRepo;
  readonly versions: VersionsRepo;
  readonly aliases: AliasesRepo;
  readonly layers: LayersRepo;
  readonly triggers: TriggersRepo;
  readonly provisioned: ProvisionedRepo;
  readonly code: CodeStore;
  readonly logs: LogsRepo;
  readonly metrics: MetricsRepo;
  private closed = false;

  constructor(
    readonly dataDir: string,
    codeLimits: CodeStoreLimits,
  ) {
    this.db = openDatabase(dataDir);
    this.settings = new SettingsRepo(this.db);
    this.credentials = new CredentialsRepo(this.db);
    this.namespaces = new NamespacesRepo(this.db);
    this.functions = new FunctionsRepo(this.db);
    this.versions = new VersionsRepo(this.db);
    this.aliases = new AliasesRepo(this.db);
    this.layers = new LayersRepo(this.db);
    this.triggers = new TriggersRepo(this.db);
    this.provisioned = new ProvisionedRepo(this.db);
    this.code = new CodeStore(dataDir, this.db, codeLimits);
    this.logs = new LogsRepo(this.db);
    this.metrics = new MetricsRepo(this.db);
  }

  /**
   * Runs `fn` in one synchronous transaction; a throw rolls every write back.
   * BEGIN IMMEDIATE: the log writer thread writes the same file, and a deferred
   * transaction that reads first and then writes fails at once with
   * SQLITE_BUSY when that thread committed in between (no busy wait can help
   * a stale snapshot) — CreateFunction answered InternalError so under load.
   */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** Closes the database (idempotent). WAL content is checkpointed by SQLite on close. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}

export function openStore(dataDir: string, codeLimits: CodeStoreLimits): Store {
  return new Store(dataDir, codeLimits);
}
