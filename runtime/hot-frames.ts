/**
 * A fixed binary layout for the two frames every web request sends — `http`
 * (parent → host, when it carries no spec) and `hfinal` (host → parent) — and
 * the two every WebSocket message sends — `wsmsg` (a client frame, parent →
 * host) and `wssend` (the function's frame, host → parent) — in place of
 * msgpack. Generic msgpack walked these objects key by key on both
 * sides (~10 µs of CPU per request over the two processes, measured with
 * perf on the hello bench); here each field is written and read at a known
 * place. Every other frame, and these two when they do not fit the layout,
 * stay msgpack: FrameReader tells them apart by the first payload byte, 0xc1,
 * which msgpack never emits.
 *
 * Layout after the marker and a type byte: strings as [u32 byte length][UTF-8],
 * byte bodies as [u32 length][bytes] or u32 0xffffffff for null. The
 * `hfinal` outcome keeps kind, durationMs, memUsageBytes and
 * instanceId in fixed fields; any other member (non-empty logs, coldStart,
 * errorMessage…) rides as one JSON string, '' when there is none.
 * `wsmsg` / `wssend`: a flags byte (1 = binary), the id, then the data as a
 * string (text) or byte body (binary), so text stays text and binary bytes.
 */
import type { FastCodec, FrameSpace } from '../native';
import type { FromHost, ToHost } from './protocol';
import type { ExecutorOutcome } from './types';

/** First payload byte of a hot frame (0xc1 is "never used" in msgpack). */
export const HOT_MARK = 0xc1;
const T_HTTP = 1;
const T_HFINAL = 2;
const T_WSMSG = 3;
const T_WSSEND = 4;
const NULL_LEN = 0xffffffff;

type HttpFrame = Extract<ToHost, { t: 'http' }>;
type FinalFrame = Extract<FromHost, { t: 'hfinal' }>;
type WsDataFrame = Extract<ToHost, { t: 'wsmsg' }> | Extract<FromHost, { t: 'wssend' }>;

/** Outcome members with a fixed place in `hfinal`; everything else goes into its JSON tail. */
const FIXED = new Set(['kind', 'durationMs', 'memUsageBytes', 'instanceId', 'logs']);

/** Worst-case UTF-8 bytes of a string plus its length prefix. */
function strMax(s: string): number {
  return 4 + s.length * 3;
}

function bytesMax(b: Uint8Array | null): number {
  return 4 + (b === null ? 0 : b.byteLength);
}

/** Node's Buffer methods without argument parsing (offsets here are always in range). */
interface RawBuffer extends Buffer {
  utf8Write(s: string, offset: number): number;
  utf8Slice(start: number, end: number): string;
}

/** Strings up to this length are written byte by byte when ASCII (a native call costs more than the loop). */
const SHORT = 64;

/** Writes [u32 length][utf8] at `off`; returns the offset after it. */
function putStr(buf: Buffer, off: number, s: string): number {
  const len = s.length;
  if (len <= SHORT) {
    let i = 0;
    for (; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) break;
      buf[off + 4 + i] = c;
    }
    if (i === len) {
      putU32(buf, off, len);
      return off + 4 + len;
    }
  }
  const n = (buf as RawBuffer).utf8Write(s, off + 4);
  putU32(buf, off, n);
  return off + 4 + n;
}

function putU32(buf: Buffer, off: number, v: number): void {
  buf[off] = v;
  buf[off + 1] = v >>> 8;
  buf[off + 2] = v >>> 16;
  buf[off + 3] = v >>> 24;
}

function putBytes(buf: Buffer, off: number, b: Uint8Array | null): number {
  if (b === null) {
    putU32(buf, off, NULL_LEN);
    return off + 4;
  }
  putU32(buf, off, b.byteLength);
  buf.set(b, off + 4);
  return off + 4 + b.byteLength;
}

/** The outcome's members outside the fixed fields, as JSON ('' when none). */
function outcomeTail(o: ExecutorOutcome): string {
  let extra: Record<string, unknown> | null = null;
  for (const k in o) {
    if (FIXED.has(k)) continue;
    const v = (o as unknown as Record<string, unknown>)[k];
    if (v !== undefined) (extra ??= {})[k] = v;
  }
  if (o.logs.length > 0) (extra ??= {}).logs = o.logs;
  return extra === null ? '' : JSON.stringify(extra);
}

/**
 * Appends the whole frame ([u32 BE length] + payload) of a hot message to
 * `out` and returns true, or returns false (nothing written) when `msg` is
 * not one: the caller packs it with msgpack.
 */
