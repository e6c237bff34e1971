import * as m0001 from './0001_init';

/** Numbered migrations, applied in order at start-up and recorded in `user_version`. */
export const migrations: ReadonlyArray<{ id: number; name: string; sql: string }> = [
  { id: 1, name: '0001_init', sql: m0001.sql },
];
