/**
 * Repositories for functions and their versions (`$LATEST` and published
 * numbers). Rows mirror the 0001 schema; JSON columns (tags, environment,
 * layers, options) are stored and returned as text — the core parses them.
 * Every statement is prepared once in the constructor.
 */
import type { Db } from './db';

export interface FunctionRow {
  id: number;
  namespace: string;
  name: string;
  /** Public id, `lam-xxxxxxxx`. */
  function_id: string;
  type: 'Event' | 'HTTP';
  async_run_enable: number;
  next_version: number;
  reserved_memory: number | null;
  /** JSON `[{Key, Value}]`. */
  tags: string;
  add_time: number;
  mod_time: number;
}

export type NewFunctionRow = Omit<FunctionRow, 'id'>;

export interface VersionRow {
  function_id: number;
  version: string;
  description: string;
  runtime: string;
  handler: string;
  memory_size: number;
  timeout: number;
  init_timeout: number;
  /** JSON `[{Key, Value}]` in caller order. */
  environment: string;
  /** JSON `[{LayerName, LayerVersion}]` in binding order. */
  layers: string;
  /** JSON object of the remaining per-version options (see core/functions/function-config.ts). */
  options: string;
  code_sha256: string | null;
  status: string;
  add_time: number;
  mod_time: number;
}

/** A version row with the size of its code package (`code_blobs.zip_size`, 0 when none). */
export interface VersionWithCode extends VersionRow {
  code_size: number;
}

/** A function with its `$LATEST` row flattened in, as ListFunctions needs. */
export interface FunctionSummaryRow extends FunctionRow {
  runtime: string;
  description: string;
  status: string;
  /** `options.traceEnable` of `$LATEST` (1/0). */
  trace_enable: number;
  /** Sum of provisioned concurrency targets × memory over versions, MB. */
  provisioned_memory: number;
}

export interface FunctionUsageRow {
  namespace: string;
  name: string;
  reserved_memory: number | null;
  provisioned_memory: number;
}

/** A function with reserved concurrency memory (MB). */
export interface ReservationRow {
  namespace: string;
  name: string;
  reserved_memory: number;
}

