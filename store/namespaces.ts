import type { Db } from './db';

export interface NamespaceRow {
  name: string;
  description: string;
  type: string;
  add_time: number;
  mod_time: number;
}

export class NamespacesRepo {
  private readonly getStmt;
  private readonly listStmt;
  private readonly countStmt;
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly deleteStmt;
  private readonly functionCountStmt;
  constructor(db: Db) {
    this.getStmt = db.prepare<[string], NamespaceRow>('SELECT * FROM namespaces WHERE name = ?');
    this.listStmt = db.prepare<[number, number], NamespaceRow>('SELECT * FROM namespaces ORDER BY add_time, name LIMIT ? OFFSET ?');
    this.countStmt = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM namespaces');
    this.insertStmt = db.prepare(
      'INSERT INTO namespaces (name, description, type, add_time, mod_time) VALUES (@name, @description, @type, @add_time, @mod_time)',
    );
    this.updateStmt = db.prepare('UPDATE namespaces SET description = ?, mod_time = ? WHERE name = ?');
    this.deleteStmt = db.prepare('DELETE FROM namespaces WHERE name = ?');
    this.functionCountStmt = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM functions WHERE namespace = ?');
  }
  get(name: string): NamespaceRow | undefined {
    return this.getStmt.get(name);
  }
  list(limit: number, offset: number): NamespaceRow[] {
    return this.listStmt.all(limit, offset);
  }
  count(): number {
    return this.countStmt.get()!.n;
  }
  insert(row: NamespaceRow): void {
    this.insertStmt.run(row);
  }
  updateDescription(name: string, description: string, now: number): void {
    this.updateStmt.run(description, now, name);
  }
  delete(name: string): void {
    this.deleteStmt.run(name);
  }
  functionCount(name: string): number {
    return this.functionCountStmt.get(name)!.n;
  }
}