export function writeHot(msg: unknown, out: FrameSpace): boolean {
  const t = (msg as { t?: unknown }).t;
  if (t === 'http') {
    const m = msg as HttpFrame;
    if (m.spec !== undefined) return false;
    out.ensure(4 + 3 + strMax(m.id) + strMax(m.k) + strMax(m.m) + strMax(m.u) + strMax(m.h) + bytesMax(m.b));
    const buf = out.buf;
    const start = out.len;
    buf[start + 4] = HOT_MARK;
    buf[start + 5] = T_HTTP;
    buf[start + 6] = m.s ? 1 : 0;
    let off = putStr(buf, start + 7, m.id);
    off = putStr(buf, off, m.k);
    off = putStr(buf, off, m.m);
    off = putStr(buf, off, m.u);
    off = putStr(buf, off, m.h);
    off = putBytes(buf, off, m.b);
    buf.writeUInt32BE(off - start - 4, start);
    out.len = off;
    return true;
  }
  if (t === 'hfinal') {
    const m = msg as FinalFrame;
    const o = m.outcome;
    // Anything the fixed fields cannot hold exactly goes the generic way (the parent checks it there).
    if (!Number.isInteger(m.s) || m.s < 0 || m.s > 0xffff || !Array.isArray(o.logs) || typeof o.instanceId !== 'string') return false;
    const tail = outcomeTail(o);
    out.ensure(4 + 2 + 2 + strMax(m.id) + strMax(m.h) + bytesMax(m.b) + strMax(o.kind) + 16 + strMax(o.instanceId) + strMax(tail));
    const buf = out.buf;
    const start = out.len;
    buf[start + 4] = HOT_MARK;
    buf[start + 5] = T_HFINAL;
    buf.writeUInt16LE(m.s, start + 6);
    let off = putStr(buf, start + 8, m.id);
    off = putStr(buf, off, m.h);
    off = putBytes(buf, off, m.b);
    off = putStr(buf, off, o.kind);
    buf.writeDoubleLE(o.durationMs, off);
    buf.writeDoubleLE(o.memUsageBytes, off + 8);
    off = putStr(buf, off + 16, o.instanceId);
    off = putStr(buf, off, tail);
    buf.writeUInt32BE(off - start - 4, start);
    out.len = off;
    return true;
  }
  if (t === 'wsmsg' || t === 'wssend') {
    const m = msg as WsDataFrame;
    const d = m.d;
    const text = typeof d === 'string';
    // A malformed frame goes the generic way, where the receiver's schema check refuses it.
    if (typeof m.id !== 'string' || (!text && !(d instanceof Uint8Array))) return false;
    out.ensure(4 + 3 + strMax(m.id) + (text ? strMax(d) : bytesMax(d)));
    const buf = out.buf;
    const start = out.len;
    buf[start + 4] = HOT_MARK;
    buf[start + 5] = t === 'wsmsg' ? T_WSMSG : T_WSSEND;
    buf[start + 6] = text ? 0 : 1;
    let off = putStr(buf, start + 7, m.id);
    off = text ? putStr(buf, off, d) : putBytes(buf, off, d);
    buf.writeUInt32BE(off - start - 4, start);
    out.len = off;
    return true;
  }
  return false;
}

/** Reads hot frames; `end` bounds every field (a bad length throws). */
class Cursor {
  constructor(
    private readonly buf: Buffer,
    public off: number,
    private readonly end: number,
  ) {}

  private need(n: number): void {
    if (this.off + n > this.end) throw new Error('truncated hot frame');
  }

  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16LE(this.off);
    this.off += 2;
    return v;
  }

  f64(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.off);
    this.off += 8;
    return v;
  }

  private u32(): number {
    this.need(4);
    const b = this.buf;
    const o = this.off;
    return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16)) + b[o + 3]! * 0x1000000;
  }

  str(): string {
    const n = this.u32();
    this.need(4 + n);
    const start = this.off + 4;
    this.off = start + n;
    if (n === 0) return '';
    return (this.buf as RawBuffer).utf8Slice(start, start + n);
  }

  /** A view into the frame buffer (as msgpack's bin is), or null. */
  bytes(): Uint8Array | null {
    const n = this.u32();
    if (n === NULL_LEN) {
      this.off += 4;
      return null;
    }
    this.need(4 + n);
    const b = this.buf.subarray(this.off + 4, this.off + 4 + n);
    this.off += 4 + n;
    return b;
  }
}

/** Decodes the hot frame in buf[start, end) (buf[start] is HOT_MARK). Throws on a malformed one. */
export function decodeHot(buf: Buffer, start: number, end: number): ToHost | FromHost {
  const type = buf[start + 1];
  if (type === T_HTTP) {
    const flags = buf[start + 2]!;
    const c = new Cursor(buf, start + 3, end);
    const id = c.str();
    const k = c.str();
    const m = c.str();
    const u = c.str();
    const h = c.str();
    const b = c.bytes();
    return { t: 'http', id, k, m, u, h, b, s: (flags & 1) === 1 };
  }
  if (type === T_HFINAL) {
    const c = new Cursor(buf, start + 2, end);
    const s = c.u16();
    const id = c.str();
    const h = c.str();
    const b = c.bytes();
    const kind = c.str() as ExecutorOutcome['kind'];
    const durationMs = c.f64();
    const memUsageBytes = c.f64();
    const instanceId = c.str();
    const tail = c.str();
    const outcome: ExecutorOutcome = { kind, logs: [], durationMs, memUsageBytes, instanceId };
    if (tail !== '') {
      const extra = JSON.parse(tail) as Record<string, unknown>;
      for (const key of Object.keys(extra)) if (key !== '__proto__') (outcome as unknown as Record<string, unknown>)[key] = extra[key];
    }
    return { t: 'hfinal', id, s, h, b, outcome };
  }
  if (type === T_WSMSG || type === T_WSSEND) {
    const binary = (buf[start + 2]! & 1) === 1;
    const c = new Cursor(buf, start + 3, end);
    const id = c.str();
    const d = binary ? c.bytes() : c.str();
    if (d === null) throw new Error('WebSocket hot frame without data');
    return type === T_WSMSG ? { t: 'wsmsg', id, d } : { t: 'wssend', id, d };
  }
  throw new Error(`unknown hot frame type ${String(type)}`);
}

/** The hot layout as native's frames take it (runtime/frames.ts). */
export const HOT_CODEC: FastCodec = { mark: HOT_MARK, write: writeHot, read: decodeHot };
