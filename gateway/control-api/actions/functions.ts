import fs from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../../core';
import { DEFAULT_NAMESPACE } from '../../../core';
import type { FunctionView, TriggerView } from '../../../core';
import { entryCandidates, getRuntime } from '../../../core';
import { formatTime, optionalString, paging, requiredString } from '../../../core';
import type { FunctionSummaryRow } from '../../../core';
import type { ActionContext, ActionParams, ActionTable } from '../types';
import { functionNameOf, namespaceOf } from './common';
import { toLayerInfo } from './layers';

const flag = (on: boolean | undefined) => (on ? 'TRUE' : 'FALSE');

/** An optional real boolean (CopyFunction's Override / CopyConfiguration); GET requests send "true"/"false". */
function optionalBoolean(params: ActionParams, name: string): boolean | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'TRUE') return true;
  if (value === 'false' || value === 'FALSE') return false;
  throw new ApiError('InvalidParameterValue', `${name} must be a boolean, got ${JSON.stringify(value)}.`);
}

/** GetFunction's response (scf-api.md §3.2): the fields that mean something on a self-hosted server. */
function toDetail(view: FunctionView, showCode: boolean, ctx: ActionContext): Record<string, unknown> {
  const { fn, version, config } = view;
  const o = config.options;
  return {
    FunctionName: fn.name,
    FunctionId: fn.function_id,
    Namespace: fn.namespace,
    Runtime: config.runtime,
    Handler: config.handler,
    Type: fn.type,
    MemorySize: config.memorySize,
    Timeout: config.timeout,
    InitTimeout: config.initTimeout,
    Environment: { Variables: config.environment },
    Description: config.description,
    Status: version.status,
    // What runs it here (the interpreter of a subprocess runtime), or why it cannot be invoked.
    StatusDesc: ctx.platform.executors.describe(getRuntime(config.runtime), fn.type),
    StatusReasons: [],
    AvailableStatus: 'Available',
    CodeSize: version.code_size,
    CodeResult: view.code.result,
    CodeError: view.code.error,
    ErrNo: view.code.result === 'success' ? 0 : -1,
    CodeInfo: showCode ? inlineCode(view, ctx) : '',
    AddTime: formatTime(version.add_time),
    ModTime: formatTime(version.mod_time),
    Qualifier: version.version,
    FunctionVersion: version.version,
    AsyncRunEnable: flag(view.asyncRunEnable),
    TraceEnable: flag(o.traceEnable),
    ...(o.deadLetter ? { DeadLetterConfig: { Type: o.deadLetter.type, Name: o.deadLetter.name, FilterType: '' } } : {}),
    InstallDependency: flag(o.installDependency),
    DnsCache: flag(o.dnsCache),
    L5Enable: 'FALSE',
    UseGpu: 'FALSE',
    OnsEnable: 'FALSE',
    InstanceConcurrencyConfig:
      o.maxConcurrency !== undefined || o.dynamicConcurrency !== undefined
        ? { DynamicEnabled: o.dynamicConcurrency === undefined ? 'FALSE' : flag(o.dynamicConcurrency), MaxConcurrency: o.maxConcurrency ?? 1 }
        : undefined,
    ProtocolType: o.protocolType ?? '',
    ProtocolParams: o.protocolType === 'WS' ? { WSParams: { IdleTimeOut: o.wsIdleTimeout } } : undefined,
    Layers: config.layers.map((l) => {
      const bound = ctx.platform.layers.bound(l.LayerName, l.LayerVersion);
      return bound ? toLayerInfo(bound) : { LayerName: l.LayerName, LayerVersion: l.LayerVersion };
    }),
    Tags: view.tags,
    Triggers: view.triggers.map(toTrigger),
    Role: '',
    ClsLogsetId: '',
    ClsTopicId: '',
    VpcConfig: { VpcId: '', SubnetId: '' },
    PublicNetConfig: { PublicNetStatus: 'ENABLE', EipConfig: { EipStatus: 'DISABLE', EipAddress: [] } },
    EipConfig: { EipFixed: 'FALSE', Eips: [] },
  };
}

/** GetFunction's Triggers item (scf-api.md §4 Trigger); ListTriggers' TriggerInfo is the same. */
export function toTrigger(trigger: TriggerView): Record<string, unknown> {
  return {
    Type: trigger.type,
    TriggerName: trigger.name,
    Qualifier: trigger.qualifier,
    TriggerDesc: trigger.triggerDesc,
    Enable: trigger.enabled ? 1 : 0,
    CustomArgument: trigger.customArgument,
    Description: trigger.description,
    AvailableStatus: 'Available',
    AddTime: formatTime(trigger.addTime),
    ModTime: formatTime(trigger.modTime),
  };
}

