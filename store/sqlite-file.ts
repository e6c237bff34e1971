/**
 * Every SQLite connection of the store is opened here: the single
 * executable hands better-sqlite3 its embedded addon (lib/assets.ts), an npm
 * install lets the package find its own build.
 */
import Database from 'better-sqlite3';
import { sqliteBinding } from '../lib';

export function openSqliteFile(file: string, options: Database.Options = {}): Database.Database {
  const binding = sqliteBinding();
  // better-sqlite3 takes the loaded addon object too (lib/database.js); its type declarations only say string.
  return new Database(file, binding === undefined ? options : { ...options, nativeBinding: binding as unknown as string });
}
