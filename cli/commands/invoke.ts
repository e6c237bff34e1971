import type { Command } from 'commander';
import { addClientOptions, type ClientFlags, resolveClient } from '../config';
import { readEvent } from '../flags';
import { print, printJson } from '../output';

interface InvokeResult {
  FunctionRequestId?: string;
  RetMsg?: string;
  ErrMsg?: string;
  Log?: string;
  MemUsage?: number;
  Duration?: number;
  BillDuration?: number;
  InvokeResult?: number;
}

/** The synchronous API waits up to 300 s for a function (spec §3.3); leave room for the answer. */
const SYNC_INVOKE_TIMEOUT_MS = 330_000;

/**
 * `isola invoke <fn>`: Invoke (RequestResponse). The function's result
 * (RetMsg) goes to stdout, its log (--tail) to stderr, and a failed run
 * (InvokeResult ≠ 0) prints its log and ErrMsg to stderr and exits 1. A
 * function in async execution mode answers at once: its RequestId goes to
 * stdout, a note saying the call was queued to stderr. The log
 * is always requested: ErrMsg alone says only the failure class
 * (UserCodeException…), the exception itself is in the log.
 */
export function registerInvoke(program: Command): void {
  addClientOptions(
    program
      .command('invoke')
      .description('run a function synchronously and print its result')
      .argument('<fn>', 'function name')
      .option('--event <json>', 'event as JSON, @file to read it from a file, @- from stdin (default: {})')
      .option('--qualifier <q>', 'version or alias (default: $LATEST)')
      .option('--tail', "print the invocation's log to stderr (printed anyway when the run fails)")
      .option('--async', 'queue the invocation (InvocationType Event) and print its request id'),
  ).action(async (name: string, opts: ClientFlags & { event?: string; qualifier?: string; tail?: boolean; async?: boolean }) => {
    const event = readEvent(opts.event);
    const { client, json, namespace } = resolveClient(opts);
    const response = await client.call<{ Result?: InvokeResult }>(
      'Invoke',
      {
        FunctionName: name,
        Namespace: namespace,
        InvocationType: opts.async ? 'Event' : 'RequestResponse',
        Qualifier: opts.qualifier,
        ClientContext: event,
        LogType: opts.async ? 'None' : 'Tail',
      },
      SYNC_INVOKE_TIMEOUT_MS,
    );
    const result = response.Result ?? {};
    // InvokeResult is documented as unmaintained; without it, an ErrMsg means failure.
    const failed = result.InvokeResult !== undefined ? result.InvokeResult !== 0 : Boolean(result.ErrMsg);
    if (json) {
      printJson(response);
    } else if (opts.async) {
      print(result.FunctionRequestId ?? '');
    } else if (!failed && result.RetMsg === '') {
      // A run's RetMsg is JSON text ('null' at least): empty means the call was queued — the
      // function runs in async execution mode (AsyncRunEnable), which answers every call at once.
      process.stderr.write(`isola: function ${name} runs in async execution mode: the call was queued as an async event (see \`isola async get ${name} <id>\`)\n`);
      print(result.FunctionRequestId ?? '');
    } else {
      if ((opts.tail || failed) && result.Log) process.stderr.write(result.Log.endsWith('\n') ? result.Log : result.Log + '\n');
      if (!failed && result.RetMsg !== undefined) print(result.RetMsg);
    }
    if (failed) {
      process.stderr.write(`isola: function ${name} failed (request ${result.FunctionRequestId ?? '?'}): ${result.ErrMsg || 'no error message'}\n`);
      process.exitCode = 1;
    }
  });
}
