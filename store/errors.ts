/**
 * The store's own errors: a `StoreError` carries a stable `code` from the
 * closed list below, named by what happened. Callers match on `code`
 * (`isStoreError`), never with `instanceof`, so an error still matches when
 * it was made by another copy of this module or crossed a thread (undici's
 * convention). The store knows nothing of the control API:
 * core/errors/from-store.ts maps each code to the API's code. Messages name
 * what is at fault (the entry, the limit) in words meant for whoever sent
 * the package, so callers may pass them on unchanged.
 *
 * Errors that are bugs of the caller (a sha256 that is not one, a zip that is
 * not a Buffer) and platform failures (disk full, permissions: Node's own
 * `E…` errors) are not StoreErrors.
 */

/** Every code a StoreError can carry, with what it means. */
export const STORE_ERROR_CODES = Object.freeze({
  /** The bytes are not a readable zip: no end record, a truncated central directory, inconsistent headers. */
  ZIP_INVALID: 'ZIP_INVALID',
  /** The zip has more entries than `maxFiles` (counted from the end record, before any entry is read). */
  ZIP_TOO_MANY_ENTRIES: 'ZIP_TOO_MANY_ENTRIES',
  /** The unpacked files would exceed `maxUnpackedBytes`, by their declared sizes or as they stream. */
  ZIP_TOO_LARGE: 'ZIP_TOO_LARGE',
  /** An entry inflates beyond `maxCompressionRatio` (a zip bomb?), by its declared sizes or as it streams. */
  ZIP_RATIO_TOO_HIGH: 'ZIP_RATIO_TOO_HIGH',
  /** An entry's name is unsafe or empty: a NUL byte, a backslash, an absolute path, a `..` component, a component over 255 bytes. */
  ZIP_BAD_ENTRY_NAME: 'ZIP_BAD_ENTRY_NAME',
  /** Two entries have the same name once normalised (`./a`, `a`, `a//`). */
  ZIP_DUPLICATE_ENTRY: 'ZIP_DUPLICATE_ENTRY',
  /** An entry the store does not unpack: encrypted, compressed other than stored/deflate, or a special file (fifo, device, socket). */
  ZIP_UNSUPPORTED_ENTRY: 'ZIP_UNSUPPORTED_ENTRY',
  /**
   * An entry's data is damaged or cannot be unpacked: a CRC-32 mismatch, data
   * that does not inflate or differs from its declared size, a folder entry
   * with data, a clash on disk a crafted entry causes (EEXIST, ENOTDIR…).
   */
  ZIP_ENTRY_CORRUPT: 'ZIP_ENTRY_CORRUPT',
  /** An entry would be written inside a file or through a symlink of the same package. */
  ZIP_PATH_CONFLICT: 'ZIP_PATH_CONFLICT',
  /** A symlink that is not kept: its target is absolute, outside the package, missing, a loop, empty or too long. */
  ZIP_BAD_SYMLINK: 'ZIP_BAD_SYMLINK',
  /** None of the entry-file candidates is at the package root, but one is deeper (the message says where). */
  ENTRY_FILE_NOT_AT_ROOT: 'ENTRY_FILE_NOT_AT_ROOT',
  /** None of the entry-file candidates is anywhere in the package. */
  ENTRY_FILE_MISSING: 'ENTRY_FILE_MISSING',
} as const);

export type StoreErrorCode = keyof typeof STORE_ERROR_CODES;

/** An error the store reports about its input; match it with `isStoreError` and its `code`. */
export class StoreError extends Error {
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}

/** Whether `err` is a StoreError: an object whose `code` is one of STORE_ERROR_CODES (not an `instanceof` check). */
export function isStoreError(err: unknown): err is StoreError {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && Object.hasOwn(STORE_ERROR_CODES, code);
}
