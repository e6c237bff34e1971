/**
 * Length-prefixed msgpack frames between the runtime (parent) and its isolate
 * hosts: [u32 big-endian length][msgpack payload]. Writes are batched per
 * event-loop turn: frames queued during a turn go out in one socket write.
 */
import { Packr, Unpackr } from 'msgpackr';
import type { Duplex } from 'node:stream';
import { HOT_MARK, decodeHot, encodeHot } from './hot-frames';

const packr = new Packr({ useRecords: false, moreTypes: false });
const unpackr = new Unpackr({ useRecords: false, moreTypes: false });

/** Largest frame accepted (event/result ≤ 6 MB plus logs). */
export const MAX_FRAME = 64 * 1024 * 1024;

export class FrameWriter {
  private queue: Buffer[] = [];
  private scheduled = false;
  private closed = false;

  constructor(private readonly stream: Duplex) {}

  /** Queues a message; it is written with the others of this turn. */
  send(msg: unknown): void {
    if (this.closed) return;
    const hot = encodeHot(msg);
    if (hot !== null) {
      this.queue.push(hot);
    } else {
      const body = packr.pack(msg);
      const head = Buffer.allocUnsafe(4);
      head.writeUInt32BE(body.length, 0);
      this.queue.push(head, body);
    }
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Writes what is queued now (also called by the turn-end flush). */
  readonly flush = (): void => {
    this.scheduled = false;
    if (this.queue.length === 0 || this.closed) return;
    const data = this.queue.length === 1 ? this.queue[0]! : Buffer.concat(this.queue);
    this.queue = [];
    if (!this.stream.destroyed) this.stream.write(data);
  };

  close(): void {
    this.closed = true;
    this.queue = [];
  }
}

/** Splits a byte stream into decoded messages. Throws on an oversized frame. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly onMessage: (msg: unknown) => void) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    let off = 0;
    while (this.buf.length - off >= 4) {
      const len = this.buf.readUInt32BE(off);
      if (len > MAX_FRAME) throw new Error(`frame of ${len} bytes exceeds the ${MAX_FRAME} byte limit`);
      if (this.buf.length - off - 4 < len) break;
      const msg = len > 0 && this.buf[off + 4] === HOT_MARK ? decodeHot(this.buf, off + 4, off + 4 + len) : unpackr.unpack(this.buf.subarray(off + 4, off + 4 + len));
      off += 4 + len;
      this.onMessage(msg);
    }
    this.buf = off === this.buf.length ? Buffer.alloc(0) : this.buf.subarray(off);
  }
}
