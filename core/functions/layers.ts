/**
 * Layers (scf-api.md §3.7, spec/platform-semantics.md §1): named, numbered
 * zip packages functions bind (≤ 5, in order) and see merged as `/opt`.
 * A layer version's content is stored once, content-addressed, in the code
 * store (unpacked once; shared by every function that binds it and by any
 * package of the same bytes). Deleting a version refuses new bindings, and
 * bindings made before keep their content (store/layers.ts keeps the row
 * as `Deleted`). Quotas: `maxLayers` layers (20), `maxLayerVersions`
 * versions per layer (200).
 */
import type { CodePackage, LayerVersionWithSize, Store } from '../../store';
import type { PlatformConfig } from '../config';
import { optionalString, requiredString } from '../config';
import { ApiError, apiErrorFromStore } from '../errors';
import { readZipParam } from './function-code';
import { assertDescription, type LayerRef } from './function-config';
import { getRuntime } from './runtimes';

type Params = Record<string, unknown>;

/** One layer version as the API describes it (LayerVersionInfo, plus GetLayerVersion's CodeSha256). */
export interface LayerVersionView {
  name: string;
  version: number;
  description: string;
  licenseInfo: string;
  compatibleRuntimes: string[];
  codeSha256: string;
  status: string;
  addTime: number;
}

export interface LayerListQuery {
  offset: number;
  limit: number;
  /** Only layers whose newest version lists this runtime. */
  runtime?: string;
  /** Fuzzy (substring, case-insensitive) match on the layer name. */
  searchKey?: string;
}

// 1-64 letters, digits, '_' and '-', starting with a letter, not ending with '-' or '_'.
const LAYER_NAME = /^[A-Za-z](?:[A-Za-z0-9_-]{0,62}[A-Za-z0-9])?$/;
/** Compatible runtimes per layer version (spec: ≤ 5). */
const MAX_COMPATIBLE_RUNTIMES = 5;

export class LayerService {
  constructor(
    private readonly store: Store,
    private readonly config: Readonly<PlatformConfig>,
  ) {}

  /** PublishLayerVersion: validates, unpacks the content once, records the next version; returns its number. */
  async publish(params: Params): Promise<number> {
    const name = requiredString(params, 'LayerName', 'InvalidParameterValue.LayerName');
    if (!LAYER_NAME.test(name)) {
      throw new ApiError('InvalidParameterValue.LayerName', `LayerName ${JSON.stringify(name)} is invalid: 1-64 letters, digits, "_" and "-", starting with a letter, not ending with "-" or "_".`);
    }
    const runtimes = compatibleRuntimes(params['CompatibleRuntimes']);
    const description = optionalString(params, 'Description', 'InvalidParameterValue.Description') ?? '';
    assertDescription(description);
    const licenseInfo = optionalString(params, 'LicenseInfo', 'InvalidParameterValue.LicenseInfo') ?? '';
    const content = params['Content'];
    const zip = content === undefined || content === null ? undefined : readZipParam({ Code: content }, false);
    if (!zip) throw new ApiError('MissingParameter', 'The parameter Content (Content.ZipFile, base64 of a zip) is required.');
    this.assertQuota(name); // fail fast before the unzip; checked again in the transaction
    let pkg: CodePackage;
    try {
      pkg = await this.store.code.put(zip);
    } catch (err) {
      throw apiErrorFromStore(err);
    }
    return this.store.transaction(() => {
      this.assertQuota(name);
      this.store.code.recordBlob(pkg);
      const now = Date.now();
      const version = this.store.layers.claimNumber(name, now);
      this.store.layers.insertVersion({
        layer_name: name,
        version,
        description,
        compatible_runtimes: JSON.stringify(runtimes),
        license_info: licenseInfo,
        code_sha256: pkg.sha256,
        status: 'Active',
        add_time: now,
      });
      return version;
    });
  }

  /** ListLayers: each layer with its newest version, filtered and paged. */
  list(query: LayerListQuery): { rows: LayerVersionView[]; total: number } {
    if (query.runtime !== undefined) getRuntime(query.runtime);
    const search = query.searchKey?.toLowerCase();
    const rows = this.store.layers
      .latest()
      .map(viewOf)
      .filter((l) => (search === undefined || l.name.toLowerCase().includes(search)) && (query.runtime === undefined || l.compatibleRuntimes.includes(query.runtime)));
    return { rows: rows.slice(query.offset, query.offset + query.limit), total: rows.length };
  }

  /** ListLayerVersions: the layer's versions, newest first; only those listing one of `runtimes` when given. ResourceNotFound.Layer. */
  versions(name: string, runtimes?: readonly string[]): LayerVersionView[] {
    for (const runtime of runtimes ?? []) getRuntime(runtime);
    const rows = this.store.layers.versions(name).map(viewOf);
    if (rows.length === 0) throw new ApiError('ResourceNotFound.Layer', `Layer ${name} does not exist.`);
    return runtimes === undefined || runtimes.length === 0 ? rows : rows.filter((l) => l.compatibleRuntimes.some((r) => runtimes.includes(r)));
  }

