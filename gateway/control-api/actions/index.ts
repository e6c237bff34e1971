import type { ActionTable } from '../types';
import { accountActions } from './account';
import { asyncActions } from './async';
import { concurrencyActions } from './concurrency';
import { functionActions } from './functions';
import { invokeActions } from './invoke';
import { logActions } from './logs';
import { metricsActions } from './metrics';
import { namespaceActions } from './namespaces';

/** Every control-API action by its X-TC-Action name. */
export const actions: ActionTable = Object.freeze({
  ...namespaceActions,
  ...functionActions,
  ...accountActions,
  ...concurrencyActions,
  ...invokeActions,
  ...asyncActions,
  ...logActions,
  ...metricsActions,
});
