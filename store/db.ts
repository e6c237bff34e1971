import type Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { migrations } from './migrations';
import { openSqliteFile } from './sqlite-file';

export type Db = Database.Database;

/**
 * Opens (creating if needed) the platform database in `dataDir` with WAL and
 * foreign keys on, and applies pending migrations in one transaction each.
 * `synchronous=NORMAL` under WAL keeps every committed transaction across a
 * process crash (only a power loss can drop the last commits).
 */
export function openDatabase(dataDir: string): Db {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = openSqliteFile(path.join(dataDir, 'isola.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  applyMigrations(db, migrations);
  return db;
}

/** Applies the numbered migrations above the file's `user_version`, one transaction each, recording each one. */
export function applyMigrations(db: Db, list: ReadonlyArray<{ id: number; sql: string }>): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const migration of list) {
    if (migration.id <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.id}`);
    })();
  }
}
