/**
 * Where the runtimes' non-JavaScript assets live (bootstrap sources:
 * native/python/bootstrap.py, native/php/bootstrap.php, native/java/*.java,
 * native/nodejs/bootstrap.js): the one place that knows, so a bundling of
 * the server (a single executable) changes this helper only. They are read
 * from the source tree: tsc does not copy them into dist/.
 */
import fs from 'node:fs';
import path from 'node:path';

const NATIVE_DIR = path.resolve(__dirname, '..', '..', '..', 'native');

/** The path of a runtime asset: `nativeAsset('php', 'bootstrap.php')`; `nativeAsset('java')` is the folder. */
export function nativeAsset(runtime: string, ...file: string[]): string {
  return path.join(NATIVE_DIR, runtime, ...file);
}

/** The absolute path of `command` in the server's PATH (or as given when it has a slash), or null when there is none executable. */
export function findExecutable(command: string, searchPath = process.env['PATH'] ?? ''): string | null {
  const candidates = command.includes('/') ? [command] : searchPath.split(':').filter((d) => d !== '').map((d) => path.join(d, command));
  for (const file of candidates) {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return fs.realpathSync(file);
    } catch {
      // not there, or not executable: the next one
    }
  }
  return null;
}
