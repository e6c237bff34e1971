/**
 * The private channel between the process executor and a built-in runtime's
 * bootstrap (native/python, native/nodejs): native's length-prefixed frames
 * on fd 3, every payload JSON behind the 0xc1 mark (a FastCodec), because
 * the Python bootstrap has only its standard library and the Node.js one
 * must not load the server's packages. Frame = [u32 BE length][0xc1][UTF-8 JSON].
 *
 * Parent → child: `load` (import the handler module), `invoke`.
 * Child → parent: `ready` (interpreter up), `loaded` / `load_failed`,
 * `log` (a line of the current request), `done` / `failed` (the invocation's end; `exit: true`
 * when the process ends right after it, as after a PHP fatal error: the instance is not reused).
 * Every frame from the child is checked (`checkChildMessage`); anything else
 * gets the child killed by the supervisor.
 */
import type { FastCodec, FrameSpace } from '../supervision';

const MARK = 0xc1;

export const jsonCodec: FastCodec = {
  mark: MARK,
  write(msg: unknown, out: FrameSpace): boolean {
    const text = JSON.stringify(msg);
    const len = Buffer.byteLength(text);
    out.ensure(5 + len);
    out.buf.writeUInt32BE(len + 1, out.len);
    out.buf[out.len + 4] = MARK;
    out.buf.write(text, out.len + 5, len, 'utf8');
    out.len += 5 + len;
    return true;
  },
  read(buf: Buffer, start: number, end: number): unknown {
    return JSON.parse(buf.toString('utf8', start + 1, end));
  },
};

export type ParentMessage =
  | {
    t: 'load'; handler: string; env: Record<string, string>; memoryMb: number; timeoutMs: number;
    functionName: string; version: string; namespace: string; region: string; appId: string; uin: string;
    /** Whether `done`/`failed` must carry the process's own memory figure (false: the server reads the instance's cgroup). */
    reportMemory: boolean;
  }
  | { t: 'invoke'; id: number; rid: string; event: string; deadline: number };

/** How a failed load or invocation ended, as the bootstrap classified it. */
export type FailureKind = 'user_error' | 'handler_missing' | 'oom';

export type ChildMessage =
  | { t: 'ready'; pid: number }
  | { t: 'loaded' }
  | { t: 'load_failed'; kind: FailureKind; message: string; stack: string }
  | { t: 'log'; level: LogLevelName; msg: string; time: number }
  | { t: 'done'; id: number; result: string; mem: number }
  | { t: 'failed'; id: number; kind: FailureKind; message: string; stack: string; mem: number; exit?: boolean };

export type LogLevelName = 'log' | 'info' | 'warn' | 'error' | 'debug';

const LEVELS = new Set(['log', 'info', 'warn', 'error', 'debug']);
const FAILURES = new Set(['user_error', 'handler_missing', 'oom']);

type Rec = Record<string, unknown>;
const str = (v: unknown): v is string => typeof v === 'string';
const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The typed message, or null when `raw` is not one the bootstrap may send. */
export function checkChildMessage(raw: unknown): ChildMessage | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const m = raw as Rec;
  switch (m['t']) {
    case 'ready': return num(m['pid']) ? { t: 'ready', pid: m['pid'] } : null;
    case 'loaded': return { t: 'loaded' };
    case 'log':
      return str(m['level']) && LEVELS.has(m['level']) && str(m['msg']) && num(m['time'])
        ? { t: 'log', level: m['level'] as LogLevelName, msg: m['msg'], time: m['time'] } : null;
    case 'done':
      return num(m['id']) && str(m['result']) && num(m['mem']) ? { t: 'done', id: m['id'], result: m['result'], mem: m['mem'] } : null;
    case 'load_failed':
    case 'failed': {
      if (!str(m['kind']) || !FAILURES.has(m['kind']) || !str(m['message']) || !str(m['stack'])) return null;
      const kind = m['kind'] as FailureKind;
      if (m['t'] === 'load_failed') return { t: 'load_failed', kind, message: m['message'], stack: m['stack'] };
      if (!num(m['id']) || !num(m['mem']) || (m['exit'] !== undefined && typeof m['exit'] !== 'boolean')) return null;
      return { t: 'failed', id: m['id'], kind, message: m['message'], stack: m['stack'], mem: m['mem'], ...(m['exit'] === true ? { exit: true } : {}) };
    }
    default: return null;
  }
}
