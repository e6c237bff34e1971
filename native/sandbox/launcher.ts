/**
 * The launcher: a bash script the executor spawns in place of the user's
 * command. It confines itself, then `exec`s the command, so the pid the
 * executor sees is the user's process and every inherited fd (stdio, the
 * private channel on fd 3) survives. Its own fds are allocated above 9
 * (`exec {var}<…`) and closed before the exec.
 *
 * Privileged (root), run under `unshare --mount --propagation private`:
 *   1. join the instance's cgroups (so everything after is counted and contained);
 *   2. open the code and layer dirs (they are about to be hidden);
 *   3. a private size-limited tmpfs on /tmp, also bound over the host's other
 *      world-writable dirs (/dev/shm, /var/tmp, /run/lock), which would
 *      otherwise be shared by every instance;
 *   4. a small read-only tmpfs over the data dir (or over the top-most ancestor
 *      the instance could not traverse), recreating only the code root's path,
 *      where the code is bound read-only;
 *   5. the layers merged read-only on /opt (overlayfs, later layer on top;
 *      one layer: a read-only bind; none: an empty read-only tmpfs);
 *   6. rlimits (open files, core 0, processes of the instance's uid);
 *   7. with a start gate: wait for the caller's line on fd 4 (GATE_FD), then close it;
 *   8. setpriv: the instance's uid/gid, no supplementary groups, no new privileges, no capabilities.
 *
 * Unprivileged: rlimits (open files, core 0, data segment for memory, file
 * size for /tmp), TMPDIR on the instance's own directory, a marker in the
 * environment through which dispose() finds the instance's processes, and the
 * start gate likewise.
 *
 * The start gate (`ConfineRequest.startGate`): the command must not run
 * before the caller has prepared what it needs at its first instruction (the
 * custom runtime's API listening inside the instance's network namespace,
 * which exists only once the launcher ran `unshare --net`). The launcher
 * reads one line from fd 4, a pipe of the caller's, before the exec; EOF
 * there (the caller gone) ends the launcher instead.
 */

/** Absolute paths of the tools the privileged launcher needs (util-linux + bash). */
export const TOOLS = { bash: '/bin/bash', unshare: '/usr/bin/unshare', setpriv: '/usr/bin/setpriv' } as const;

/** The host's world-writable dirs besides /tmp (Debian's); the ones that exist are covered. */
export const SHARED_WRITABLE_DIRS = ['/dev/shm', '/var/tmp', '/run/lock'] as const;

/** The environment variable marking an unprivileged instance's processes. */
export const MARKER_VAR = 'ISOLA_SANDBOX_INSTANCE';

/** The fd on which a gated launcher waits for the caller's go (one line); closed before the command runs. */
export const GATE_FD = 4;

// Before the exec: wait for the go on the gate fd (set -e: EOF ends the launcher), then close it.
const WAIT_AT_GATE = `[ "$gate" = 0 ] || { read -r -u ${GATE_FD} _; exec ${GATE_FD}<&-; }`;

// Plain strings (not templates): bash's ${…} must stay literal.
const PRIVILEGED = [
  'set -eu',
  'id=$1 code=$2 hide=$3 tmp_mb=$4 uid=$5 nofile=$6 nproc=$7 data_kb=$8 shared=$9 gate=${10}; shift 10',
  'n=$1; shift',
  'for ((i = 0; i < n; i++)); do echo $$ > "$1"; shift; done',
  'exec {code_fd}<"$code"',
  'n=$1; shift',
  'layer_fds=() layer_paths=()',
  // overlayfs lists the top layer first: each later layer goes in front.
  'for ((i = 0; i < n; i++)); do exec {fd}<"$1"; layer_fds+=("$fd"); layer_paths=("/proc/self/fd/$fd" "${layer_paths[@]}"); shift; done',
  // The platform's dirs that lie under a covered path (opened now, bound back after the covering mounts).
  'n=$1; shift',
  'keep_fds=() keep_paths=()',
  'for ((i = 0; i < n; i++)); do exec {fd}<"$1"; keep_fds+=("$fd"); keep_paths+=("$1"); shift; done',
  'shift',
  'mount -t tmpfs -o "size=${tmp_mb}m,mode=1777,nosuid,nodev" "isola-tmp-$id" /tmp',
  // The host's other world-writable dirs would be shared with every instance: each becomes this /tmp.
  'IFS=: read -ra shared_dirs <<< "$shared"',
  'for dir in "${shared_dirs[@]}"; do mount --bind /tmp "$dir"; done',
  // Usually there already; missing only when it lay under /tmp (now the fresh tmpfs).
  '[ -d "$hide" ] || mkdir -p "$hide"',
  'mount -t tmpfs -o size=64k,mode=0755,nosuid,nodev "isola-hide-$id" "$hide"',
  'mkdir -p "$code"',
  // --bind with -o ro: mount(8) binds then remounts read-only, one process instead of two.
  'mount --no-canonicalize --bind -o ro,nosuid,nodev "/proc/self/fd/$code_fd" "$code"',
  // A kept file (the single executable as the Node.js runtime's node) needs a file to bind onto.
  'for ((i = 0; i < ${#keep_paths[@]}; i++)); do if [ -d "/proc/self/fd/${keep_fds[i]}" ]; then mkdir -p "${keep_paths[i]}"; else mkdir -p "${keep_paths[i]%/*}"; [ -e "${keep_paths[i]}" ] || : > "${keep_paths[i]}"; fi; mount --no-canonicalize --bind -o ro,nosuid,nodev "/proc/self/fd/${keep_fds[i]}" "${keep_paths[i]}"; done',
  'mount -o remount,ro,nosuid,nodev "$hide"',
  'case ${#layer_paths[@]} in',
  '  0) mount -t tmpfs -o ro,size=4k,mode=0755,nosuid,nodev "isola-opt-$id" /opt ;;',
  '  1) mount --no-canonicalize --bind -o ro,nosuid,nodev "${layer_paths[0]}" /opt ;;',
  '  *) lower=$(IFS=:; echo "${layer_paths[*]}"); mount -t overlay -o "ro,lowerdir=$lower" "isola-opt-$id" /opt ;;',
  'esac',
  'exec {code_fd}<&-',
  'for fd in "${layer_fds[@]}"; do exec {fd}<&-; done',
  'for fd in "${keep_fds[@]}"; do exec {fd}<&-; done',
  'cd "$code"',
  'ulimit -n "$nofile"; ulimit -c 0; ulimit -u "$nproc"',
  '[ "$data_kb" = unlimited ] || ulimit -d "$data_kb"',
  WAIT_AT_GATE,
  `exec ${TOOLS.setpriv} --reuid="$uid" --regid="$uid" --clear-groups --no-new-privs --inh-caps=-all --bounding-set=-all -- "$@"`,
].join('\n');

