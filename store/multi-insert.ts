/**
 * Inserting many rows into one table with few statement runs: values are
 * gathered `rows` at a time and written by one `INSERT … VALUES (…), (…), …`
 * of that many rows; the rest (fewer than `rows`) by the one-row statement.
 *
 * Why: the log writer's thread inserts one row per data-plane request, and
 * each `Statement.run` is a crossing into better-sqlite3 plus a VDBE program
 * start; one run per 16 rows cut the thread's CPU per record by ~15 %
 * (store/README.md "Log writer", issue 15). Rows go in in the order given, so
 * ids and commit order are what one run per row would give.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db';

/** Rows per multi-row statement: 16 × the log tables' 23 columns stays far below SQLite's 32,766 variables. */
export const ROWS_PER_INSERT = 16;

export class MultiInsert {
  private readonly one: Statement;
  private readonly many: Statement;
  private readonly values: unknown[];
  private filled = 0;

  /** `head` is `INSERT INTO t (c1, …, cn)`; `columns` = n; `tail` follows the VALUES (an upsert clause: `ON CONFLICT …`). */
  constructor(db: Db, head: string, private readonly columns: number, private readonly rows = ROWS_PER_INSERT, tail = '') {
    const tuple = `(${new Array<string>(columns).fill('?').join(', ')})`;
    this.one = db.prepare(`${head} VALUES ${tuple} ${tail}`);
    this.many = db.prepare(`${head} VALUES ${new Array<string>(rows).fill(tuple).join(', ')} ${tail}`);
    this.values = new Array<unknown>(columns * rows);
  }

  /** Appends one row's value (in column order); a full set of rows is written at once. */
  push(value: unknown): void {
    this.values[this.filled++] = value;
    if (this.filled === this.values.length) {
      // Reset first: a throw (the transaction fails) must not leave a full set behind.
      this.filled = 0;
      this.many.run(this.values);
    }
  }

  /** Appends one whole row (its values in column order). */
  pushRow(...values: unknown[]): void {
    if (values.length !== this.columns) throw new Error(`MultiInsert: a row of ${values.length} values for ${this.columns} columns`);
    for (const value of values) this.push(value);
  }

  /** Writes the rows still gathered, one run each; call it before the transaction ends. */
  flush(): void {
    const filled = this.filled;
    // Reset first: a throw below must not leave these values to the next batch.
    this.filled = 0;
    if (filled % this.columns !== 0) throw new Error(`MultiInsert: ${filled % this.columns} values of an unfinished row`);
    for (let at = 0; at < filled; at += this.columns) this.one.run(this.values.slice(at, at + this.columns));
  }

  /** Drops what is gathered (the transaction that gathered it failed). */
  reset(): void {
    this.filled = 0;
  }
}
