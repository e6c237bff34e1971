/**
 * Module syntax detection for ambiguous JavaScript (Node 22's rule): a `.js`
 * or extensionless file whose package scope sets no `"type"` is an ES module
 * when its source does not parse as CommonJS because of ES module syntax —
 * `import`/`export` statements, `import.meta`, top-level `await`, or a lexical
 * redeclaration of a CommonJS wrapper variable (`const require = …`).
 *
 * The check is V8's own parser, run in the host: the source is compiled (never
 * run) as the body of the CommonJS wrapper function with `vm.Script`, and the
 * SyntaxError, if any, is classified by its message as Node does
 * (src/node_contextify.cc, ShouldRetryAsESM): import/export/import.meta errors
 * mean ESM; the errors only CommonJS throws (top-level await, wrapper-variable
 * redeclaration, and the "Unexpected …" / "missing ) after argument list" that
 * `await` inside an expression gives) mean ESM if the source compiles as a
 * module — checked with `compileModuleSync` in a small parser isolate made on
 * first need (the host has no vm.SourceTextModule). Verdicts match Node
 * 20.19+/22's `containsModuleSyntax` (test/runtime-module-detect.test.js).
 *
 * Valid CommonJS costs the one `vm.Script` compile, about 15 ms per MB of
 * source (as much as the isolate's own compile of it), so results are cached:
 * per resolver by the caller, and here process-wide by (real path, size, mtime,
 * inode) — code and layer folders are immutable once extracted, so a pool
 * re-created after going idle does not parse its files again.
 */
import vm from 'node:vm';
import ivm from 'isolated-vm';

/** SyntaxErrors from compiling as CommonJS that mean ES module syntax. */
const ESM_SYNTAX_ERRORS = [
  'Cannot use import statement outside a module',
  "Unexpected token 'export'",
  "Cannot use 'import.meta' outside a module",
];

/** SyntaxErrors that CommonJS throws but a module may not: retried as a module. */
const CJS_ONLY_ERRORS = [
  "Identifier 'module' has already been declared",
  "Identifier 'exports' has already been declared",
  "Identifier 'require' has already been declared",
  "Identifier '__filename' has already been declared",
  "Identifier '__dirname' has already been declared",
  'await is only valid in async functions and the top level bodies of modules',
];

/** SyntaxErrors top-level `await` inside an expression gives (`f(await x)`, `if (await x)`, `for await`): retried as a module. */
const MAYBE_TOP_LEVEL_AWAIT = (message: string): boolean => message.includes('missing ) after argument list') || message.startsWith('Unexpected');

const CJS_WRAPPER = '(function (exports, require, module, __filename, __dirname) {';
/** Heap of the parser isolate, MB (compiling only; a source too big for it counts as not ESM). */
const PARSER_MEMORY_MB = 128;
let parser: ivm.Isolate | null = null;

/** Whether `source` compiles as an ES module (compiled in the parser isolate, never instantiated or run). */
function compilesAsModule(source: string, filename: string): boolean {
  try {
    if (parser === null || parser.isDisposed) parser = new ivm.Isolate({ memoryLimit: PARSER_MEMORY_MB });
    parser.compileModuleSync(source, { filename }).release();
    return true;
  } catch {
    return false;
  }
}

/** Outcome of compiling `source` inside `wrapper`: null when it parses, else the SyntaxError message. */
function syntaxError(wrapper: string, source: string, filename: string): string | null {
  try {
    new vm.Script(`${wrapper}${source}\n})`, { filename });
    return null;
  } catch (e) {
    if (e instanceof SyntaxError) return e.message;
    // Not a syntax problem (e.g. out of memory): say "not ESM"; loading as CommonJS reports it.
    return '';
  }
}

/**
 * Whether ambiguous `source` contains ES module syntax. A source that is valid
 * CommonJS is never ESM; one that fails for another reason stays CommonJS so
 * that loading it reports the ordinary SyntaxError.
 */
export function containsModuleSyntax(source: string, filename: string): boolean {
  // A leading hashbang: both loaders accept it; the function wrapper would not.
  const src = source.startsWith('#!') ? `//${source}` : source;
  const cjs = syntaxError(CJS_WRAPPER, src, filename);
  if (cjs === null || cjs === '') return false;
  if (ESM_SYNTAX_ERRORS.some((m) => cjs.includes(m))) return true;
  if (!CJS_ONLY_ERRORS.some((m) => cjs.includes(m)) && !MAYBE_TOP_LEVEL_AWAIT(cjs)) return false;
  // Invalid CommonJS either way: ESM exactly when it is a valid module (a second parse, only for such sources).
  return compilesAsModule(source, filename);
}

const CACHE_MAX = 10_000;
const detected = new Map<string, boolean>();

/**
 * containsModuleSyntax through the process-wide cache. `key` identifies the
 * file's content (real path, size, mtime, inode); `read` gives its source (null: unreadable → not ESM).
 */
export function detectModuleSyntax(key: string, filename: string, read: () => string | null): boolean {
  const hit = detected.get(key);
  if (hit !== undefined) return hit;
  const source = read();
  if (source === null) return false;
  const esm = containsModuleSyntax(source, filename);
  if (detected.size >= CACHE_MAX) detected.clear();
  detected.set(key, esm);
  return esm;
}
