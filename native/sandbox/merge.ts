/**
 * Unprivileged stand-in for the /opt overlay: a tree of directories and
 * symlinks merging the layers in binding order (a later layer's file wins;
 * where one layer has a file and a later one a directory of the same name,
 * the later wins whole). Copy-free; the layers stay read-only because their
 * files belong to the server, not because of a mount.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Builds the merged tree at `target` (created; must not exist). */
export function mergeLayers(layerDirs: readonly string[], target: string): void {
  // relative path → the source file or directory that wins it
  const winners = new Map<string, { source: string; dir: boolean }>();
  for (const layer of layerDirs) walk(layer, '', winners);
  fs.mkdirSync(target, { recursive: true, mode: 0o755 });
  const sorted = [...winners.entries()].sort(([a], [b]) => a.localeCompare(b));
  for (const [rel, { source, dir }] of sorted) {
    if (!isStillWinning(rel, winners)) continue;
    const dest = path.join(target, rel);
    if (dir) fs.mkdirSync(dest, { recursive: true });
    else fs.symlinkSync(source, dest);
  }
}

function walk(root: string, rel: string, winners: Map<string, { source: string; dir: boolean }>): void {
  for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const childRel = path.join(rel, entry.name);
    const source = path.join(root, childRel);
    if (entry.isDirectory()) {
      const before = winners.get(childRel);
      // A later directory replaces an earlier file of the same name (and what hung below it).
      if (before && !before.dir) dropBelow(childRel, winners);
      winners.set(childRel, { source, dir: true });
      walk(root, childRel, winners);
    } else {
      if (winners.get(childRel)?.dir) dropBelow(childRel, winners);
      winners.set(childRel, { source, dir: false });
    }
  }
}

function dropBelow(rel: string, winners: Map<string, unknown>): void {
  const prefix = rel + path.sep;
  for (const key of [...winners.keys()]) if (key === rel || key.startsWith(prefix)) winners.delete(key);
}

/** Every ancestor of `rel` must be a directory in the merge (a later file may have replaced one). */
function isStillWinning(rel: string, winners: Map<string, { dir: boolean }>): boolean {
  for (let parent = path.dirname(rel); parent !== '.'; parent = path.dirname(parent)) {
    if (!winners.get(parent)?.dir) return false;
  }
  return true;
}
