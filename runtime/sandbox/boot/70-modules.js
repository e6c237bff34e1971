// CommonJS in the isolate (part of the bootstrap): require(), module, exports,
// __filename, __dirname. Resolutions come from the `resolve` capability and are cached
// here (a hot require() never reaches the host), sources from `source`; each module is
// compiled with a sourceURL of its virtual path. ES modules are compiled by the host;
// an ESM import of CommonJS/JSON gets its module.exports through cjsForEsm.
// The compatibility set's own modules (/isola/node/isola/) get one more parameter,
// `isola`: the internals they are built on (the host's digest, the async context).
// Uses: config, define, hostResolve, hostSource, hostCompute, asyncContext (10).
let loadModule, loadBuiltin, cjsForEsm;
{
  const JSONparse = JSON.parse;
  const MapCtor = Map;
  const ErrorCtor = Error;
  const TypeErrorCtor = TypeError;
  const indirectEval = eval;

  const OWN_ROOT = '/isola/node/isola/';
  const compatInternals = Object.freeze({ digest: (algorithm, data, key) => hostCompute('digest', algorithm, data, key), asyncContext });
  const moduleCache = new MapCtor();     // path -> module record
  const resolveCache = new MapCtor();    // from + NUL + specifier -> resolution (hits never reach the host)
  function loadError(message, code) {
    const e = new ErrorCtor(message);
    e.code = code;
    return e;
  }
  function resolve(from, specifier) {
    if (typeof specifier !== 'string') throw new TypeErrorCtor('The "id" argument must be of type string');
    const key = from + '\0' + specifier;
    let r = resolveCache.get(key);
    if (r === undefined) {
      r = JSONparse(hostResolve(from, specifier, 'require'));
      if (!r.error && resolveCache.size < 10000) resolveCache.set(key, r);
    }
    if (r.error) throw loadError(r.error, r.code);
    return r;
  }
  function makeRequire(from) {
    const require = function require(specifier) { return loadModule(resolve(from, specifier)).exports; };
    require.resolve = function (specifier) { return resolve(from, specifier).path; };
    require.cache = Object.create(null);
    return require;
  }
  /** Loads (once) the module a resolution names: { path, format }. */
  loadModule = function loadModule(r) {
    const cached = moduleCache.get(r.path);
    if (cached !== undefined) return cached;
    if (r.format === 'esm') throw loadError('require() of ES Module ' + r.path + ' is not supported: use import, or make it CommonJS', 'ERR_REQUIRE_ESM');
    const source = hostSource(r.path);
    if (typeof source !== 'string') throw loadError("Cannot find module '" + r.path + "'", 'MODULE_NOT_FOUND');
    const dir = r.path.slice(0, r.path.lastIndexOf('/')) || '/';
    const module = { id: r.path, filename: r.path, path: dir, exports: {}, loaded: false, children: [] };
    moduleCache.set(r.path, module);
    try {
      if (r.format === 'json') {
        module.exports = JSONparse(source);
      } else {
        const src = source.charCodeAt(0) === 0x23 && source.charCodeAt(1) === 0x21 ? '//' + source : source;   // shebang
        const fn = indirectEval('(function (exports, require, module, __filename, __dirname, isola) {' + src + '\n})\n//# sourceURL=' + r.path);
        fn.call(module.exports, module.exports, makeRequire(r.path), module, r.path, dir, r.path.startsWith(OWN_ROOT) ? compatInternals : undefined);
      }
    } catch (e) {
      moduleCache.delete(r.path);
      throw e;
    }
    module.loaded = true;
    return module;
  };
  /** A module of the compatibility set, by name (`node:buffer`), as require() from the code root gives it. */
  loadBuiltin = function loadBuiltin(name) { return loadModule(resolve(null, name)).exports; };
  // Host entry (through a global the host sets during ESM init): ESM importing CommonJS —
  // the host compiles `export default <this>(path)` for such imports.
  cjsForEsm = function cjsForEsm(path, format) {
    return loadModule({ path, format }).exports;
  };
}
