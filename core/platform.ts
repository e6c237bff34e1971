import fs from 'node:fs';
import { openStore, type Store } from '../store';
import type { PlatformConfig } from './config';
import { ensureIdentity, type AccountIdentity } from './identity';
import { FunctionService } from './functions';
import { NamespaceService } from './namespaces';

/**
 * Everything behind the gateway: the store and the services the control API
 * and data plane call. Built once per process by `startPlatform`.
 */
export interface Platform {
  readonly config: Readonly<PlatformConfig>;
  readonly store: Store;
  readonly identity: AccountIdentity;
  readonly startedAt: number;
  readonly namespaces: NamespaceService;
  readonly functions: FunctionService;
  /** Flushes pending writes and closes the store; idempotent. */
  close(): Promise<void>;
}

export interface StartedPlatform {
  platform: Platform;
  /** True when this start created the data directory's credentials. */
  createdCredentials: boolean;
}

/** Composition root of the core: opens the data directory and wires services. */
export async function startPlatform(config: Readonly<PlatformConfig>): Promise<StartedPlatform> {
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const store = openStore(config.dataDir, {
    maxUnpackedBytes: config.maxUnpackedBytes,
    maxFiles: config.maxPackageFiles,
    maxCompressionRatio: config.maxCompressionRatio,
  });
  const { identity, created } = ensureIdentity(store, config.dataDir);
  const namespaces = new NamespaceService(store, config);
  namespaces.ensureDefault();
  const functions = new FunctionService(store, config, namespaces);
  sweepCode(store);

  let closing: Promise<void> | undefined;
  const platform: Platform = {
    config,
    store,
    identity,
    startedAt: Date.now(),
    namespaces,
    functions,
    close() {
      closing ??= (async () => {
        store.close();
      })();
      return closing;
    },
  };
  return { platform, createdCredentials: created };
}

/**
 * Removes code packages no row references (left by a crash between unzip and
 * commit, or by deleted functions). A failed sweep only wastes disk, so it is
 * reported and start-up goes on.
 */
function sweepCode(store: Store): void {
  try {
    store.code.sweep();
  } catch (err) {
    console.warn(`[platform] code sweep failed: ${(err as Error).message}`);
  }
}
