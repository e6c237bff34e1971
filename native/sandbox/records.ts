/**
 * Instance records: one small JSON file per live instance under
 * `<dataDir>/sandbox/instances/`, written before the instance starts and
 * removed when it is disposed, so a server that died (kill -9) leaves behind
 * exactly the list of what its successor must reap — cgroups (wherever the
 * dead server's own cgroup was), the uid, host-side directories.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Controller } from './cgroups';

export interface InstanceRecord {
  instanceId: string;
  uid: number | null;
  cgroups: Partial<Record<Controller, string>>;
  /** Host directories of the instance to delete (unprivileged tmp and merged /opt). */
  hostDirs: string[];
  serverPid: number;
  serverStart: number | null;
}

export class RecordBook {
  constructor(private readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  write(record: InstanceRecord): void {
    // Synchronous: a cold start, not the request path, and the record must exist before the process does.
    fs.writeFileSync(this.file(record.instanceId), JSON.stringify(record), { mode: 0o600 });
  }

  remove(instanceId: string): void {
    fs.rmSync(this.file(instanceId), { force: true });
  }

  all(): InstanceRecord[] {
    const records: InstanceRecord[] = [];
    for (const name of fs.readdirSync(this.dir)) {
      if (!name.endsWith('.json')) continue;
      try {
        records.push(JSON.parse(fs.readFileSync(path.join(this.dir, name), 'utf8')) as InstanceRecord);
      } catch {
        // A record cut short by the crash: its instance id is still the file name.
        records.push({ instanceId: name.slice(0, -5), uid: null, cgroups: {}, hostDirs: [], serverPid: 0, serverStart: null });
      }
    }
    return records;
  }

  private file(instanceId: string): string {
    return path.join(this.dir, `${instanceId}.json`);
  }
}
