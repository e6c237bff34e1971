import type { ActionTable } from '../types';
import { accountActions } from './account';
import { functionActions } from './functions';
import { namespaceActions } from './namespaces';

/** Every control-API action by its X-TC-Action name. */
export const actions: ActionTable = Object.freeze({
  ...namespaceActions,
  ...functionActions,
  ...accountActions,
});
