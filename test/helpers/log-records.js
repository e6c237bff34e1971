'use strict';
// Invocation records for the log writer directly (store/logs-repo.ts InvocationRecord).

/**
 * A successful record `<prefix><i>` of function `functionName`, logged at
 * `logTime`, with `lines` custom lines ("<prefix><i> line <k>").
 */
function logRecord(i, { prefix = 'w', functionName = 'fn', logTime = Date.now(), lines = 2 } = {}) {
  return {
    requestId: `${prefix}${i}`,
    namespace: 'default',
    functionName,
    qualifier: '$LATEST',
    version: '$LATEST',
    alias: null,
    startTime: logTime,
    logTime,
    durationMs: 1,
    billDuration: 1,
    memoryMb: 128,
    memUsageBytes: 0,
    statusCode: 200,
    retCode: 0,
    retryNum: 0,
    errorMessage: null,
    retMsg: null,
    coldStart: null,
    lines: Array.from({ length: lines }, (_, k) => ({ time: logTime, level: 'INFO', type: 'Custom', message: `${prefix}${i} line ${k}` })),
  };
}

module.exports = { logRecord };
