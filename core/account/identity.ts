import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../../store';

/** The single account a self-hosted server serves, and its root key pair. */
export interface AccountIdentity {
  uin: string;
  appId: string;
  rootSecretId: string;
  /** Where the root credential file lives (mode 0600). */
  credentialsFile: string;
}

export const CREDENTIALS_FILE = 'credentials.json';

/**
 * Returns the account identity, creating it on first start: a numeric UIN and
 * AppId like the cloud's, and a root SecretId/SecretKey pair stored in the
 * database and in `<dataDir>/credentials.json` (mode 0600) for the CLI.
 */
export function ensureIdentity(store: Store, dataDir: string): { identity: AccountIdentity; created: boolean } {
  const credentialsFile = path.join(dataDir, CREDENTIALS_FILE);
  let created = false;
  const identity = store.transaction(() => {
    let uin = store.settings.get('account.uin');
    let appId = store.settings.get('account.appid');
    if (!uin || !appId) {
      uin = String(100000000000 + crypto.randomInt(0, 899999999999));
      appId = String(1250000000 + crypto.randomInt(0, 99999999));
      store.settings.put('account.uin', uin);
      store.settings.put('account.appid', appId);
    }
    let root = store.credentials.root();
    if (!root) {
      created = true;
      root = {
        secret_id: 'AKID' + crypto.randomBytes(16).toString('base64url').replace(/[-_]/g, 'x').slice(0, 32),
        secret_key: crypto.randomBytes(24).toString('base64url').replace(/[-_]/g, 'y').slice(0, 32),
        uin,
        kind: 'root',
        policy: null,
        enabled: 1,
        add_time: Date.now(),
      };
      store.credentials.insert(root);
    }
    writeCredentialsFile(credentialsFile, { SecretId: root.secret_id, SecretKey: root.secret_key, Uin: uin, AppId: appId });
    return { uin, appId, rootSecretId: root.secret_id, credentialsFile };
  });
  return { identity, created };
}

function writeCredentialsFile(file: string, content: object): void {
  const text = JSON.stringify(content, null, 2) + '\n';
  try {
    if (fs.readFileSync(file, 'utf8') === text) return;
  } catch {
    // missing: write it below
  }
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, { mode: 0o600 });
  fs.renameSync(tmp, file);
}
