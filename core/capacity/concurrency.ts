/**
 * The concurrency quotas behind the control API (scf-api.md §3.8): reserved
 * concurrency memory per function (column `functions.reserved_memory`, NULL =
 * none) and the account's total quota (setting `concurrency.total_mem`, the
 * config's `accountConcurrencyMb` until one is set). Every change is written
 * to the store first and then pushed into the AdmissionController, so the
 * request path reads only memory.
 *
 * Invariant kept on every write: Σ reserved ≤ total − unreservedFloorMb.
 */
import type { FunctionRow, Store } from '../../store';
import type { AdmissionController } from './admission';
import type { PlatformConfig } from '../config';
import { ApiError } from '../errors';
import type { FunctionChange, FunctionService } from '../functions';
import type { NamespaceService } from '../account';

/** Settings key of the account quota set with PutTotalConcurrencyConfig (MB). */
export const TOTAL_MEM_SETTING = 'concurrency.total_mem';

/** Account concurrency figures for GetAccount, MB. */
export interface ConcurrencyTotals {
  /** The account quota in force. */
  totalMb: number;
  /** Σ reserved over all functions. */
  reservedMb: number;
  /** Σ reserved per namespace (namespaces without reservations are absent). */
  reservedByNamespace: Map<string, number>;
  /** What always stays unreserved. */
  floorMb: number;
}

export class ConcurrencyService {
  private totalMb: number;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: Store,
    private readonly config: Readonly<PlatformConfig>,
    private readonly namespaces: NamespaceService,
    functions: FunctionService,
    private readonly admission: AdmissionController,
  ) {
    this.totalMb = this.readTotal();
    admission.setAccountQuota(this.totalMb);
    admission.loadReservations(store.functions.reservations().map((r) => ({ namespace: r.namespace, functionName: r.name, reservedMb: r.reserved_memory })));
    this.unsubscribe = functions.onChange((change) => this.refresh(change));
  }

  /** The account quota in force, MB. */
  totalMemory(): number {
    return this.totalMb;
  }

  /** Reservations and quota for GetAccount (one store read). */
  totals(): ConcurrencyTotals {
    const reservedByNamespace = new Map<string, number>();
    let reservedMb = 0;
    for (const row of this.store.functions.reservations()) {
      reservedMb += row.reserved_memory;
      reservedByNamespace.set(row.namespace, (reservedByNamespace.get(row.namespace) ?? 0) + row.reserved_memory);
    }
    return { totalMb: this.totalMb, reservedMb, reservedByNamespace, floorMb: this.config.unreservedFloorMb };
  }

  /** GetReservedConcurrencyConfig: the function's reserved MB, or null when it has none. */
  getReserved(namespace: string, name: string): number | null {
    return this.requireFunction(namespace, name).reserved_memory;
  }

  /**
   * PutReservedConcurrencyConfig: reserves `mb` (0 disables the function).
   * LimitExceeded.FunctionReservedConcurrencyMemory when the reservations
   * would leave less than the floor unreserved; FailedOperation.ProvisionedExceedReserved
   * when the function's provisioned memory is above `mb`.
   */
  putReserved(namespace: string, name: string, mb: number): void {
    if (!Number.isInteger(mb) || mb < 0) {
      throw new ApiError('InvalidParameterValue.ReservedConcurrencyMem', `ReservedConcurrencyMem must be a non-negative integer (MB), got ${mb}.`);
    }
    this.store.transaction(() => {
      const fn = this.requireFunction(namespace, name);
      const others = this.store.functions.reservedMemorySum(fn.id);
      const available = this.totalMb - this.config.unreservedFloorMb - others;
      if (mb > available) {
        throw new ApiError(
          'LimitExceeded.FunctionReservedConcurrencyMemory',
          `ReservedConcurrencyMem ${mb} MB is over the ${Math.max(0, available)} MB still reservable: account quota ${this.totalMb} MB, ` +
            `${others} MB reserved by other functions, ${this.config.unreservedFloorMb} MB always unreserved.`,
        );
      }
      const provisioned = this.store.functions.provisionedMemory(fn.id);
      if (mb < provisioned) {
        throw new ApiError('FailedOperation.ProvisionedExceedReserved', `Function ${name} has ${provisioned} MB of provisioned concurrency, more than ${mb} MB.`);
      }
      this.store.functions.setReservedMemory(fn.id, mb, Date.now());
    });
    this.admission.setReserved(namespace, name, mb);
  }

  /** DeleteReservedConcurrencyConfig: the function goes back to the shared pool (no error when it had no reservation). */
  deleteReserved(namespace: string, name: string): void {
    this.store.transaction(() => {
      const fn = this.requireFunction(namespace, name);
      if (fn.reserved_memory !== null) this.store.functions.setReservedMemory(fn.id, null, Date.now());
    });
    this.admission.setReserved(namespace, name, null);
  }

  /**
   * PutTotalConcurrencyConfig: sets the account quota. FailedOperation.ReservedExceedTotal
   * when it is below Σ reserved + the floor. A `namespace`, when given, must exist; the
   * quota is account-wide (this server has one account).
   */
  putTotal(mb: number, namespace?: string): void {
    if (!Number.isInteger(mb) || mb <= 0) {
      throw new ApiError('InvalidParameterValue.TotalConcurrencyMem', `TotalConcurrencyMem must be a positive integer (MB), got ${mb}.`);
    }
    this.store.transaction(() => {
      if (namespace !== undefined) this.namespaces.get(namespace);
      const reserved = this.store.functions.reservedMemorySum();
      const needed = reserved + this.config.unreservedFloorMb;
      if (mb < needed) {
        throw new ApiError(
          'FailedOperation.ReservedExceedTotal',
          `TotalConcurrencyMem ${mb} MB is below the ${needed} MB needed: ${reserved} MB reserved + ${this.config.unreservedFloorMb} MB always unreserved.`,
        );
      }
      this.store.settings.put(TOTAL_MEM_SETTING, String(mb));
    });
    this.totalMb = mb;
    this.admission.setAccountQuota(mb);
  }

  /** Stops listening to function changes; idempotent. */
  close(): void {
    this.unsubscribe();
  }

  /** Keeps the admission cache in step with created, replaced and deleted functions (off the request path). */
  private refresh(change: FunctionChange): void {
    if (change.kind === 'delete') {
      this.admission.forget(change.namespace, change.name);
      return;
    }
    const row = this.store.functions.get(change.namespace, change.name);
    if (!row) this.admission.forget(change.namespace, change.name);
    else if (change.kind === 'create') {
      // A new function (or one CopyFunction replaced) starts without leases or a reservation of its old namesake.
      this.admission.forget(change.namespace, change.name);
      this.admission.setReserved(change.namespace, change.name, row.reserved_memory);
    } else this.admission.setReserved(change.namespace, change.name, row.reserved_memory);
  }

  private readTotal(): number {
    const stored = Number(this.store.settings.get(TOTAL_MEM_SETTING));
    return Number.isFinite(stored) && stored > 0 ? stored : this.config.accountConcurrencyMb;
  }

  private requireFunction(namespace: string, name: string): FunctionRow {
    const fn = this.store.functions.get(namespace, name);
    if (fn) return fn;
    this.namespaces.get(namespace);
    throw new ApiError('ResourceNotFound.Function', `Function ${name} does not exist in namespace ${namespace}.`);
  }
}
