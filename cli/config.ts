/**
 * Where the CLI finds its server and credentials. Each setting comes from its
 * flag, else its ISOLA_* environment variable, else the default; the key pair
 * falls back to the server's root credentials file `<dataDir>/credentials.json`
 * (written by `isola serve`), so a CLI run next to the server needs no setup.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { ControlClient } from './client';

export const DEFAULT_ENDPOINT = '127.0.0.1:9000';
export const DEFAULT_DATA_DIR = '.isola';
export const DEFAULT_NAMESPACE = 'default';
const CREDENTIALS_FILE = 'credentials.json';

/** The options every client command accepts (see addClientOptions). */
export interface ClientFlags {
  endpoint?: string;
  secretId?: string;
  secretKey?: string;
  dataDir?: string;
  json?: boolean;
  /** Absent on commands that take no namespace (the `ns` group). */
  namespace?: string;
}

export interface ClientContext {
  client: ControlClient;
  namespace: string;
  json: boolean;
  /** The endpoint as a URL origin, for messages. */
  origin: string;
}

/**
 * Adds the connection and output options to a client command, in their own
 * help group so each command's help lists them apart from its own options.
 */
export function addClientOptions(cmd: Command, { namespace = true } = {}): Command {
  // A command with no options of its own lists these as its plain "Options:".
  const group = cmd.options.length > 0 ? 'Connection and output options:' : undefined;
  const add = (option: Option) => cmd.addOption(group ? option.helpGroup(group) : option);
  if (namespace) add(new Option('-n, --namespace <ns>', 'namespace').default(DEFAULT_NAMESPACE));
  add(new Option('--endpoint <host:port>', `server address, http(s):// optional (env ISOLA_ENDPOINT, default ${DEFAULT_ENDPOINT})`));
  add(new Option('--secret-id <id>', 'SecretId to sign with (env ISOLA_SECRET_ID)'));
  add(new Option('--secret-key <key>', 'SecretKey to sign with (env ISOLA_SECRET_KEY)'));
  add(
    new Option(
      '--data-dir <dir>',
      `server data directory whose credentials.json is used when no key pair is given (env ISOLA_DATA_DIR, default ./${DEFAULT_DATA_DIR})`,
    ),
  );
  add(new Option('--json', 'print the API response as JSON'));
  return cmd;
}

function env(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** Turns `host:port`, `http://host:port` or `https://host` into a URL origin. */
export function endpointUrl(endpoint: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `http://${endpoint}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`--endpoint expects host:port (e.g. ${DEFAULT_ENDPOINT}), got "${endpoint}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`--endpoint supports http:// and https:// only, got "${endpoint}"`);
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.username) {
    throw new Error(`--endpoint expects host:port without a path or credentials, got "${endpoint}"`);
  }
  return url.origin;
}

/** Reads SecretId/SecretKey from a credentials file written by `isola serve`. */
function readCredentialsFile(dataDir: string): { secretId: string; secretKey: string } {
  const file = path.resolve(dataDir, CREDENTIALS_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? `no credentials: ${file} does not exist. Pass --secret-id/--secret-key (or ISOLA_SECRET_ID/ISOLA_SECRET_KEY), ` +
            "or --data-dir (ISOLA_DATA_DIR) pointing at the server's data directory."
        : `cannot read ${file}: ${(err as Error).message}`,
    );
  }
  let parsed: { SecretId?: unknown; SecretKey?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw new Error(`${file} is not valid JSON`);
  }
  if (typeof parsed.SecretId !== 'string' || typeof parsed.SecretKey !== 'string') {
    throw new Error(`${file} lacks SecretId/SecretKey strings`);
  }
  return { secretId: parsed.SecretId, secretKey: parsed.SecretKey };
}

/** Resolves flags, environment and the credentials file into a ready client. */
export function resolveClient(flags: ClientFlags): ClientContext {
  const origin = endpointUrl(flags.endpoint ?? env('ISOLA_ENDPOINT') ?? DEFAULT_ENDPOINT);
  let secretId = flags.secretId ?? env('ISOLA_SECRET_ID');
  let secretKey = flags.secretKey ?? env('ISOLA_SECRET_KEY');
  if ((secretId === undefined) !== (secretKey === undefined)) {
    throw new Error(
      secretId === undefined
        ? 'a SecretKey was given without a SecretId (--secret-id or ISOLA_SECRET_ID)'
        : 'a SecretId was given without a SecretKey (--secret-key or ISOLA_SECRET_KEY)',
    );
  }
  if (secretId === undefined || secretKey === undefined) {
    ({ secretId, secretKey } = readCredentialsFile(flags.dataDir ?? env('ISOLA_DATA_DIR') ?? DEFAULT_DATA_DIR));
  }
  return {
    client: new ControlClient({ url: origin, secretId, secretKey }),
    namespace: flags.namespace || DEFAULT_NAMESPACE,
    json: flags.json === true,
    origin,
  };
}
