/**
 * Repository of triggers (the 0001 `triggers` table). `trigger_desc` is the
 * TriggerDesc text as the caller sent it (validated by the core). Every
 * statement is prepared once.
 */
import type { Db } from './db';

export interface TriggerRow {
  id: number;
  function_id: number;
  qualifier: string;
  type: string;
  name: string;
  trigger_desc: string;
  enabled: number;
  custom_argument: string;
  description: string;
  add_time: number;
  mod_time: number;
}

/** A trigger with its function's namespace and name (building the route table). */
export interface TriggerWithFunction extends TriggerRow {
  namespace: string;
  function_name: string;
}

export class TriggersRepo {
  private readonly getStmt;
  private readonly listStmt;
  private readonly countStmt;
  private readonly ofTypeStmt;
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly deleteStmt;
  private readonly underPrefixStmt;
  private readonly usingQualifierStmt;
  constructor(db: Db) {
    this.getStmt = db.prepare<[number, string, string], TriggerRow>('SELECT * FROM triggers WHERE function_id = ? AND type = ? AND name = ?');
    this.listStmt = db.prepare<[number], TriggerRow>('SELECT * FROM triggers WHERE function_id = ? ORDER BY id');
    this.countStmt = db.prepare<[number, string], { n: number }>('SELECT count(*) AS n FROM triggers WHERE function_id = ? AND type = ?');
    this.ofTypeStmt = db.prepare<[string], TriggerWithFunction>(
      'SELECT t.*, f.namespace AS namespace, f.name AS function_name FROM triggers t JOIN functions f ON f.id = t.function_id WHERE t.type = ? ORDER BY t.id',
    );
    this.insertStmt = db.prepare(
      `INSERT INTO triggers (function_id, qualifier, type, name, trigger_desc, enabled, custom_argument, description, add_time, mod_time)
       VALUES (@function_id, @qualifier, @type, @name, @trigger_desc, @enabled, @custom_argument, @description, @add_time, @mod_time)`,
    );
    this.updateStmt = db.prepare(
      `UPDATE triggers SET qualifier = @qualifier, trigger_desc = @trigger_desc, enabled = @enabled, custom_argument = @custom_argument,
         description = @description, mod_time = @mod_time WHERE id = @id`,
    );
    this.deleteStmt = db.prepare<[number]>('DELETE FROM triggers WHERE id = ?');
    this.usingQualifierStmt = db.prepare<[number, string], { type: string; name: string }>(
      'SELECT type, name FROM triggers WHERE function_id = ? AND qualifier = ? ORDER BY id LIMIT 1',
    );
    this.underPrefixStmt = db.prepare<[{ segment: string }], { name: string }>(
      `SELECT name FROM (SELECT name, json_extract(trigger_desc, '$.api.requestConfig.path') AS path FROM triggers WHERE type = 'apigw')
       WHERE path = '/' || @segment OR substr(path, 1, length(@segment) + 2) = '/' || @segment || '/' LIMIT 1`,
    );
  }
  /** A trigger (of any type) of the function that fires `qualifier` (a version or an alias), if any. */
  usingQualifier(functionId: number, qualifier: string): { type: string; name: string } | undefined {
    return this.usingQualifierStmt.get(functionId, qualifier);
  }
  get(functionId: number, type: string, name: string): TriggerRow | undefined {
    return this.getStmt.get(functionId, type, name);
  }
  /** A function's triggers in creation order. */
  list(functionId: number): TriggerRow[] {
    return this.listStmt.all(functionId);
  }
  count(functionId: number, type: string): number {
    return this.countStmt.get(functionId, type)!.n;
  }
  /** Every trigger of a type, with its function's namespace and name. */
  ofType(type: string): TriggerWithFunction[] {
    return this.ofTypeStmt.all(type);
  }
  /** Inserts a trigger and returns its id. */
  insert(row: Omit<TriggerRow, 'id'>): number {
    return Number(this.insertStmt.run(row).lastInsertRowid);
  }
  update(row: Pick<TriggerRow, 'id' | 'qualifier' | 'trigger_desc' | 'enabled' | 'custom_argument' | 'description' | 'mod_time'>): void {
    this.updateStmt.run(row);
  }
  delete(id: number): void {
    this.deleteStmt.run(id);
  }
  /** The name of an HTTP trigger whose path is `/<segment>` or under `/<segment>/`, if any. */
  httpTriggerUnder(segment: string): string | undefined {
    return this.underPrefixStmt.get({ segment })?.name;
  }
}
