import type { Db } from './db';

/** Small key/value settings persisted with the data (account identity, quotas set through the API). */
export class SettingsRepo {
  private readonly getStmt;
  private readonly putStmt;
  constructor(db: Db) {
    this.getStmt = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
    this.putStmt = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  }
  get(key: string): string | undefined {
    return this.getStmt.get(key)?.value;
  }
  put(key: string, value: string): void {
    this.putStmt.run(key, value);
  }
}
