/** The writing side of a gob stream (gob-types.ts says which subset of encoding/gob). */
import { FIRST_USER_ID, GobError, ID, type GobType } from './gob-types';

class Writer {
  private buf = Buffer.allocUnsafe(256);
  len = 0;

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  /** gob's unsigned integer: < 128 in one byte, else the negated byte count then big-endian bytes. */
  uint(v: number | bigint): void {
    let n = BigInt(v);
    if (n < 0n || n > 0xffffffffffffffffn) throw new GobError(`${v} does not fit a uint64`);
    this.room(9);
    if (n < 128n) {
      this.buf[this.len++] = Number(n);
      return;
    }
    const bytes: number[] = [];
    while (n > 0n) {
      bytes.unshift(Number(n & 0xffn));
      n >>= 8n;
    }
    this.buf[this.len++] = 256 - bytes.length;
    for (const b of bytes) this.buf[this.len++] = b;
  }

  /** gob's signed integer: zig-zag into an unsigned one (bit 0 = complement). */
  int(v: number | bigint): void {
    const n = BigInt(v);
    this.uint(n < 0n ? ((~n) << 1n) | 1n : n << 1n);
  }

  bytes(b: Uint8Array): void {
    this.uint(b.length);
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  string(s: string): void {
    this.bytes(Buffer.from(s, 'utf8'));
  }

  take(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

/**
 * One direction of a gob stream: `encode(type, value)` returns the bytes
 * of the value's message, preceded by the definitions of the types this
 * stream has not sent yet.
 */
export class GobEncoder {
  private readonly ids = new Map<GobType, number>();
  private nextId = FIRST_USER_ID;

  encode(type: GobType, value: unknown): Buffer {
    const out: Buffer[] = [];
    this.define(type, out);
    const w = new Writer();
    w.int(this.idOf(type));
    // A top-level value that is not a struct is sent as a struct's field 0 would be (gob's "singleton").
    if (type.kind === 'struct') this.struct(w, type, value);
    else {
      w.uint(0);
      this.value(w, type, value);
    }
    out.push(message(w.take()));
    return Buffer.concat(out);
  }

  private idOf(type: GobType): number {
    switch (type.kind) {
      case 'bool': return ID.bool;
      case 'int': return ID.int;
      case 'uint': return ID.uint;
      case 'string': return ID.string;
      case 'bytes': return ID.bytes;
      default: {
        const id = this.ids.get(type);
        if (id === undefined) throw new GobError(`type ${type.name} was not defined on this stream`);
        return id;
      }
    }
  }

  /** Gives `type` (and the types it uses) ids and appends their definitions; each once per stream. */
  private define(type: GobType, out: Buffer[]): void {
    if (type.kind !== 'struct' && type.kind !== 'slice') return;
    if (this.ids.has(type)) return;
    const id = this.nextId++;
    this.ids.set(type, id);
    const parts = type.kind === 'struct' ? type.fields.map((f) => f.type) : [type.elem];
    for (const p of parts) this.define(p, out);
    const w = new Writer();
    w.int(-id);
    // wireType { ArrayT 0, SliceT 1, StructT 2, MapT 3, … }: the field of this kind, then the end.
    if (type.kind === 'struct') {
      w.uint(3); // StructT
      w.uint(1); // structType.CommonType
      commonType(w, type.name, id);
      if (type.fields.length > 0) {
        w.uint(1); // structType.Field
        w.uint(type.fields.length);
        for (const f of type.fields) {
          w.uint(1); // fieldType.Name
          w.string(f.name);
          w.uint(1); // fieldType.Id
          w.int(this.idOf(f.type));
          w.uint(0);
        }
      }
      w.uint(0); // end of structType
    } else {
      w.uint(2); // SliceT
      w.uint(1); // sliceType.CommonType
      commonType(w, type.name, id);
      w.uint(1); // sliceType.Elem
      w.int(this.idOf(type.elem));
      w.uint(0); // end of sliceType
    }
    w.uint(0); // end of wireType
    out.push(message(w.take()));
  }

  /** A struct's fields in order, each zero value left out (as gob does), then the end mark. */
  private struct(w: Writer, type: Extract<GobType, { kind: 'struct' }>, value: unknown): void {
    const obj = (value ?? {}) as Record<string, unknown>;
    let last = -1;
    type.fields.forEach((f, i) => {
      const v = obj[f.name];
      if (isZero(f.type, v)) return;
      w.uint(i - last);
      last = i;
      this.value(w, f.type, v);
    });
    w.uint(0);
  }

  private value(w: Writer, type: GobType, v: unknown): void {
    switch (type.kind) {
      case 'bool': w.uint(v === true ? 1 : 0); return;
      case 'int': w.int(integer(v)); return;
      case 'uint': w.uint(integer(v)); return;
      case 'string':
        if (typeof v !== 'string') throw new GobError(`expected a string, got ${typeof v}`);
        w.string(v);
        return;
      case 'bytes':
        if (!(v instanceof Uint8Array)) throw new GobError(`expected bytes, got ${typeof v}`);
        w.bytes(v);
        return;
      case 'struct': this.struct(w, type, v); return;
      case 'slice': {
        if (!Array.isArray(v)) throw new GobError(`expected an array for ${type.name}`);
        w.uint(v.length);
        for (const e of v) this.value(w, type.elem, e);
      }
    }
  }
}

function commonType(w: Writer, name: string, id: number): void {
  w.uint(1); // CommonType.Name
  w.string(name);
  w.uint(1); // CommonType.Id
  w.int(id);
  w.uint(0);
}

function message(body: Buffer): Buffer {
  const w = new Writer();
  w.uint(body.length);
  return Buffer.concat([w.take(), body]);
}

function integer(v: unknown): number | bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw new GobError(`expected an integer, got ${String(v)}`);
}

/** gob leaves out zero-valued fields; a nil pointer (null/undefined) is left out too. Structs are always sent. */
function isZero(type: GobType, v: unknown): boolean {
  if (v === undefined || v === null) return true;
  switch (type.kind) {
    case 'bool': return v === false;
    case 'int':
    case 'uint': return v === 0 || v === 0n;
    case 'string': return v === '';
    case 'bytes': return v instanceof Uint8Array && v.length === 0;
    case 'slice': return Array.isArray(v) && v.length === 0;
    case 'struct': return false;
  }
}