/** ShowCode=TRUE: the entry file's text when it is at most 1 MB (as the cloud does), else ''. */
function inlineCode(view: FunctionView, ctx: ActionContext): string {
  const sha = view.version.code_sha256;
  if (!sha) return '';
  const dir = ctx.platform.store.code.dirOf(sha);
  for (const file of entryCandidates(getRuntime(view.config.runtime), view.fn.type, view.config.handler)) {
    try {
      const full = path.join(dir, file);
      const stat = fs.lstatSync(full);
      if (stat.isFile() && stat.size <= 1024 * 1024) return fs.readFileSync(full, 'utf8');
    } catch {
      // not this candidate
    }
  }
  return '';
}

/** ListFunctions item (the `Function` structure of scf-api.md §4). */
function toSummary(row: FunctionSummaryRow): Record<string, unknown> {
  return {
    FunctionName: row.name,
    FunctionId: row.function_id,
    Namespace: row.namespace,
    Runtime: row.runtime,
    Type: row.type,
    Status: row.status,
    StatusDesc: '',
    StatusReasons: [],
    Description: row.description,
    Tags: JSON.parse(row.tags) as unknown,
    AddTime: formatTime(row.add_time),
    ModTime: formatTime(row.mod_time),
    AsyncRunEnable: flag(row.async_run_enable === 1),
    TraceEnable: flag(row.trace_enable === 1),
    ReservedConcurrencyMem: row.reserved_memory ?? 0,
    TotalProvisionedConcurrencyMem: row.provisioned_memory,
  };
}

export const functionActions: ActionTable = {
  async CreateFunction(params, { platform }) {
    await platform.functions.create(namespaceOf(params), functionNameOf(params), params);
    return {};
  },

  async UpdateFunctionCode(params, { platform }) {
    await platform.functions.updateCode(namespaceOf(params), functionNameOf(params), params);
    return {};
  },

  UpdateFunctionConfiguration(params, { platform }) {
    platform.functions.updateConfiguration(namespaceOf(params), functionNameOf(params), params);
    return {};
  },

  GetFunction(params, ctx) {
    const name = optionalString(params, 'FunctionName', 'InvalidParameterValue.FunctionName');
    if (!name) throw new ApiError('InvalidParameter.FunctionNameOrResourceIdRequired', 'The parameter FunctionName is required.');
    const qualifier = optionalString(params, 'Qualifier', 'InvalidParameterValue.Qualifier') || undefined;
    const showCode = optionalString(params, 'ShowCode', 'InvalidParameterValue.ShowCode') === 'TRUE';
    return toDetail(ctx.platform.functions.get(namespaceOf(params), name, qualifier), showCode, ctx);
  },

  ListFunctions(params, { platform }) {
    const { offset, limit } = paging(params);
    const { rows, total } = platform.functions.list(namespaceOf(params), {
      offset,
      limit,
      orderBy: optionalString(params, 'Orderby', 'InvalidParameterValue.Orderby') || undefined,
      order: optionalString(params, 'Order', 'InvalidParameterValue.Order') || undefined,
      searchKey: optionalString(params, 'SearchKey', 'InvalidParameterValue.SearchKey') || undefined,
      description: optionalString(params, 'Description', 'InvalidParameterValue.Description') || undefined,
      filters: params['Filters'],
    });
    return { Functions: rows.map(toSummary), TotalCount: total };
  },

  DeleteFunction(params, { platform }) {
    const qualifier = optionalString(params, 'Qualifier', 'InvalidParameterValue.Qualifier');
    platform.functions.delete(namespaceOf(params), functionNameOf(params), qualifier);
    return {};
  },

  CopyFunction(params, { platform, region }) {
    const targetRegion = optionalString(params, 'TargetRegion', 'InvalidParameterValue.TargetRegion');
    if (targetRegion && targetRegion !== region && targetRegion !== platform.config.region) {
      throw new ApiError('UnsupportedOperation.Region', `This server serves region ${platform.config.region}; it cannot copy to ${targetRegion}.`);
    }
    platform.functions.copy({
      namespace: namespaceOf(params),
      name: functionNameOf(params),
      targetNamespace: optionalString(params, 'TargetNamespace', 'InvalidParameterValue.Namespace') || DEFAULT_NAMESPACE,
      newName: requiredString(params, 'NewFunctionName', 'InvalidParameterValue.FunctionName'),
      override: optionalBoolean(params, 'Override') ?? false,
      copyConfiguration: optionalBoolean(params, 'CopyConfiguration') ?? true,
      description: optionalString(params, 'Description', 'InvalidParameterValue.Description'),
    });
    return {};
  },
};
