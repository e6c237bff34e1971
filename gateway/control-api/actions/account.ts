import { LIMITS } from '../../../core';
import type { ActionTable } from '../types';

export const accountActions: ActionTable = {
  /** GetAccount: usage (namespaces, their functions, concurrency memory) and the limits this server enforces. */
  GetAccount(_params, { platform }) {
    const totalMem = platform.concurrency.totalMemory();
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
