/** Parameter readers every function-scoped action shares. */
import { DEFAULT_NAMESPACE, optionalString, requiredString } from '../../../core';
import type { ActionParams } from '../types';

/** `Namespace`, default `default`. */
export const namespaceOf = (params: ActionParams): string => optionalString(params, 'Namespace', 'InvalidParameterValue.Namespace') || DEFAULT_NAMESPACE;

/** The required `FunctionName`. */
export const functionNameOf = (params: ActionParams): string => requiredString(params, 'FunctionName', 'InvalidParameterValue.FunctionName');
