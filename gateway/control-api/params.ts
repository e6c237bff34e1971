import { ApiError } from '../../core';
import type { ActionParams } from './types';

/**
 * Parses the action parameters: a JSON object body for POST, or for GET the
 * SDK's flattened query (`SearchKey.0.Key=Namespace`) rebuilt into nesting.
 */
export function parseParams(method: string, contentType: string, query: string, body: Buffer): ActionParams {
  if (method === 'GET') return unflatten(new URLSearchParams(query));
  if (contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    return unflatten(new URLSearchParams(body.toString('utf8')));
  }
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ApiError('InvalidParameter', 'The request body is not valid JSON.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ApiError('InvalidParameter', 'The request body must be a JSON object.');
  }
  return parsed as ActionParams;
}

function unflatten(search: URLSearchParams): ActionParams {
  const root: Record<string, unknown> = {};
  for (const [key, value] of search) {
    const parts = key.split('.');
    let node: Record<string, unknown> | unknown[] = root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if (part === '__proto__' || part === 'constructor' || part === 'prototype') {
        throw new ApiError('InvalidParameter', `Invalid parameter name ${key}.`);
      }
      const last = i === parts.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(parts[i + 1]!);
      const container = node as Record<string, unknown>;
      if (last) container[part] = value;
      else {
        container[part] ??= nextIsIndex ? [] : {};
        node = container[part] as Record<string, unknown>;
      }
    }
  }
  return root;
}
