/**
 * `isola async list|get|stop <fn>` (ListAsyncEvents, GetAsyncEventStatus,
 * TerminateAsyncEvent) and
 * `isola dlq list|redrive` (isola's dead-letter queues: ListDeadLetters,
 * RedriveDeadLetters).
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { addClientOptions, type ClientFlags, resolveClient } from '../config';
import { collect, intFlag } from '../flags';
import { formatFields, formatTable, print, printJson } from '../output';

interface AsyncEvent {
  InvokeRequestId: string;
  InvokeType: string;
  Qualifier: string;
  Status: string;
  StartTime: string;
  EndTime: string;
}

interface DeadLetter {
  Id: number;
  Queue: string;
  InvokeRequestId: string;
  FunctionName: string;
  Attempts: number;
  StatusCode: number;
  Error: string;
  FailTime: string;
}

const STATUSES = ['RUNNING', 'FINISHED', 'FAILED', 'ABORTED'];
const statusFlag = (value: string, previous: string[] = []): string[] => {
  const status = value.toUpperCase();
  if (!STATUSES.includes(status)) throw new InvalidArgumentError(`--status expects one of ${STATUSES.join(', ')}, got "${value}".`);
  return [...previous, status];
};

export function registerAsync(program: Command): void {
  const group = program.command('async').description("a function's async events (Invoke --async) and their status");
  addClientOptions(
    group
      .command('list')
      .description('list async events, newest first')
      .argument('<fn>', 'function name')
      .option('--status <status>', 'only events in this status (RUNNING, FINISHED, FAILED, ABORTED; repeatable)', statusFlag)
      .option('--limit <n>', 'at most this many (1-100, default 20)', intFlag('--limit')),
  ).action(async (name: string, opts: ClientFlags & { status?: string[]; limit?: number }) => {
    const { client, json, namespace } = resolveClient(opts);
    const response = await client.call<{ TotalCount: number; EventList: AsyncEvent[] }>('ListAsyncEvents', {
      FunctionName: name, Namespace: namespace, Status: opts.status, Limit: opts.limit,
    });
    if (json) return printJson(response);
    print(formatTable(response.EventList, [
      { header: 'REQUEST ID', value: (e) => e.InvokeRequestId },
      { header: 'STATUS', value: (e) => e.Status },
      { header: 'TYPE', value: (e) => e.InvokeType },
      { header: 'QUALIFIER', value: (e) => e.Qualifier },
      { header: 'START', value: (e) => e.StartTime },
      { header: 'END', value: (e) => e.EndTime },
    ]));
    if (response.TotalCount > response.EventList.length) print(`(${response.EventList.length} of ${response.TotalCount}; --limit for more)`);
  });

  /** A subcommand about one event: `<fn> <request-id>` and the client options. */
  const eventCommand = (name: string, description: string) =>
    addClientOptions(group.command(name).description(description).argument('<fn>', 'function name').argument('<request-id>', 'the RequestId `invoke --async` printed'));

  eventCommand('get', "one async event's status").action(async (name: string, requestId: string, opts: ClientFlags) => {
    const { client, json, namespace } = resolveClient(opts);
    const { EventList: [event] } = await client.call<{ EventList: AsyncEvent[] }>('ListAsyncEvents', { FunctionName: name, Namespace: namespace, InvokeRequestId: requestId });
    const status = await client.call<{ Result: { Status: string; StatusCode: number } }>('GetAsyncEventStatus', { InvokeRequestId: requestId, Namespace: namespace });
    if (json) return printJson({ ...status, Event: event });
    print(formatFields([
      ['RequestId', requestId],
      ['Status', status.Result.Status],
      ['StatusCode', status.Result.StatusCode],
      ['Type', event?.InvokeType],
      ['Qualifier', event?.Qualifier],
      ['StartTime', event?.StartTime],
      ['EndTime', event?.EndTime || undefined],
    ]));
  });

  eventCommand('stop', 'terminate an async event, queued or running (TerminateAsyncEvent): at once, or with --grace SIGTERM / context.signal first, killed after the grace period')
    .option('--grace', 'graceful: signal the running code first (GraceShutdown)')
    .action(async (name: string, requestId: string, opts: ClientFlags & { grace?: boolean }) => {
      const { client, json, namespace } = resolveClient(opts);
      const response = await client.call('TerminateAsyncEvent', { FunctionName: name, Namespace: namespace, InvokeRequestId: requestId, ...(opts.grace ? { GraceShutdown: true } : {}) });
      if (json) return printJson(response);
      print(`terminated ${requestId}${opts.grace ? ' (signalled; killed after the grace period if it does not stop)' : ''}`);
  });

  const dlq = program.command('dlq').description("isola's dead-letter queues (DeadLetterConfig queue:<name>)");
  addClientOptions(
    dlq
      .command('list')
      .description('events in a dead-letter queue (all queues without a name), oldest first')
      .argument('[queue]', 'queue name')
      .option('--limit <n>', 'at most this many (1-100, default 20)', intFlag('--limit')),
  ).action(async (queue: string | undefined, opts: ClientFlags & { limit?: number }) => {
    const { client, json } = resolveClient(opts);
    const response = await client.call<{ TotalCount: number; DeadLetters: DeadLetter[] }>('ListDeadLetters', { Queue: queue, Limit: opts.limit });
    if (json) return printJson(response);
    print(formatTable(response.DeadLetters, [
      { header: 'ID', value: (d) => d.Id, right: true },
      { header: 'QUEUE', value: (d) => d.Queue },
      { header: 'REQUEST ID', value: (d) => d.InvokeRequestId },
      { header: 'FUNCTION', value: (d) => d.FunctionName },
      { header: 'ATTEMPTS', value: (d) => d.Attempts, right: true },
      { header: 'FAILED', value: (d) => d.FailTime },
      { header: 'ERROR', value: (d) => (d.Error.length > 80 ? `${d.Error.slice(0, 77)}...` : d.Error) },
    ]));
    if (response.TotalCount > response.DeadLetters.length) print(`(${response.DeadLetters.length} of ${response.TotalCount}; --limit for more)`);
  });

  addClientOptions(
    dlq
      .command('redrive')
      .description("send a dead-letter queue's events back to their functions (same RequestIds, attempts from 1)")
      .argument('<queue>', 'queue name')
      .option('--id <id>', 'only this dead letter (repeatable; default all)', collect),
  ).action(async (queue: string, opts: ClientFlags & { id?: string[] }) => {
    const ids = opts.id?.map((id) => {
      if (!/^\d+$/.test(id)) throw new Error(`--id expects a dead-letter id (a number), got "${id}"`);
      return Number(id);
    });
    const { client, json } = resolveClient(opts);
    const response = await client.call<{ TotalCount: number; Redriven: string[] }>('RedriveDeadLetters', { Queue: queue, Ids: ids });
    if (json) return printJson(response);
    print(`re-drove ${response.TotalCount} event(s) from ${queue}`);
    for (const id of response.Redriven) print(id);
  });
}
