/**
 * `random(n)`: n bytes (1–65536, else 4096) from the host's CSPRNG as a
 * Latin-1 string, the pool behind crypto.getRandomValues and randomUUID.
 */
import crypto from 'node:crypto';
import ivm from 'isolated-vm';

export function randomCapability(): ivm.Callback {
  return new ivm.Callback((n: unknown): string => crypto.randomBytes(typeof n === 'number' && n > 0 && n <= 65536 ? n : 4096).toString('latin1'));
}
