import * as m0001 from './0001_init';
import * as m0002 from './0002_logs';
import * as m0003 from './0003_metrics';
import * as m0004 from './0004_logs_status_index';

/** Numbered migrations, applied in order at start-up and recorded in `user_version`. */
export const migrations: ReadonlyArray<{ id: number; name: string; sql: string }> = [
  { id: 1, name: '0001_init', sql: m0001.sql },
  { id: 2, name: '0002_logs', sql: m0002.sql },
  { id: 3, name: '0003_metrics', sql: m0003.sql },
  { id: 4, name: '0004_logs_status_index', sql: m0004.sql },
];
