import type { NamespaceRow, Store } from '../../store';
import type { PlatformConfig } from '../config';
import { ApiError } from '../errors';

export type { NamespaceRow };

export const DEFAULT_NAMESPACE = 'default';
// SCF: 1-30 chars, letters, digits, '-' and '_', starting with a letter.
const NAMESPACE_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,29}$/;

export function assertNamespaceName(name: string): void {
  if (!NAMESPACE_PATTERN.test(name)) {
    throw new ApiError(
      'InvalidParameterValue.Namespace',
      `Namespace "${name}" is invalid: 1-30 characters of letters, digits, "-" and "_", starting with a letter.`,
    );
  }
}

/** Namespace life cycle: `default` always exists; names are immutable; a namespace must be empty to go. */
export class NamespaceService {
  constructor(
    private readonly store: Store,
    private readonly config: Readonly<PlatformConfig>,
  ) {}

  ensureDefault(): void {
    if (!this.store.namespaces.get(DEFAULT_NAMESPACE)) {
      const now = Date.now();
      this.store.namespaces.insert({ name: DEFAULT_NAMESPACE, description: 'default namespace', type: 'default', add_time: now, mod_time: now });
    }
  }

  /** The namespace row, or ResourceNotFound.Namespace. */
  get(name: string): NamespaceRow {
    const row = this.store.namespaces.get(name);
    if (!row) throw new ApiError('ResourceNotFound.Namespace', `Namespace ${name} does not exist.`);
    return row;
  }

  list(limit: number, offset: number): { rows: NamespaceRow[]; total: number } {
    return { rows: this.store.namespaces.list(limit, offset), total: this.store.namespaces.count() };
  }

  create(name: string, description: string): void {
    assertNamespaceName(name);
    if (name === DEFAULT_NAMESPACE) throw new ApiError('InvalidParameterValue.DefaultNamespace', 'The default namespace always exists and cannot be created.');
    if (description.length > 1000) throw new ApiError('InvalidParameterValue.Description', 'Description must be at most 1000 characters.');
    this.store.transaction(() => {
      if (this.store.namespaces.get(name)) throw new ApiError('ResourceInUse.Namespace', `Namespace ${name} already exists.`);
      // Function routes are /<namespace>/<function>/…: a namespace must not hide under an HTTP trigger's path (nor the reverse, core/routing/triggers.ts).
      const trigger = this.store.triggers.httpTriggerUnder(name);
      if (trigger) throw new ApiError('ResourceInUse.Namespace', `HTTP trigger ${trigger} serves paths under /${name}; a namespace of that name would share them.`);
      if (this.store.namespaces.count() >= this.config.maxNamespaces) {
        throw new ApiError('LimitExceeded.Namespace', `At most ${this.config.maxNamespaces} namespaces are allowed.`);
      }
      const now = Date.now();
      this.store.namespaces.insert({ name, description, type: 'default', add_time: now, mod_time: now });
    });
  }

  update(name: string, description: string): void {
    this.get(name);
    this.store.namespaces.updateDescription(name, description, Date.now());
  }

  delete(name: string): void {
    if (name === DEFAULT_NAMESPACE) throw new ApiError('FailedOperation.DeleteNamespace', 'The default namespace cannot be deleted.');
    this.store.transaction(() => {
      this.get(name);
      if (this.store.namespaces.functionCount(name) > 0) {
        throw new ApiError('ResourceInUse.Namespace', `Namespace ${name} still has functions; delete them first.`);
      }
      this.store.namespaces.delete(name);
    });
  }
}
