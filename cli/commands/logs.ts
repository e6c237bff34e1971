import { type Command, InvalidArgumentError } from 'commander';
import type { ApiResponse, ControlClient } from '../client';
import { addClientOptions, type ClientFlags, resolveClient } from '../config';
import { intFlag, timeFlag } from '../flags';
import { print } from '../output';

/** The GetFunctionLogs item fields the CLI reads (FunctionLog + StatusCode). */
interface FunctionLogItem {
  RequestId?: string;
  StartTime?: string;
  StatusCode?: number;
  RetCode?: number;
  Duration?: number;
  Log?: string;
}

interface LogsResponse extends ApiResponse {
  TotalCount?: number;
  Data?: FunctionLogItem[];
  SearchContext?: { Offset?: string };
}

interface LogsFlags extends ClientFlags {
  qualifier?: string;
  requestId?: string;
  status?: string;
  since?: string;
  until?: string;
  limit: number;
  follow?: boolean;
}

/** How often --follow asks for new records: a new invocation shows within ~flush (50 ms) + this + one round trip. */
const FOLLOW_POLL_MS = 250;
const FOLLOW_PAGE = 100;

/** `--status` words → the API's LogFilter.RetCode (a bare status code passes through). */
const STATUS_WORDS: Readonly<Record<string, string>> = {
  success: 'is0',
  ok: 'is0',
  fail: 'not0',
  failed: 'not0',
  error: 'not0',
  timeout: 'TimeLimitExceeded',
  throttled: 'ResourceLimitExceeded',
  exception: 'UserCodeException',
  oom: 'MemoryLimitExceeded',
};

function statusFlag(value: string): string {
  const word = STATUS_WORDS[value.toLowerCase()];
  if (word) return word;
  if (/^[1-9]\d{2}$/.test(value) || Object.values(STATUS_WORDS).includes(value)) return value;
  throw new InvalidArgumentError(`--status expects ${Object.keys(STATUS_WORDS).join(', ')} or a status code (e.g. 433), got "${value}".`);
}

/**
 * `isola logs <fn>`: GetFunctionLogs. Prints the newest `--limit` invocation
 * records, oldest first; `--follow` then keeps polling for new ones (the
 * `SearchContext.Offset` cursor) until interrupted. With --json each record
 * is one JSON object per line.
 */
export function registerLogs(program: Command): void {
  addClientOptions(
    program
      .command('logs')
      .description("show a function's invocation logs")
      .argument('<fn>', 'function name')
      .option('--qualifier <q>', 'only calls of this version or alias')
      .option('--request-id <id>', 'only this invocation')
      .option('--status <status>', `only ${Object.keys(STATUS_WORDS).join('|')} calls, or one status code`, statusFlag)
      .option('--since <time>', 'only calls started at or after (30s, 10m, 2h, 1d ago, or a date)', timeFlag('--since'))
      .option('--until <time>', 'only calls started at or before (same forms as --since)', timeFlag('--until'))
      .option('--limit <n>', 'newest records to show', intFlag('--limit'), 20)
      .option('-f, --follow', 'keep printing new invocations as they finish'),
  ).action(async (name: string, opts: LogsFlags) => {
    const { client, json, namespace } = resolveClient(opts);
    const filters = {
      FunctionName: name,
      Namespace: namespace,
      Qualifier: opts.qualifier,
      FunctionRequestId: opts.requestId,
      Filter: opts.status ? { RetCode: opts.status } : undefined,
    };
    const first = await client.call<LogsResponse>('GetFunctionLogs', {
      ...filters,
      StartTime: opts.since,
      EndTime: opts.until,
      Limit: opts.limit,
      Offset: 0,
      Order: 'desc',
      OrderBy: 'start_time',
    });
    const items = (first.Data ?? []).slice().reverse();
    if (json && !opts.follow) {
      process.stdout.write(JSON.stringify({ TotalCount: first.TotalCount ?? items.length, Data: items }, null, 2) + '\n');
      return;
    }
    for (const item of items) show(item, json);
    if (!opts.follow) {
      if (items.length === 0) process.stderr.write(`no invocation logs for ${name} in namespace ${namespace}\n`);
      return;
    }
    await follow(client, filters, first.SearchContext?.Offset ?? '0', json);
  });
}

/** Polls for records committed after `cursor` until the process is interrupted. */
async function follow(client: ControlClient, filters: object, cursor: string, json: boolean): Promise<never> {
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
    const page = await client.call<LogsResponse>('GetFunctionLogs', { ...filters, Limit: FOLLOW_PAGE, SearchContext: { Offset: cursor, Limit: FOLLOW_PAGE } });
    for (const item of page.Data ?? []) show(item, json);
    cursor = page.SearchContext?.Offset ?? cursor;
  }
}

function show(item: FunctionLogItem, json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(item) + '\n');
    return;
  }
  print(item.Log ?? `START RequestId: ${item.RequestId ?? '?'} (no log text) StatusCode:${item.StatusCode ?? '?'}`);
}
