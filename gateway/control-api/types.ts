import type { Platform } from '../../core';

/** What every action handler receives besides its parameters. */
export interface ActionContext {
  platform: Platform;
  requestId: string;
  /** The SecretId that signed the request. */
  secretId: string;
  /** X-TC-Region, or the server's region when absent. */
  region: string;
}

export type ActionParams = Record<string, unknown>;
/** Returns the Response fields (RequestId is added by the dispatcher). */
export type ActionHandler = (params: ActionParams, ctx: ActionContext) => Record<string, unknown> | Promise<Record<string, unknown>>;
export type ActionTable = Readonly<Record<string, ActionHandler>>;