export class FunctionsRepo {
  private readonly getStmt;
  private readonly getByIdStmt;
  private readonly insertStmt;
  private readonly deleteStmt;
  private readonly touchStmt;
  private readonly countInNamespaceStmt;
  private readonly summariesStmt;
  private readonly allNamesStmt;
  private readonly setReservedStmt;
  private readonly reservedSumStmt;
  private readonly reservationsStmt;
  private readonly provisionedMemStmt;
  constructor(db: Db) {
    this.getStmt = db.prepare<[string, string], FunctionRow>('SELECT * FROM functions WHERE namespace = ? AND name = ?');
    this.getByIdStmt = db.prepare<[number], FunctionRow>('SELECT * FROM functions WHERE id = ?');
    this.insertStmt = db.prepare(
      `INSERT INTO functions (namespace, name, function_id, type, async_run_enable, next_version, reserved_memory, tags, add_time, mod_time)
       VALUES (@namespace, @name, @function_id, @type, @async_run_enable, @next_version, @reserved_memory, @tags, @add_time, @mod_time)`,
    );
    this.deleteStmt = db.prepare('DELETE FROM functions WHERE id = ?');
    this.touchStmt = db.prepare('UPDATE functions SET mod_time = ? WHERE id = ?');
    this.countInNamespaceStmt = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM functions WHERE namespace = ?');
    this.summariesStmt = db.prepare<[string], FunctionSummaryRow>(
      `SELECT f.*, v.runtime AS runtime, v.description AS description, v.status AS status,
              coalesce(json_extract(v.options, '$.traceEnable'), 0) AS trace_enable,
              coalesce((SELECT sum(p.target * pv.memory_size) FROM provisioned_concurrency p
                        JOIN function_versions pv ON pv.function_id = p.function_id AND pv.version = p.qualifier
                        WHERE p.function_id = f.id), 0) AS provisioned_memory
       FROM functions f JOIN function_versions v ON v.function_id = f.id AND v.version = '$LATEST'
       WHERE f.namespace = ? ORDER BY f.id`,
    );
    this.allNamesStmt = db.prepare<[], FunctionUsageRow>(
      `SELECT f.namespace, f.name, f.reserved_memory,
              coalesce((SELECT sum(p.target * pv.memory_size) FROM provisioned_concurrency p
                        JOIN function_versions pv ON pv.function_id = p.function_id AND pv.version = p.qualifier
                        WHERE p.function_id = f.id), 0) AS provisioned_memory
       FROM functions f ORDER BY f.namespace, f.id`,
    );
    this.setReservedStmt = db.prepare<[number | null, number, number]>('UPDATE functions SET reserved_memory = ?, mod_time = ? WHERE id = ?');
    this.reservedSumStmt = db.prepare<[number], { n: number }>('SELECT coalesce(sum(reserved_memory), 0) AS n FROM functions WHERE id != ?');
    this.reservationsStmt = db.prepare<[], ReservationRow>('SELECT namespace, name, reserved_memory FROM functions WHERE reserved_memory IS NOT NULL');
    this.provisionedMemStmt = db.prepare<[number], { n: number }>(
      `SELECT coalesce(sum(p.target * v.memory_size), 0) AS n FROM provisioned_concurrency p
       JOIN function_versions v ON v.function_id = p.function_id AND v.version = p.qualifier WHERE p.function_id = ?`,
    );
  }
  get(namespace: string, name: string): FunctionRow | undefined {
    return this.getStmt.get(namespace, name);
  }
  getById(id: number): FunctionRow | undefined {
    return this.getByIdStmt.get(id);
  }
  /** Inserts a function and returns its row id. */
  insert(row: NewFunctionRow): number {
    return Number(this.insertStmt.run(row).lastInsertRowid);
  }
  /** Deletes a function; its versions, aliases, triggers and provisioned settings go with it (ON DELETE CASCADE). */
  delete(id: number): void {
    this.deleteStmt.run(id);
  }
  touch(id: number, now: number): void {
    this.touchStmt.run(now, id);
  }
  countInNamespace(namespace: string): number {
    return this.countInNamespaceStmt.get(namespace)!.n;
  }
  /** Every function of a namespace with its `$LATEST` runtime/description/status, in creation order. */
  summaries(namespace: string): FunctionSummaryRow[] {
    return this.summariesStmt.all(namespace);
  }
  /** Namespace, name, reserved and provisioned memory of every function (account usage). */
  allNames(): FunctionUsageRow[] {
    return this.allNamesStmt.all();
  }
  /** Sets (or with null clears) a function's reserved concurrency memory, MB, and its mod time. */
  setReservedMemory(id: number, mb: number | null, now: number): void {
    this.setReservedStmt.run(mb, now, id);
  }
  /** Σ reserved concurrency memory, MB, over every function except `exceptId` (all of them when omitted). */
  reservedMemorySum(exceptId = -1): number {
    return this.reservedSumStmt.get(exceptId)!.n;
  }
  /** Every function that has reserved concurrency memory. */
  reservations(): ReservationRow[] {
    return this.reservationsStmt.all();
  }
  /** Σ provisioned concurrency target × version memory over a function's versions, MB. */
  provisionedMemory(id: number): number {
    return this.provisionedMemStmt.get(id)!.n;
  }
}

