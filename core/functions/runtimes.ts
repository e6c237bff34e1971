/**
 * The runtime catalogue: every runtime name CreateFunction accepts, how its
 * handler string is shaped, and which file at the package root is its entry.
 *
 * `Isolate` is the platform's own JavaScript edge runtime (V8 isolates, no
 * Node APIs); the rest are the SCF names listed by the SDK. Which of them
 * this server can run is the executor table's to say (core/invoke/executors.ts).
 */
import { ApiError } from '../errors';

export type RuntimeFamily = 'isolate' | 'nodejs' | 'python' | 'php' | 'java' | 'go' | 'custom';
export type FunctionType = 'Event' | 'HTTP';

export interface RuntimeInfo {
  readonly name: string;
  readonly family: RuntimeFamily;
}

const entries: ReadonlyArray<[string, RuntimeFamily]> = [
  ['Isolate', 'isolate'],
  ['Nodejs12.16', 'nodejs'],
  ['Nodejs14.18', 'nodejs'],
  ['Nodejs16.13', 'nodejs'],
  ['Nodejs18.15', 'nodejs'],
  ['Python3.6', 'python'],
  ['Python3.7', 'python'],
  ['Python3.9', 'python'],
  ['Python3.10', 'python'],
  ['Php7', 'php'],
  ['Php7.2', 'php'],
  ['Php7.4', 'php'],
  ['Php8.0', 'php'],
  ['Java8', 'java'],
  ['Java11', 'java'],
  ['Go1', 'go'],
  ['CustomRuntime', 'custom'],
];

/** Runtimes the cloud has retired; named in the error so the caller knows why. */
const RETIRED = new Set(['Python2.7', 'Nodejs6.10', 'Nodejs8.9', 'Nodejs10.15', 'Php5.6']);

export const RUNTIMES: ReadonlyMap<string, RuntimeInfo> = new Map(
  entries.map(([name, family]) => [name, Object.freeze({ name, family })]),
);

/** The catalogue entry of `name`, or InvalidParameterValue.Runtime. */
export function getRuntime(name: string): RuntimeInfo {
  const info = RUNTIMES.get(name);
  if (info) return info;
  const why = RETIRED.has(name) ? 'has been retired' : 'is not supported';
  throw new ApiError('InvalidParameterValue.Runtime', `Runtime ${JSON.stringify(name)} ${why}; use one of ${[...RUNTIMES.keys()].join(', ')}.`);
}

// file.function: file 2-60 chars of letters/digits/_/- starting with a letter
// (no folders: the entry file sits at the package root); function an identifier.
const FILE_FUNCTION = /^([A-Za-z][A-Za-z0-9_-]{0,58}[A-Za-z0-9])\.([A-Za-z_$][A-Za-z0-9_$]{0,59})$/;
const PY_PHP_FUNCTION = /^([A-Za-z][A-Za-z0-9_-]{0,58}[A-Za-z0-9])\.([A-Za-z_][A-Za-z0-9_]{0,59})$/;
const JAVA = /^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*::[A-Za-z_$][A-Za-z0-9_$]*$/;
const GO_EXECUTABLE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,59}$/;

const DEFAULT_EVENT_HANDLER = 'index.main_handler';
const DEFAULT_FETCH_HANDLER = 'index.fetch';

/** Web functions other than Isolate ones are started by this executable at the package root. */
export const BOOTSTRAP_FILE = 'scf_bootstrap';

/** True when the runtime reads the handler string (web functions of subprocess runtimes do not). */
function usesHandler(info: RuntimeInfo, type: FunctionType): boolean {
  if (info.family === 'custom') return false;
  return type === 'Event' || info.family === 'isolate';
}

/**
 * Checks `handler` against the runtime's format and returns the handler to
 * store: the default (`index.main_handler`; `index.fetch` for Isolate web
 * functions; `main` for Go) when it is absent, and `''` where the runtime
 * ignores it. Throws InvalidParameterValue.Handler naming the expected shape.
 */
export function normalizeHandler(info: RuntimeInfo, type: FunctionType, handler: string | undefined): string {
  if (!usesHandler(info, type)) return handler ?? '';
  const given = handler === undefined || handler === '' ? undefined : handler;
  const bad = (shape: string): never => {
    throw new ApiError('InvalidParameterValue.Handler', `Handler ${JSON.stringify(handler)} is invalid for ${info.name}: expected ${shape}.`);
  };
  switch (info.family) {
    case 'isolate':
    case 'nodejs': {
      const value = given ?? (info.family === 'isolate' && type === 'HTTP' ? DEFAULT_FETCH_HANDLER : DEFAULT_EVENT_HANDLER);
      if (!FILE_FUNCTION.test(value)) bad('"file.export" such as index.main_handler (file name without extension, at the package root)');
      return value;
    }
    case 'python':
    case 'php': {
      const value = given ?? DEFAULT_EVENT_HANDLER;
      if (!PY_PHP_FUNCTION.test(value)) bad('"file.function" such as index.main_handler (file name without extension, at the package root)');
      return value;
    }
    case 'java':
      if (given === undefined) bad('"package.Class::method", for example example.Hello::mainHandler');
      if (!JAVA.test(given!)) bad('"package.Class::method", for example example.Hello::mainHandler');
      return given!;
    case 'go': {
      const value = given ?? 'main';
      if (!GO_EXECUTABLE.test(value)) bad('the name of the compiled executable at the package root, for example main');
      return value;
    }
    default:
      return given ?? '';
  }
}

/**
 * File names one of which must be at the package root for this runtime,
 * type and (normalized) handler; empty when nothing is checked (Java jars).
 */
export function entryCandidates(info: RuntimeInfo, type: FunctionType, handler: string): string[] {
  if (!usesHandler(info, type)) return [BOOTSTRAP_FILE];
  const file = handler.slice(0, handler.lastIndexOf('.'));
  switch (info.family) {
    case 'isolate':
      return type === 'HTTP' ? [`${file}.js`, `${file}.mjs`] : [`${file}.js`, `${file}.mjs`, `${file}.cjs`];
    case 'nodejs':
      return [`${file}.js`, `${file}.mjs`, `${file}.cjs`];
    case 'python':
      return [`${file}.py`];
    case 'php':
      return [`${file}.php`];
    case 'go':
      return [handler];
    default:
      return [];
  }
}
