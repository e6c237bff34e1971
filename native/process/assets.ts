/**
 * Where the runtimes' non-JavaScript assets live (bootstrap sources:
 * native/python/bootstrap.py, native/php/bootstrap.php, native/java/*.java,
 * native/nodejs/bootstrap.js): the one place that knows, so a bundling of
 * the server changes this helper only. The folders come from lib's
 * `assetPath` (`<runtime>-bootstrap`): the source tree in an npm install (tsc
 * does not copy them into dist/), the extracted copy in the single
 * executable.
 */
import fs from 'node:fs';
import path from 'node:path';
import { assetPath } from '../../lib';

const BOOTSTRAPS = { python: 'python-bootstrap', nodejs: 'nodejs-bootstrap', php: 'php-bootstrap', java: 'java-bootstrap' } as const;

/** The path of a runtime asset: `nativeAsset('php', 'bootstrap.php')`; `nativeAsset('java')` is the folder. */
export function nativeAsset(runtime: keyof typeof BOOTSTRAPS, ...file: string[]): string {
  return path.join(assetPath(BOOTSTRAPS[runtime]), ...file);
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
