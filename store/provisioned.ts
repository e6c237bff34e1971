/**
 * Repository of provisioned concurrency settings (the 0001
 * `provisioned_concurrency` table): one row per published version that has
 * one. `target` is the static count (VersionProvisionedConcurrencyNum);
 * `options` holds the rest as JSON — scheduled actions, utilisation
 * tracking, and the count a scheduled action last set — read and written
 * whole; the core validates it. Rows go with their function (ON DELETE
 * CASCADE). Every statement is prepared once.
 */
import type { Db } from './db';

export interface ProvisionedRow {
  function_id: number;
  /** The published version ('1', '2', …). */
  qualifier: string;
  target: number;
  options: string;
  mod_time: number;
}

/** A row with its function's identity, for restoring every setting at start-up. */
export interface ProvisionedWithFunction extends ProvisionedRow {
  namespace: string;
  function_name: string;
}

export class ProvisionedRepo {
  private readonly getStmt;
  private readonly listStmt;
  private readonly listAllStmt;
  private readonly upsertStmt;
  private readonly deleteStmt;
  private readonly setOptionsStmt;
  constructor(db: Db) {
    this.getStmt = db.prepare<[number, string], ProvisionedRow>('SELECT * FROM provisioned_concurrency WHERE function_id = ? AND qualifier = ?');
    this.listStmt = db.prepare<[number], ProvisionedRow>(
      'SELECT * FROM provisioned_concurrency WHERE function_id = ? ORDER BY CAST(qualifier AS INTEGER)',
    );
    this.listAllStmt = db.prepare<[], ProvisionedWithFunction>(
      `SELECT p.*, f.namespace AS namespace, f.name AS function_name FROM provisioned_concurrency p
       JOIN functions f ON f.id = p.function_id ORDER BY p.function_id, CAST(p.qualifier AS INTEGER)`,
    );
    this.upsertStmt = db.prepare(
      `INSERT INTO provisioned_concurrency (function_id, qualifier, target, options, mod_time)
       VALUES (@function_id, @qualifier, @target, @options, @mod_time)
       ON CONFLICT (function_id, qualifier) DO UPDATE SET target = excluded.target, options = excluded.options, mod_time = excluded.mod_time`,
    );
    this.deleteStmt = db.prepare<[number, string]>('DELETE FROM provisioned_concurrency WHERE function_id = ? AND qualifier = ?');
    this.setOptionsStmt = db.prepare<[string, number, string]>('UPDATE provisioned_concurrency SET options = ? WHERE function_id = ? AND qualifier = ?');
  }
  get(functionId: number, qualifier: string): ProvisionedRow | undefined {
    return this.getStmt.get(functionId, qualifier);
  }
  /** A function's settings in version order. */
  list(functionId: number): ProvisionedRow[] {
    return this.listStmt.all(functionId);
  }
  /** Every setting of every function (start-up). */
  listAll(): ProvisionedWithFunction[] {
    return this.listAllStmt.all();
  }
  /** Creates or replaces the setting of one version. */
  put(row: ProvisionedRow): void {
    this.upsertStmt.run(row);
  }
  /** Rewrites the options alone (a scheduled action fired); its mod_time stays. */
  setOptions(functionId: number, qualifier: string, options: string): void {
    this.setOptionsStmt.run(options, functionId, qualifier);
  }
  delete(functionId: number, qualifier: string): boolean {
    return this.deleteStmt.run(functionId, qualifier).changes > 0;
  }
}
