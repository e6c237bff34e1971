import { LIMITS } from '../../../core/function-config';
import type { ActionTable } from '../types';

/**
 * Account concurrency memory (MB) when none has been set with
 * PutTotalConcurrencyConfig (settings key `concurrency.total_mem`); the
 * cloud's default regional quota.
 */
export const DEFAULT_TOTAL_CONCURRENCY_MEM = 128_000;
const TOTAL_MEM_SETTING = 'concurrency.total_mem';

export const accountActions: ActionTable = {
  /** GetAccount: usage (namespaces, their functions, concurrency memory) and the limits this server enforces. */
  GetAccount(_params, { platform }) {
    const stored = Number(platform.store.settings.get(TOTAL_MEM_SETTING));
    const totalMem = Number.isFinite(stored) && stored > 0 ? stored : DEFAULT_TOTAL_CONCURRENCY_MEM;
    const usage = platform.functions.usage();
    let allocated = 0;
    const namespaces = [...usage].map(([namespace, u]) => {
      allocated += u.reservedMemory;
      return {
        Namespace: namespace,
        Functions: u.functions,
        FunctionsCount: u.functions.length,
        TotalConcurrencyMem: totalMem,
        TotalAllocatedConcurrencyMem: u.reservedMemory,
        TotalAllocatedProvisionedMem: u.provisionedMemory,
      };
    });
    const limits = [...usage.keys()].map((namespace) => ({
      Namespace: namespace,
      FunctionsCount: platform.config.maxFunctionsPerNamespace,
      Trigger: { Timer: 10, Apigw: 10, Total: 10 },
      ConcurrentExecutions: Math.floor(totalMem / LIMITS.memoryDefault),
      TimeoutLimit: LIMITS.timeoutMax,
      InitTimeoutLimit: LIMITS.initTimeoutMax,
      TestModelLimit: 0,
      RetryNumLimit: 2,
      MinMsgTTL: 60,
      MaxMsgTTL: 21600,
    }));
    return {
      AccountUsage: {
        NamespacesCount: usage.size,
        Namespace: namespaces,
        TotalConcurrencyMem: totalMem,
        TotalAllocatedConcurrencyMem: allocated,
        UserConcurrencyMemLimit: totalMem,
      },
      AccountLimit: {
        NamespacesCount: platform.config.maxNamespaces,
        Namespace: limits,
      },
    };
  },
};
