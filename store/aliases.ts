/**
 * Repository of function aliases (the 0001 `aliases` table). The routing
 * configuration is stored as the API's JSON (`{AdditionalVersionWeights,
 * AddtionVersionMatchs}`), read and written whole; the core validates it.
 * Every statement is prepared once.
 */
import type { Db } from './db';

export interface AliasRow {
  function_id: number;
  name: string;
  /** The main version: what a call gets when no weight or rule sends it elsewhere. */
  function_version: string;
  /** JSON `{AdditionalVersionWeights?: [{Version, Weight}], AddtionVersionMatchs?: [{Version, Key, Method, Expression}]}`. */
  routing_config: string;
  description: string;
  add_time: number;
  mod_time: number;
}

export class AliasesRepo {
  private readonly getStmt;
  private readonly listStmt;
  private readonly countStmt;
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly deleteStmt;
  constructor(db: Db) {
    this.getStmt = db.prepare<[number, string], AliasRow>('SELECT * FROM aliases WHERE function_id = ? AND name = ?');
    this.listStmt = db.prepare<[number], AliasRow>('SELECT * FROM aliases WHERE function_id = ? ORDER BY add_time, name');
    this.countStmt = db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM aliases WHERE function_id = ?');
    this.insertStmt = db.prepare(
      `INSERT INTO aliases (function_id, name, function_version, routing_config, description, add_time, mod_time)
       VALUES (@function_id, @name, @function_version, @routing_config, @description, @add_time, @mod_time)`,
    );
    this.updateStmt = db.prepare(
      `UPDATE aliases SET function_version = @function_version, routing_config = @routing_config, description = @description, mod_time = @mod_time
       WHERE function_id = @function_id AND name = @name`,
    );
    this.deleteStmt = db.prepare<[number, string]>('DELETE FROM aliases WHERE function_id = ? AND name = ?');
  }
  get(functionId: number, name: string): AliasRow | undefined {
    return this.getStmt.get(functionId, name);
  }
  /** A function's aliases in creation order. */
  list(functionId: number): AliasRow[] {
    return this.listStmt.all(functionId);
  }
  count(functionId: number): number {
    return this.countStmt.get(functionId)!.n;
  }
  insert(row: AliasRow): void {
    this.insertStmt.run(row);
  }
  /** Rewrites an alias's version, routing and description (its add time stays). */
  update(row: Omit<AliasRow, 'add_time'>): void {
    this.updateStmt.run(row);
  }
  delete(functionId: number, name: string): void {
    this.deleteStmt.run(functionId, name);
  }
}
