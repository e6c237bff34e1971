/**
 * Content-addressed code packages (function code and layers).
 *
 * CONTRACT (implemented by the code-store work; callers rely on exactly this):
 * - `put(zip, opts)` validates the zip as hostile input, stores the bytes at
 *   `<dataDir>/code/zips/<sha256>.zip` and unpacks them once into the
 *   read-only tree `<dataDir>/code/trees/<sha256>/`, atomically (temp dir +
 *   rename), and returns the package facts. Putting the same bytes twice is
 *   cheap and returns the same sha256. It does NOT write the `code_blobs` row:
 *   the caller records it (`recordBlob`) inside the same transaction that
 *   creates the function/version/layer, so a failed write leaves nothing
 *   half-created in the database; trees without a row are removed by `sweep()`.
 * - Errors are ApiError with code `InvalidParameterValue.ZipFile` (bad zip,
 *   unsafe entry, limits, zip bomb) naming the entry at fault, or
 *   `InvalidParameterValue.Handler` when none of `entryCandidates` is at the
 *   package root (the message says where it was found instead, if anywhere).
 */
import type { Db } from './db';

export interface CodeStoreLimits {
  maxUnpackedBytes: number;
  maxFiles: number;
  maxCompressionRatio: number;
}

export interface PutOptions {
  /** File names, one of which must exist at the package root (e.g. ['index.js','index.mjs','index.cjs']); empty = no check. */
  entryCandidates?: readonly string[];
}

export interface CodePackage {
  sha256: string;
  zipSize: number;
  unpackedSize: number;
  fileCount: number;
  /** Absolute path of the unpacked read-only tree. */
  dir: string;
}

export class CodeStore {
  constructor(
    readonly dataDir: string,
    private readonly db: Db,
    private readonly limits: CodeStoreLimits,
  ) {}

  async put(_zip: Buffer, _opts: PutOptions = {}): Promise<CodePackage> {
    throw new Error('CodeStore.put: not implemented yet');
  }

  /** Inserts the code_blobs row for a package (idempotent); call inside the creating transaction. */
  recordBlob(_pkg: CodePackage): void {
    throw new Error('CodeStore.recordBlob: not implemented yet');
  }

  /** Absolute path of the unpacked tree of `sha256` (which must have been put). */
  dirOf(sha256: string): string {
    return `${this.dataDir}/code/trees/${sha256}`;
  }

  /** The original zip bytes (for CopyFunction and code download). */
  async readZip(_sha256: string): Promise<Buffer> {
    throw new Error('CodeStore.readZip: not implemented yet');
  }

  /** Removes zips/trees that no code_blobs row references, and blobs no version/layer references. Run at start-up. */
  sweep(): void {
    throw new Error('CodeStore.sweep: not implemented yet');
  }
}
