import type { ActionTable } from '../types';
import { accountActions } from './account';
import { aliasActions } from './aliases';
import { asyncActions } from './async';
import { concurrencyActions } from './concurrency';
import { functionActions } from './functions';
import { invokeActions } from './invoke';
import { layerActions } from './layers';
import { logActions } from './logs';
import { metricsActions } from './metrics';
import { namespaceActions } from './namespaces';
import { triggerActions } from './triggers';
import { versionActions } from './versions';

/** Every control-API action by its X-TC-Action name. */
export const actions: ActionTable = Object.freeze({
  ...namespaceActions,
  ...functionActions,
  ...versionActions,
  ...aliasActions,
  ...layerActions,
  ...triggerActions,
  ...accountActions,
  ...concurrencyActions,
  ...invokeActions,
  ...asyncActions,
  ...logActions,
  ...metricsActions,
});