export class VersionsRepo {
  private readonly getStmt;
  private readonly listStmt;
  private readonly insertStmt;
  private readonly updateConfigStmt;
  private readonly updateCodeStmt;
  private readonly deleteStmt;
  private readonly aliasUsingStmt;
  private readonly provisionedUsingStmt;
  private readonly claimNumberStmt;
  constructor(db: Db) {
    this.getStmt = db.prepare<[number, string], VersionWithCode>(
      `SELECT v.*, coalesce(b.zip_size, 0) AS code_size FROM function_versions v
       LEFT JOIN code_blobs b ON b.sha256 = v.code_sha256 WHERE v.function_id = ? AND v.version = ?`,
    );
    this.listStmt = db.prepare<[number], VersionWithCode>(
      `SELECT v.*, coalesce(b.zip_size, 0) AS code_size FROM function_versions v
       LEFT JOIN code_blobs b ON b.sha256 = v.code_sha256 WHERE v.function_id = ?
       ORDER BY CASE v.version WHEN '$LATEST' THEN 0 ELSE 1 END, CAST(v.version AS INTEGER)`,
    );
    this.insertStmt = db.prepare(
      `INSERT INTO function_versions (function_id, version, description, runtime, handler, memory_size, timeout, init_timeout,
         environment, layers, options, code_sha256, status, add_time, mod_time)
       VALUES (@function_id, @version, @description, @runtime, @handler, @memory_size, @timeout, @init_timeout,
         @environment, @layers, @options, @code_sha256, @status, @add_time, @mod_time)`,
    );
    this.updateConfigStmt = db.prepare(
      `UPDATE function_versions SET description = @description, memory_size = @memory_size, timeout = @timeout,
         init_timeout = @init_timeout, environment = @environment, layers = @layers, options = @options, mod_time = @mod_time
       WHERE function_id = @function_id AND version = @version`,
    );
    this.updateCodeStmt = db.prepare(
      `UPDATE function_versions SET handler = @handler, code_sha256 = @code_sha256, mod_time = @mod_time
       WHERE function_id = @function_id AND version = @version`,
    );
    this.deleteStmt = db.prepare('DELETE FROM function_versions WHERE function_id = ? AND version = ?');
    this.aliasUsingStmt = db.prepare<[number, string, string, string], { name: string }>(
      `SELECT a.name FROM aliases a WHERE a.function_id = ? AND (a.function_version = ? OR EXISTS (
         SELECT 1 FROM json_each(a.routing_config, '$.AdditionalVersionWeights') w WHERE json_extract(w.value, '$.Version') = ?
         UNION ALL
         SELECT 1 FROM json_each(a.routing_config, '$.AddtionVersionMatchs') m WHERE json_extract(m.value, '$.Version') = ?))
       LIMIT 1`,
    );
    this.provisionedUsingStmt = db.prepare<[number, string], { target: number }>(
      'SELECT target FROM provisioned_concurrency WHERE function_id = ? AND qualifier = ?',
    );
    // RETURNING the pre-increment value: the number handed out is never handed out again, even after a delete.
    this.claimNumberStmt = db.prepare<[number], { n: number }>(
      'UPDATE functions SET next_version = next_version + 1 WHERE id = ? RETURNING next_version - 1 AS n',
    );
  }
  get(functionId: number, version: string): VersionWithCode | undefined {
    return this.getStmt.get(functionId, version);
  }
  /** `$LATEST` first, then published versions in number order. */
  list(functionId: number): VersionWithCode[] {
    return this.listStmt.all(functionId);
  }
  insert(row: VersionRow): void {
    this.insertStmt.run(row);
  }
  /** Rewrites the editable configuration columns of one version (runtime, handler and code are left alone). */
  updateConfig(
    row: Pick<VersionRow, 'function_id' | 'version' | 'description' | 'memory_size' | 'timeout' | 'init_timeout' | 'environment' | 'layers' | 'options' | 'mod_time'>,
  ): void {
    this.updateConfigStmt.run(row);
  }
  /** Points one version at new code (and handler). */
  updateCode(row: Pick<VersionRow, 'function_id' | 'version' | 'handler' | 'code_sha256' | 'mod_time'>): void {
    this.updateCodeStmt.run(row);
  }
  delete(functionId: number, version: string): void {
    this.deleteStmt.run(functionId, version);
  }
  /** Name of an alias routing to `version` (directly, by weight or by rule), if any. */
  aliasUsing(functionId: number, version: string): string | undefined {
    return this.aliasUsingStmt.get(functionId, version, version, version)?.name;
  }
  /** True when `version` has a provisioned concurrency setting. */
  hasProvisioned(functionId: number, version: string): boolean {
    return this.provisionedUsingStmt.get(functionId, version) !== undefined;
  }
  /** Takes the function's next version number (1, 2, …; never reused). Call inside the transaction that inserts the version. */
  claimNumber(functionId: number): number {
    return this.claimNumberStmt.get(functionId)!.n;
  }
}
