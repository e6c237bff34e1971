/**
 * `log(level, message, requestId)`: a console line from the isolate. The
 * bootstrap formats and caps lines (sandbox/boot/30-console.js); the host
 * checks the arguments and counts each line against its invocation's quota
 * (LIMITS: line length, lines, bytes). Lines of the cold start (request id '')
 * wait for the first invocation; late lines of a finished call are dropped.
 */
import ivm from 'isolated-vm';
import type { LogLevel } from '../../types';
import { LIMITS } from '../limits';
import type { CapabilityScope } from './scope';

const LEVELS = new Set<LogLevel>(['log', 'info', 'warn', 'error', 'debug']);

export function logCapability(scope: CapabilityScope): ivm.Callback {
  return new ivm.Callback((level: unknown, msg: unknown, rid: unknown): void => {
    if (typeof msg !== 'string' || typeof rid !== 'string') return;
    const lvl = (LEVELS.has(level as LogLevel) ? level : 'log') as LogLevel;
    const line = msg.length > LIMITS.maxLogLineBytes ? msg.slice(0, LIMITS.maxLogLineBytes) : msg;
    if (rid === '') {
      if (scope.initLogs.length < LIMITS.maxLogLines) scope.initLogs.push({ time: Date.now(), level: lvl, message: line, requestId: '' });
      return;
    }
    const inf = scope.inflight.get(rid);
    if (!inf || inf.pending) return;
    if (inf.logs.length >= LIMITS.maxLogLines + 1 || inf.logBytes >= LIMITS.maxLogBytes + LIMITS.maxLogLineBytes) return;
    inf.logBytes += line.length;
    inf.logs.push({ time: Date.now(), level: lvl, message: line, requestId: rid });
  }, { ignored: true });
}