  /** GetLayerVersion. ResourceNotFound.LayerVersion (deleted versions included). */
  get(name: string, version: number): LayerVersionView {
    return viewOf(this.active(name, version));
  }

  /** A bound layer version as GetFunction lists it: deleted ones too (status `Deleted`); undefined if unknown. */
  bound(name: string, version: number): LayerVersionView | undefined {
    const row = this.store.layers.getVersion(name, version);
    return row ? viewOf(row) : undefined;
  }

  /** DeleteLayerVersion: new bindings are refused from now on; existing ones keep the content. */
  delete(name: string, version: number): void {
    this.store.transaction(() => {
      this.active(name, version);
      this.store.layers.deleteVersion(name, version);
    });
  }

  private active(name: string, version: number): LayerVersionWithSize {
    const row = this.store.layers.getVersion(name, version);
    if (!row || row.status !== 'Active') throw new ApiError('ResourceNotFound.LayerVersion', `Layer ${name} has no version ${version}.`);
    return row;
  }

  private assertQuota(name: string): void {
    const versions = this.store.layers.activeVersionCount(name);
    if (versions === 0 && this.store.layers.activeLayerCount() >= this.config.maxLayers) {
      throw new ApiError('LimitExceeded.Layers', `At most ${this.config.maxLayers} layers are allowed.`);
    }
    if (versions >= this.config.maxLayerVersions) {
      throw new ApiError('LimitExceeded.LayerVersions', `Layer ${name} already has the maximum of ${this.config.maxLayerVersions} versions.`);
    }
  }
}

/**
 * Checks the layers a function version is to bind: each exists and is not
 * deleted (ResourceNotFound.Layer naming it), and code + layers unpack to at
 * most `maxUnpackedBytes` (InvalidParameterValue.Layers). Call inside the
 * transaction that stores the binding.
 */
export function assertLayersBindable(store: Store, layers: readonly LayerRef[], codeUnpackedBytes: number, maxUnpackedBytes: number): void {
  for (const ref of layers) {
    if (store.layers.getVersion(ref.LayerName, ref.LayerVersion)?.status !== 'Active') {
      throw new ApiError('ResourceNotFound.Layer', `Layer ${ref.LayerName} version ${ref.LayerVersion} does not exist.`);
    }
  }
  assertFits(store, layers, codeUnpackedBytes, maxUnpackedBytes);
}

/**
 * Code + bound layers (deleted ones included: they stay bound) unpack to at
 * most `maxUnpackedBytes` (spec: 500 MB); else InvalidParameterValue.Layers.
 */
export function assertFits(store: Store, layers: readonly LayerRef[], codeUnpackedBytes: number, maxUnpackedBytes: number): void {
  let total = codeUnpackedBytes;
  for (const ref of layers) total += store.layers.getVersion(ref.LayerName, ref.LayerVersion)?.unpacked_size ?? 0;
  if (layers.length > 0 && total > maxUnpackedBytes) {
    throw new ApiError('InvalidParameterValue.Layers', `Layers: the code package and its ${layers.length} layers unpack to ${total} bytes, over the ${maxUnpackedBytes}-byte limit.`);
  }
}

/** The unpacked directories of a version's layers, in binding order (deleted versions still resolve). */
export function layerDirsOf(store: Store, layers: readonly LayerRef[]): string[] {
  return layers.map((ref) => {
    const row = store.layers.getVersion(ref.LayerName, ref.LayerVersion);
    if (!row) throw new ApiError('FailedOperation.FunctionStatusError', `Layer ${ref.LayerName} version ${ref.LayerVersion} is missing from the store.`);
    return store.code.dirOf(row.code_sha256);
  });
}

function compatibleRuntimes(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_COMPATIBLE_RUNTIMES || !value.every((r) => typeof r === 'string')) {
    throw new ApiError('InvalidParameterValue.CompatibleRuntimes', `CompatibleRuntimes must be a list of 1 to ${MAX_COMPATIBLE_RUNTIMES} runtime names.`);
  }
  const runtimes = [...new Set(value as string[])];
  for (const runtime of runtimes) getRuntime(runtime);
  return runtimes;
}

function viewOf(row: LayerVersionWithSize): LayerVersionView {
  return {
    name: row.layer_name,
    version: row.version,
    description: row.description,
    licenseInfo: row.license_info,
    compatibleRuntimes: JSON.parse(row.compatible_runtimes) as string[],
    codeSha256: row.code_sha256,
    status: row.status,
    addTime: row.add_time,
  };
}
