import type { Db } from './db';

export interface CredentialRow {
  secret_id: string;
  secret_key: string;
  uin: string;
  kind: 'root' | 'sub';
  policy: string | null;
  enabled: number;
  add_time: number;
}

/**
 * API key pairs. The secret is kept in clear because TC3 verification recomputes the HMAC with it.
 * Rows read by `get` are kept in memory (every signed request looks its key up; this repo is the
 * table's only writer and drops what it writes), so a row changed in the file by another process
 * is seen after a restart.
 */
export class CredentialsRepo {
  private readonly rows = new Map<string, CredentialRow>();
  private readonly byIdStmt;
  private readonly insertStmt;
  private readonly rootStmt;
  constructor(db: Db) {
    this.byIdStmt = db.prepare<[string], CredentialRow>('SELECT * FROM credentials WHERE secret_id = ?');
    this.rootStmt = db.prepare<[], CredentialRow>("SELECT * FROM credentials WHERE kind = 'root' ORDER BY add_time LIMIT 1");
    this.insertStmt = db.prepare(
      'INSERT INTO credentials (secret_id, secret_key, uin, kind, policy, enabled, add_time) VALUES (@secret_id, @secret_key, @uin, @kind, @policy, @enabled, @add_time)',
    );
  }
  get(secretId: string): CredentialRow | undefined {
    const cached = this.rows.get(secretId);
    if (cached) return cached;
    // Only rows that exist are kept: unknown SecretIds (anyone can send one) never grow the map.
    const row = this.byIdStmt.get(secretId);
    if (row) this.rows.set(secretId, Object.freeze(row));
    return row;
  }
  root(): CredentialRow | undefined {
    return this.rootStmt.get();
  }
  insert(row: CredentialRow): void {
    this.insertStmt.run(row);
    this.rows.delete(row.secret_id);
  }
}
