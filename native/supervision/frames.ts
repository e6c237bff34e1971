/**
 * Length-prefixed msgpack frames between a supervisor and its child:
 * [u32 big-endian length][msgpack payload]. Writes are batched per event-loop
 * turn: frames queued during a turn go out in one write.
 *
 * A protocol may add a fast codec (FastCodec) for its hottest messages: a
 * fixed binary layout marked by a first payload byte msgpack never emits
 * (0xc1); every other message stays msgpack. The isolate runtime's `http` and
 * `hfinal` frames are one (runtime/hot-frames.ts).
 */
import { Packr, Unpackr } from 'msgpackr';
import { Socket } from 'node:net';
import type { Writable } from 'node:stream';

const packr = new Packr({ useRecords: false, moreTypes: false });
const unpackr = new Unpackr({ useRecords: false, moreTypes: false });

/** Largest frame accepted (event/result ≤ 6 MB plus logs). */
export const MAX_FRAME = 64 * 1024 * 1024;

/** Room for a turn's frames, allocated once per flush (a Buffer per frame cost more than encoding it). */
const TURN_BYTES = 64 * 1024;
const EMPTY = Buffer.alloc(0);

/** Where frames are written: `buf` holds `len` bytes; `ensure(n)` makes room for n more (it may replace `buf`). */
export interface FrameSpace {
  buf: Buffer;
  len: number;
  ensure(n: number): void;
}

/** A protocol's fixed layout for some messages, next to msgpack for the rest. */
export interface FastCodec {
  /** First payload byte of a fast frame: one msgpack never emits (0xc1). */
  readonly mark: number;
  /** Appends the whole frame ([u32 BE length] + payload) of `msg` to `out` and returns true, or returns false (nothing written): msgpack then. */
  write(msg: unknown, out: FrameSpace): boolean;
  /** Decodes the fast frame in buf[start, end) (buf[start] is the mark). Throws on a malformed one. */
  read(buf: Buffer, start: number, end: number): unknown;
}

export class FrameWriter implements FrameSpace {
  /** This turn's frames: `len` bytes of `buf`. A flush hands `buf` to the stream and starts a new one. */
  buf: Buffer = EMPTY;
  len = 0;
  private scheduled = false;
  private closed = false;
  /**
   * A turn buffer whose write completed, for the next turn. Only over a socket: its write callback
   * means the bytes reached the kernel, whereas other streams (a PassThrough) may still hold them.
   */
  private spare: Buffer | null = null;
  private readonly reuse: boolean;

  constructor(private readonly stream: Writable, private readonly fast: FastCodec | null = null) {
    this.reuse = stream instanceof Socket;
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    if (this.len === 0 && this.spare !== null && n <= this.spare.length) {
      this.buf = this.spare;
      this.spare = null;
      return;
    }
    const next = Buffer.allocUnsafe(Math.max(TURN_BYTES, this.len + n, this.len * 2));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  /** Queues a message; it is written with the others of this turn. Dropped once closed. */
  send(msg: unknown): void {
    if (this.closed) return;
    const fast = this.fast;
    if (fast === null || !fast.write(msg, this)) {
      const body = packr.pack(msg);
      this.ensure(4 + body.length);
      this.buf.writeUInt32BE(body.length, this.len);
      body.copy(this.buf, this.len + 4);
      this.len += 4 + body.length;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Writes what is queued now (also called by the turn-end flush). */
  readonly flush = (): void => {
    this.scheduled = false;
    if (this.len === 0 || this.closed) return;
    // The stream may keep the buffer until the write completes: the next frames go into a new one.
    const buf = this.buf;
    const data = buf.subarray(0, this.len);
    this.buf = EMPTY;
    this.len = 0;
    if (this.stream.destroyed) return;
    if (this.reuse && buf.length === TURN_BYTES) this.stream.write(data, () => { this.spare = buf; });
    else this.stream.write(data);
  };

  /** Drops what is queued and every later message. */
  close(): void {
    this.closed = true;
    this.buf = EMPTY;
    this.len = 0;
  }
}

/** Splits a byte stream into decoded messages. Throws on an oversized frame. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly onMessage: (msg: unknown) => void, private readonly fast: FastCodec | null = null) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const fast = this.fast;
    let off = 0;
    while (this.buf.length - off >= 4) {
      const len = this.buf.readUInt32BE(off);
      if (len > MAX_FRAME) throw new Error(`frame of ${len} bytes exceeds the ${MAX_FRAME} byte limit`);
      if (this.buf.length - off - 4 < len) break;
      const msg = len > 0 && fast !== null && this.buf[off + 4] === fast.mark ? fast.read(this.buf, off + 4, off + 4 + len) : unpackr.unpack(this.buf.subarray(off + 4, off + 4 + len));
      off += 4 + len;
      this.onMessage(msg);
    }
    this.buf = off === this.buf.length ? Buffer.alloc(0) : this.buf.subarray(off);
  }
}
