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

/** API key pairs. The secret is kept in clear because TC3 verification recomputes the HMAC with it. */
export class CredentialsRepo {
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
    return this.byIdStmt.get(secretId);
  }
  root(): CredentialRow | undefined {
    return this.rootStmt.get();
  }
  insert(row: CredentialRow): void {
    this.insertStmt.run(row);
  }
}
