/**
 * File-system helpers for unpacked code trees: making a tree read-only and
 * removing one again. Trees hold 0555 folders, which a non-root process
 * cannot empty, so removal first gives folders back their write bit.
 * Symlinks are never followed (lstat; chmod is never called on a link).
 */
import fs from 'node:fs';
import path from 'node:path';

/** Sets files to 0444 (0555 when `executable(rel)`), sub-folders to 0555; the root itself is left writable. */
export async function makeReadOnly(root: string, executable: (rel: string) => boolean): Promise<void> {
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const dirent of await fs.promises.readdir(dir, { withFileTypes: true })) {
      const abs = path.join(dir, dirent.name);
      const relName = rel ? `${rel}/${dirent.name}` : dirent.name;
      if (dirent.isDirectory()) {
        await walk(abs, relName);
        await fs.promises.chmod(abs, 0o555);
      } else if (dirent.isFile()) {
        await fs.promises.chmod(abs, executable(relName) ? 0o555 : 0o444);
      }
    }
  };
  await walk(root, '');
}

/** Removes `root` and everything under it, even if read-only; missing is fine. */
export async function removeTree(root: string): Promise<void> {
  const unlock = async (dir: string): Promise<void> => {
    await fs.promises.chmod(dir, 0o755);
    for (const dirent of await fs.promises.readdir(dir, { withFileTypes: true })) {
      if (dirent.isDirectory()) await unlock(path.join(dir, dirent.name));
    }
  };
  try {
    const stat = await fs.promises.lstat(root);
    if (stat.isDirectory()) await unlock(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  await fs.promises.rm(root, { recursive: true, force: true });
}

/** Synchronous `removeTree`, for the start-up sweep. */
export function removeTreeSync(root: string): void {
  const unlock = (dir: string): void => {
    fs.chmodSync(dir, 0o755);
    for (const dirent of fs.readdirSync(dir, { withFileTypes: true })) {
      if (dirent.isDirectory()) unlock(path.join(dir, dirent.name));
    }
  };
  try {
    if (fs.lstatSync(root).isDirectory()) unlock(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  fs.rmSync(root, { recursive: true, force: true });
}
