/**
 * The subset of Go's encoding/gob that net/rpc needs to talk to a Go
 * function built with the cloud's Go library: structs of bools, signed and
 * unsigned integers, floats (decoding), strings, byte slices, nested
 * structs (pointers are flattened, as gob does), slices, arrays and maps
 * (decoding). Interfaces and types with their own GobEncode are refused
 * with a clear error. Wire format: https://pkg.go.dev/encoding/gob.
 *
 * A gob stream is a sequence of messages [uint byteCount][int typeId][…]:
 * a negative id defines type -id (a wireType, sent once per stream before
 * its first value), a positive one carries a value of that type. Each
 * direction of a connection is its own stream, so an encoder remembers the
 * types it sent and a decoder the types it was sent.
 */

/** A type this encoder can send. Struct and slice types are compared by identity: define each once. */
export type GobType =
  | { readonly kind: 'bool' | 'int' | 'uint' | 'string' | 'bytes' }
  | { readonly kind: 'struct'; readonly name: string; readonly fields: ReadonlyArray<{ readonly name: string; readonly type: GobType }> }
  | { readonly kind: 'slice'; readonly name: string; readonly elem: GobType };

export const GOB_BOOL: GobType = Object.freeze({ kind: 'bool' });
export const GOB_INT: GobType = Object.freeze({ kind: 'int' });
export const GOB_UINT: GobType = Object.freeze({ kind: 'uint' });
export const GOB_STRING: GobType = Object.freeze({ kind: 'string' });
export const GOB_BYTES: GobType = Object.freeze({ kind: 'bytes' });

/** The ids gob predefines (encoding/gob type.go). */
const ID = { bool: 1, int: 2, uint: 3, float: 4, bytes: 5, string: 6, complex: 7, interface: 8 } as const;
/** The first id a stream may give its own types. */
const FIRST_USER_ID = 65;

export class GobError extends Error {
  override readonly name = 'GobError';
}

// ---------------------------------------------------------------- writing

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

// ---------------------------------------------------------------- reading

type WireType =
  | { kind: 'struct'; name: string; fields: Array<{ name: string; id: number }> }
  | { kind: 'slice'; name: string; elem: number }
  | { kind: 'array'; name: string; elem: number; len: number }
  | { kind: 'map'; name: string; key: number; elem: number };

class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer, private readonly end: number) {}

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** Bytes left in the message: a bound on how many elements a count may announce (each takes one at least). */
  remaining(): number {
    return this.end - this.pos;
  }

  private byte(): number {
    if (this.pos >= this.end) throw new GobError('message ends inside a value');
    return this.buf[this.pos++]!;
  }

  bigUint(): bigint {
    const first = this.byte();
    if (first < 128) return BigInt(first);
    const n = 256 - first;
    if (n > 8) throw new GobError(`an unsigned integer of ${n} bytes`);
    let v = 0n;
    for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(this.byte());
    return v;
  }

  uint(): number {
    return toNumber(this.bigUint());
  }

  int(): number {
    const u = this.bigUint();
    return toNumber((u & 1n) === 1n ? ~(u >> 1n) : u >> 1n);
  }

  float(): number {
    // The float64's bits, byte-reversed, as an unsigned integer.
    const u = this.bigUint();
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(u);
    return b.readDoubleBE(0);
  }

  bytes(): Buffer {
    const n = this.uint();
    if (this.pos + n > this.end) throw new GobError('a byte string runs past its message');
    const out = Buffer.from(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }

  string(): string {
    return this.bytes().toString('utf8');
  }
}

/** Integers come out as numbers: exact up to 2^53, which covers every field net/rpc and the function protocol carry. */
function toNumber(v: bigint): number {
  return Number(v);
}

/** A decoded value and the name of its type ('' for gob's own types). */
export interface GobValue {
  typeName: string;
  value: unknown;
}

/**
 * The reading side of a gob stream: bytes go in as they arrive (`push`),
 * whole values come out; the type definitions among them are kept for the
 * values that follow. Structs decode to plain objects keyed by field name
 * (absent fields are Go's zero values), []byte to a Buffer.
 */
export class GobDecoder {
  private readonly types = new Map<number, WireType>();
  private pending: Buffer = Buffer.alloc(0);
  /** The largest message accepted (a peer that announces more is broken or hostile). */
  constructor(private readonly maxMessageBytes = 64 * 1024 * 1024) {}

  /** Feeds bytes; returns the values completed by them, in order. Throws GobError on malformed input. */
  push(chunk: Buffer): GobValue[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const values: GobValue[] = [];
    for (;;) {
      const head = new Reader(this.pending, this.pending.length);
      let length: number;
      try {
        length = head.uint();
      } catch {
        break; // the count itself is not complete yet
      }
      if (length > this.maxMessageBytes) throw new GobError(`a gob message of ${length} bytes (limit ${this.maxMessageBytes})`);
      if (head.pos + length > this.pending.length) break;
      const r = new Reader(this.pending, head.pos + length);
      r.pos = head.pos;
      const id = r.int();
      if (id < 0) this.types.set(-id, readWireType(r));
      else values.push(this.topLevel(r, id));
      if (!r.done) throw new GobError(`${r.pos - head.pos} of ${length} bytes of a message were read`);
      this.pending = this.pending.subarray(head.pos + length);
    }
    return values;
  }

