/** Triggers (scf-api.md §3.6): CreateTrigger, UpdateTrigger, UpdateTriggerStatus, DeleteTrigger, ListTriggers — type apigw (HTTP). */
import type { ActionTable } from '../types';
import { functionNameOf, namespaceOf } from './common';
import { toTrigger } from './functions';

export const triggerActions: ActionTable = {
  CreateTrigger(params, { platform }) {
    return { TriggerInfo: toTrigger(platform.triggers.create(namespaceOf(params), functionNameOf(params), params)) };
  },

  UpdateTrigger(params, { platform }) {
    platform.triggers.update(namespaceOf(params), functionNameOf(params), params);
    return {};
  },

  UpdateTriggerStatus(params, { platform }) {
    platform.triggers.updateStatus(namespaceOf(params), functionNameOf(params), params);
    return {};
  },

  DeleteTrigger(params, { platform }) {
    platform.triggers.delete(namespaceOf(params), functionNameOf(params), params);
    return {};
  },

  ListTriggers(params, { platform }) {
    const { rows, total } = platform.triggers.list(namespaceOf(params), functionNameOf(params), params);
    return { Triggers: rows.map(toTrigger), TotalCount: total };
  },
};
