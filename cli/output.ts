/**
 * How the CLI prints: aligned tables for lists, `key: value` lines for one
 * resource, and with --json the API's Response object (RequestId dropped,
 * field names kept) so scripts can rely on the API's own schema.
 */

/** Prints an API response as indented JSON, without its RequestId. */
export function printJson(response: object): void {
  const { RequestId: _requestId, ...rest } = response as Record<string, unknown>;
  process.stdout.write(JSON.stringify(rest, null, 2) + '\n');
}

export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
  /** Right-align (numbers). */
  right?: boolean;
}

/** Renders rows as a table with a header line, columns padded to their widest cell. */
export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((column) => cell(column.value(row))));
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((line) => line[i]!.length)));
  const render = (line: string[]) =>
    line
      .map((text, i) => {
        const last = i === line.length - 1;
        if (columns[i]!.right) return text.padStart(widths[i]!);
        return last ? text : text.padEnd(widths[i]!);
      })
      .join('  ')
      .trimEnd();
  return [render(columns.map((c) => c.header)), ...cells.map(render)].join('\n') + '\n';
}

/** Renders `key: value` lines with the values aligned; undefined values are skipped. */
export function formatFields(fields: ReadonlyArray<readonly [string, unknown]>): string {
  const shown = fields.filter(([, value]) => value !== undefined);
  const width = Math.max(0, ...shown.map(([key]) => key.length + 1));
  return shown.map(([key, value]) => `${(key + ':').padEnd(width)} ${cell(value)}`.trimEnd() + '\n').join('');
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value.replace(/[\r\n\t]+/g, ' ');
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** 1536 → "1.5 KiB"; plain bytes below 1 KiB. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const units = ['KiB', 'MiB', 'GiB'];
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes;
  let unit = 'B';
  for (const next of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = next;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${unit}`;
}

/** Writes text to stdout as is. */
export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : text + '\n');
}