  private topLevel(r: Reader, id: number): GobValue {
    const wire = this.types.get(id);
    if (wire?.kind === 'struct') return { typeName: wire.name, value: this.struct(r, wire) };
    if (r.uint() !== 0) throw new GobError('a top-level value that is not a struct must start with 0');
    return { typeName: wire?.name ?? '', value: this.value(r, id) };
  }

  private struct(r: Reader, wire: Extract<WireType, { kind: 'struct' }>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    let field = -1;
    for (;;) {
      const delta = r.uint();
      if (delta === 0) return out;
      field += delta;
      const f = wire.fields[field];
      if (f === undefined) throw new GobError(`field ${field} of ${wire.name}, which has ${wire.fields.length}`);
      out[f.name] = this.value(r, f.id);
    }
  }

  private value(r: Reader, id: number): unknown {
    switch (id) {
      case ID.bool: return r.uint() !== 0;
      case ID.int: return r.int();
      case ID.uint: return r.uint();
      case ID.float: return r.float();
      case ID.bytes: return r.bytes();
      case ID.string: return r.string();
      case ID.complex: return [r.float(), r.float()];
      case ID.interface: throw new GobError('interface values are not supported');
      default:
    }
    const wire = this.types.get(id);
    if (wire === undefined) throw new GobError(`a value of type id ${id}, which was never defined`);
    switch (wire.kind) {
      case 'struct': return this.struct(r, wire);
      case 'slice':
      case 'array': {
        const n = r.uint();
        if (n > r.remaining()) throw new GobError(`${wire.name}: ${n} elements announced, more than the message holds`);
        return Array.from({ length: n }, () => this.value(r, wire.elem));
      }
      case 'map': {
        const n = r.uint();
        if (n > r.remaining()) throw new GobError(`${wire.name}: ${n} entries announced, more than the message holds`);
        const m = new Map<unknown, unknown>();
        for (let i = 0; i < n; i++) m.set(this.value(r, wire.key), this.value(r, wire.elem));
        return m;
      }
    }
  }
}

/** A wireType message body (after its negative id). */
function readWireType(r: Reader): WireType {
  let field = -1;
  let result: WireType | null = null;
  for (;;) {
    const delta = r.uint();
    if (delta === 0) break;
    field += delta;
    switch (field) {
      case 0: { // ArrayT: { CommonType, Elem, Len }
        const t = readFields(r, ['common', 'id', 'int']);
        result = { kind: 'array', name: t.name, elem: t.f1 ?? 0, len: t.f2 ?? 0 };
        break;
      }
      case 1: { // SliceT: { CommonType, Elem }
        const t = readFields(r, ['common', 'id']);
        result = { kind: 'slice', name: t.name, elem: t.f1 ?? 0 };
        break;
      }
      case 2: { // StructT: { CommonType, Field []fieldType }
        let name = '';
        const fields: Array<{ name: string; id: number }> = [];
        let f = -1;
        for (;;) {
          const d = r.uint();
          if (d === 0) break;
          f += d;
          if (f === 0) name = readCommon(r);
          else if (f === 1) {
            const n = r.uint();
            for (let i = 0; i < n; i++) {
              const ft = readFields(r, ['string', 'id']);
              fields.push({ name: ft.s0 ?? '', id: ft.f1 ?? 0 });
            }
          } else throw new GobError(`structType field ${f}`);
        }
        result = { kind: 'struct', name, fields };
        break;
      }
      case 3: { // MapT: { CommonType, Key, Elem }
        const t = readFields(r, ['common', 'id', 'id']);
        result = { kind: 'map', name: t.name, key: t.f1 ?? 0, elem: t.f2 ?? 0 };
        break;
      }
      default:
        throw new GobError('types with their own GobEncode/MarshalBinary/MarshalText are not supported');
    }
  }
  if (result === null) throw new GobError('an empty type definition');
  return result;
}

/** CommonType { Name string, Id int }: the name. */
function readCommon(r: Reader): string {
  return readFields(r, ['string', 'int']).s0 ?? '';
}

/** A small struct of the wireType family, fields by position: 'common' (CommonType), 'string', 'id'/'int'. */
function readFields(r: Reader, shape: Array<'common' | 'string' | 'id' | 'int'>): { name: string; s0?: string; f1?: number; f2?: number } {
  const out: { name: string; s0?: string; f1?: number; f2?: number } = { name: '' };
  let f = -1;
  for (;;) {
    const d = r.uint();
    if (d === 0) return out;
    f += d;
    const kind = shape[f];
    if (kind === undefined) throw new GobError(`unexpected field ${f} in a type definition`);
    if (kind === 'common') out.name = readCommon(r);
    else if (kind === 'string') out.s0 = r.string();
    else if (f === 1) out.f1 = r.int();
    else out.f2 = r.int();
  }
}