const UNPRIVILEGED = [
  'set -eu',
  'id=$1 tmp=$2 nofile=$3 data_kb=$4 fsize_kb=$5 gate=$6; shift 6',
  'shift',
  'ulimit -n "$nofile"; ulimit -c 0; ulimit -d "$data_kb"; ulimit -f "$fsize_kb"',
  `export ${MARKER_VAR}="$id" TMPDIR="$tmp"`,
  WAIT_AT_GATE,
  'exec "$@"',
].join('\n');

export interface PrivilegedLaunch {
  instanceId: string;
  codeDir: string;
  /** Where the hiding tmpfs goes: the data dir, or its top-most ancestor closed to others. */
  hideDir: string;
  tmpMb: number;
  uid: number;
  openFiles: number;
  /** RLIMIT_NPROC of the instance's uid. */
  processes: number;
  /** RLIMIT_DATA in KiB, or 'unlimited' when a memory cgroup holds the limit. */
  dataKb: number | 'unlimited';
  /** World-writable host dirs to cover with the instance's /tmp. */
  sharedDirs: string[];
  procsFiles: string[];
  layerDirs: string[];
  /** Platform dirs under a covered path, bound back read-only at their own path. */
  keepDirs: string[];
  /** Own network namespace (`unshare --net`). */
  privateNetwork: boolean;
  /** Wait for the caller's line on GATE_FD before the exec. */
  startGate: boolean;
  command: string;
  args: string[];
}

/** argv (after `unshare`) for the privileged launcher. */
export function privilegedArgv(l: PrivilegedLaunch): { command: string; args: string[] } {
  return {
    command: TOOLS.unshare,
    args: [
      '--mount', ...(l.privateNetwork ? ['--net'] : []), '--propagation', 'private', TOOLS.bash, '-c', PRIVILEGED, 'isola-sandbox',
      l.instanceId, l.codeDir, l.hideDir, String(l.tmpMb), String(l.uid), String(l.openFiles), String(l.processes), String(l.dataKb), l.sharedDirs.join(':'), l.startGate ? '1' : '0',
      String(l.procsFiles.length), ...l.procsFiles,
      String(l.layerDirs.length), ...l.layerDirs,
      String(l.keepDirs.length), ...l.keepDirs,
      '--', l.command, ...l.args,
    ],
  };
}

export interface UnprivilegedLaunch {
  instanceId: string;
  tmpDir: string;
  openFiles: number;
  dataKb: number;
  fileSizeKb: number;
  /** Wait for the caller's line on GATE_FD before the exec. */
  startGate: boolean;
  command: string;
  args: string[];
}

/** argv for the unprivileged launcher. */
export function unprivilegedArgv(l: UnprivilegedLaunch): { command: string; args: string[] } {
  return {
    command: TOOLS.bash,
    args: ['-c', UNPRIVILEGED, 'isola-sandbox', l.instanceId, l.tmpDir, String(l.openFiles), String(l.dataKb), String(l.fileSizeKb), l.startGate ? '1' : '0', '--', l.command, ...l.args],
  };
}
