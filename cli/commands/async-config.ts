/**
 * The async settings of `isola config set`: `--retries`, `--max-age`
 * (UpdateFunctionEventInvokeConfig's AsyncTriggerConfig) and
 * `--dead-letter` (UpdateFunctionConfiguration's DeadLetterConfig).
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { ControlClient } from '../client';
import { intFlag, secondsFlag } from '../flags';
import { formatFields } from '../output';

export interface AsyncFlags {
  retries?: number;
  maxAge?: number;
  deadLetter?: { Type: string; Name: string };
}

/** `fn:name` → a function target, `queue:name` → an isola dead-letter queue, `none` → cleared. */
const deadLetterFlag = (value: string): { Type: string; Name: string } => {
  if (value === 'none') return { Type: '', Name: '' };
  const m = /^(fn|queue):(.+)$/.exec(value);
  if (!m) throw new InvalidArgumentError(`--dead-letter expects fn:<function>, queue:<name> or none, got "${value}".`);
  return { Type: m[1] === 'fn' ? 'FUNCTION' : 'QUEUE', Name: m[2]! };
};

export function addAsyncOptions(command: Command): Command {
  return command
    .option('--retries <n>', 'async: retries of a failed event (RetryNum, 0-10)', intFlag('--retries'))
    .option('--max-age <duration>', 'async: maximum age of an event (MsgTTL: 60s to 6h; 90s, 30m, 6h)', secondsFlag('--max-age'))
    .option('--dead-letter <target>', 'async: where exhausted events go: fn:<function>, queue:<name>, or none', deadLetterFlag);
}

export const hasAsyncFlags = (flags: AsyncFlags): boolean => flags.retries !== undefined || flags.maxAge !== undefined || flags.deadLetter !== undefined;

/** Applies the async flags; returns the resulting retry policy's `key: value` lines. */
export async function applyAsyncFlags(client: ControlClient, namespace: string, name: string, flags: AsyncFlags): Promise<string> {
  if (flags.deadLetter !== undefined) {
    await client.call('UpdateFunctionConfiguration', { FunctionName: name, Namespace: namespace, DeadLetterConfig: flags.deadLetter });
  }
  if (flags.retries !== undefined || flags.maxAge !== undefined) {
    await client.call('UpdateFunctionEventInvokeConfig', {
      FunctionName: name,
      Namespace: namespace,
      AsyncTriggerConfig: {
        ...(flags.retries !== undefined ? { RetryConfig: [{ RetryNum: flags.retries }] } : {}),
        ...(flags.maxAge !== undefined ? { MsgTTL: flags.maxAge } : {}),
      },
    });
  }
  const { AsyncTriggerConfig: c } = await client.call<{ AsyncTriggerConfig: { RetryConfig: Array<{ RetryNum: number }>; MsgTTL: number } }>(
    'GetFunctionEventInvokeConfig', { FunctionName: name, Namespace: namespace },
  );
  const { DeadLetterConfig: d } = await client.call<{ DeadLetterConfig?: { Type: string; Name: string } }>('GetFunction', { FunctionName: name, Namespace: namespace });
  return formatFields([
    ['AsyncRetries', c.RetryConfig[0]?.RetryNum],
    ['AsyncMaxAge', `${c.MsgTTL}s`],
    ['DeadLetter', d ? `${d.Type === 'FUNCTION' ? 'fn' : 'queue'}:${d.Name}` : 'none'],
  ]);
}
