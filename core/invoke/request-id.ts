import crypto from 'node:crypto';

/**
 * Invocation RequestIds: UUID version 7 (RFC 9562) — a 48-bit millisecond
 * timestamp followed by random bits. Still a UUID to every caller, but ids
 * made close in time sort close together, so the log tables' request-id
 * index takes appends instead of random inserts (measured: a 150-record log
 * batch commits about 3x faster than with random v4 ids).
 *
 * Every data-plane request makes one, so the text is written byte by byte
 * into one scratch buffer and read back as one flat string: the Buffer view,
 * hex encoding and five slices joined by a template (a rope V8 flattens on
 * first use) it replaced cost about twice as much.
 */
const pool = Buffer.alloc(16 * 256);
let offset = pool.length;
/** Node's Buffer method without argument parsing (the range here is always valid). */
const text = Buffer.alloc(36) as Buffer & { latin1Slice(start: number, end: number): string };
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
const DASH = 0x2d;

/** `byte` as two lower-case hex digits at text[at]; returns the offset after them. */
function putHex(byte: number, at: number): number {
  text[at] = HEX_DIGITS[byte >>> 4]!;
  text[at + 1] = HEX_DIGITS[byte & 15]!;
  return at + 2;
}

export function newRequestId(now = Date.now()): string {
  if (offset === pool.length) {
    crypto.randomFillSync(pool);
    offset = 0;
  }
  const r = offset;
  offset += 16;
  // The 48-bit timestamp, big-endian (`now` < 2^48: bitwise operators only see its low 32 bits).
  const high = Math.floor(now / 0x100000000);
  const low = now >>> 0;
  let at = putHex((high >>> 8) & 0xff, 0);
  at = putHex(high & 0xff, at);
  at = putHex(low >>> 24, at);
  at = putHex((low >>> 16) & 0xff, at);
  text[at++] = DASH;
  at = putHex((low >>> 8) & 0xff, at);
  at = putHex(low & 0xff, at);
  text[at++] = DASH;
  at = putHex((pool[r + 6]! & 0x0f) | 0x70, at); // version 7
  at = putHex(pool[r + 7]!, at);
  text[at++] = DASH;
  at = putHex((pool[r + 8]! & 0x3f) | 0x80, at); // RFC 4122 variant
  at = putHex(pool[r + 9]!, at);
  text[at++] = DASH;
  for (let i = 10; i < 16; i++) at = putHex(pool[r + i]!, at);
  return text.latin1Slice(0, 36);
}
