/** The reading side of a gob stream (gob-types.ts says which subset of encoding/gob). */
import { GobError, ID } from './gob-types';

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
