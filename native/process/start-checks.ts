/**
 * What a failed or refused start says: whether the executable a runtime
 * starts (scf_bootstrap, a Go function) can be run by the instance, and the
 * last words of a process that died.
 */
import fs from 'node:fs';

/** ": <the last line of the stderr tail>", or '' (names the cause in an error message). */
export function lastLine(tail: string): string {
  const lines = tail.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('isola:'));
  const last = lines.at(-1);
  return last === undefined ? '' : `: ${last.slice(0, 300)}`;
}

/**
 * Why `file` (shown as `name`: scf_bootstrap, a Go executable) cannot be run by the instance, or
 * null when it can; `why` says what the runtime expects there, for the missing case.
 */
export function checkExecutable(file: string, name: string, why: string): string | null {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return `${name} is missing${why ? `: ${why}` : ''}`;
  }
  if (!st.isFile()) return `${name} is not a file`;
  // The instance runs under its own uid: the "others" bit is the one that lets it execute the file.
  if ((st.mode & 0o001) === 0) return `${name} is not executable (mode ${(st.mode & 0o777).toString(8)}): chmod 755 it before packaging`;
  return null;
}
