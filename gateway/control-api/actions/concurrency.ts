import { ApiError, type ErrorCode } from '../../../core';
import { DEFAULT_NAMESPACE } from '../../../core';
import { optionalString, requiredString } from '../../../core';
import type { ActionParams, ActionTable } from '../types';

const namespaceOf = (params: ActionParams) => optionalString(params, 'Namespace', 'InvalidParameterValue.Namespace') || DEFAULT_NAMESPACE;
const functionNameOf = (params: ActionParams) => requiredString(params, 'FunctionName', 'InvalidParameterValue.FunctionName');

/** A required whole number of MB; GET requests send it as a numeric string. `code` answers a bad value. */
function requiredMb(params: ActionParams, name: string, code: ErrorCode): number {
  const value = params[name];
  if (value === undefined || value === null || value === '') throw new ApiError('MissingParameter', `The parameter ${name} is required.`);
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new ApiError(code, `${name} must be a non-negative integer (MB), got ${JSON.stringify(value)}.`);
  }
  return n;
}

const qualifierOf = (params: ActionParams) => requiredString(params, 'Qualifier', 'InvalidParameterValue.Qualifier');

/** Concurrency actions (scf-api.md §3.8): reserved, total and provisioned concurrency. */
export const concurrencyActions: ActionTable = {
  /** PutReservedConcurrencyConfig: ReservedConcurrencyMem MB for the function (0 disables it). */
  PutReservedConcurrencyConfig(params, { platform }) {
    const mb = requiredMb(params, 'ReservedConcurrencyMem', 'InvalidParameterValue.ReservedConcurrencyMem');
    platform.concurrency.putReserved(namespaceOf(params), functionNameOf(params), mb);
    return {};
  },

  /** GetReservedConcurrencyConfig: ReservedMem (MB), null when the function has no reservation (the cloud's "may return null"). */
  GetReservedConcurrencyConfig(params, { platform }) {
    return { ReservedMem: platform.concurrency.getReserved(namespaceOf(params), functionNameOf(params)) };
  },

  /** DeleteReservedConcurrencyConfig: back to the shared pool. */
  DeleteReservedConcurrencyConfig(params, { platform }) {
    platform.concurrency.deleteReserved(namespaceOf(params), functionNameOf(params));
    return {};
  },

  /** PutProvisionedConcurrencyConfig: instances of a published version kept warm (static, scheduled or utilisation tracking). */
  PutProvisionedConcurrencyConfig(params, { platform }) {
    platform.provisioned.put(namespaceOf(params), functionNameOf(params), qualifierOf(params), params);
    return {};
  },

  /** GetProvisionedConcurrencyConfig: one version's setting and progress, or every version's (no Qualifier). */
  GetProvisionedConcurrencyConfig(params, { platform }) {
    const qualifier = optionalString(params, 'Qualifier', 'InvalidParameterValue.Qualifier');
    return platform.provisioned.get(namespaceOf(params), functionNameOf(params), qualifier);
  },

  /** DeleteProvisionedConcurrencyConfig: the version's instances go back to the idle reclaim. */
  DeleteProvisionedConcurrencyConfig(params, { platform }) {
    platform.provisioned.delete(namespaceOf(params), functionNameOf(params), qualifierOf(params));
    return {};
  },

  /** PutTotalConcurrencyConfig: the account's concurrency quota, MB (≥ Σ reserved + 12,800). */
  PutTotalConcurrencyConfig(params, { platform }) {
    const mb = requiredMb(params, 'TotalConcurrencyMem', 'InvalidParameterValue.TotalConcurrencyMem');
    const namespace = optionalString(params, 'Namespace', 'InvalidParameterValue.Namespace') || undefined;
    platform.concurrency.putTotal(mb, namespace);
    return {};
  },
};
