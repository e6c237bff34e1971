/**
 * Triggers (scf-api.md §3.6): CreateTrigger, UpdateTrigger,
 * UpdateTriggerStatus, DeleteTrigger, ListTriggers — types apigw (HTTP,
 * core/routing) and timer (core/timers; the writes of Type timer go there,
 * ListTriggers lists every type).
 */
import type { Platform } from '../../../core';
import type { ActionTable } from '../types';
import { functionNameOf, namespaceOf } from './common';
import { toTrigger } from './functions';

/** The service that writes triggers of the call's Type. */
const writerOf = (params: Record<string, unknown>, platform: Platform) => (params['Type'] === 'timer' ? platform.timers : platform.triggers);

export const triggerActions: ActionTable = {
  CreateTrigger(params, { platform }) {
    return { TriggerInfo: toTrigger(writerOf(params, platform).create(namespaceOf(params), functionNameOf(params), params)) };
  },

  UpdateTrigger(params, { platform }) {
    writerOf(params, platform).update(namespaceOf(params), functionNameOf(params), params);
    return {};
  },

  UpdateTriggerStatus(params, { platform }) {
    writerOf(params, platform).updateStatus(namespaceOf(params), functionNameOf(params), params);
    return {};
  },

  DeleteTrigger(params, { platform }) {
    writerOf(params, platform).delete(namespaceOf(params), functionNameOf(params), params);
    return {};
  },

  ListTriggers(params, { platform }) {
    const { rows, total } = platform.triggers.list(namespaceOf(params), functionNameOf(params), params);
    return { Triggers: rows.map(toTrigger), TotalCount: total };
  },
};
