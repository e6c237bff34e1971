/**
 * Store rows ↔ the core's views: a version row's configuration columns and
 * their parsed form, and a trigger row as GetFunction / ListTriggers show it.
 */
import type { FunctionRow, TriggerRow, VersionRow } from '../../store';
import type { FunctionConfig, FunctionOptions } from './function-config';
import type { TriggerView } from './functions';

/** A trigger row as the core describes it (GetFunction's Triggers, ListTriggers). */
export function triggerViewOf(row: TriggerRow): TriggerView {
  return {
    type: row.type,
    name: row.name,
    qualifier: row.qualifier,
    triggerDesc: row.trigger_desc,
    enabled: row.enabled === 1,
    customArgument: row.custom_argument,
    description: row.description,
    addTime: row.add_time,
    modTime: row.mod_time,
  };
}

/** The editable configuration columns of a version row. */
export function configColumns(config: FunctionConfig): Pick<VersionRow, 'description' | 'memory_size' | 'timeout' | 'init_timeout' | 'environment' | 'layers' | 'options'> {
  return {
    description: config.description,
    memory_size: config.memorySize,
    timeout: config.timeout,
    init_timeout: config.initTimeout,
    environment: JSON.stringify(config.environment),
    layers: JSON.stringify(config.layers),
    options: JSON.stringify(config.options),
  };
}

/** The parsed configuration of a version row of a function of `type`. */
export function configOf(row: VersionRow, type: FunctionRow['type']): FunctionConfig {
  return {
    runtime: row.runtime,
    handler: row.handler,
    type,
    memorySize: row.memory_size,
    timeout: row.timeout,
    initTimeout: row.init_timeout,
    environment: JSON.parse(row.environment) as FunctionConfig['environment'],
    description: row.description,
    layers: JSON.parse(row.layers) as FunctionConfig['layers'],
    options: JSON.parse(row.options) as FunctionOptions,
  };
}
