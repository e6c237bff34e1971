// The Node.js compatibility set (part of the bootstrap; host/node-compat.ts): the function's
// environment variable ISOLA_COMPATIBILITY_FLAGS. An unknown flag fails the cold start
// rather than being ignored. With nodejs_compat: the global Buffer loads node:buffer on
// first use (not at cold start); setImmediate/clearImmediate load node:timers on first
// call; `global` is globalThis; process gets Node's descriptive members (version, versions,
// platform, arch, argv, execArgv, title, release, cwd(), hrtime(), uptime(), emitWarning()).
// Runs at configure (the flag is the function's setting; a spare is bootstrapped before).
// Uses: config, configureSteps, define, loadBuiltin (70).
configureSteps.push(() => {
  const ErrorCtor = Error;
  const flagsText = config.env.ISOLA_COMPATIBILITY_FLAGS;
  const flags = typeof flagsText === 'string' ? flagsText.split(',').map((f) => f.trim()).filter((f) => f !== '') : [];
  for (const flag of flags) {
    if (flag !== 'nodejs_compat') throw new ErrorCtor("ISOLA_COMPATIBILITY_FLAGS: unknown flag '" + flag + "' (known: nodejs_compat)");
  }
  if (flags.length > 0) {
    const g = globalThis;
    const p = g.process;
    if (typeof p === 'object' && p !== null) {
      // path.resolve() of a relative path asks process.cwd(): the code root, as for the Node.js runtime.
      define(p, 'cwd', () => '/var/user');
      define(p, 'version', config.node.version);
      define(p, 'versions', Object.freeze({ node: config.node.version.slice(1) }));
      define(p, 'platform', config.node.platform);
      define(p, 'arch', config.node.arch);
      define(p, 'argv', ['node', '/var/user']);
      define(p, 'execArgv', []);
      define(p, 'title', 'isola');
      define(p, 'release', Object.freeze({ name: 'node' }));
      const start = g.performance.now();
      const hrtime = function hrtime(prev) {
        const ns = Math.round(g.performance.now() * 1e6);
        let s = Math.floor(ns / 1e9), n = ns % 1e9;
        if (Array.isArray(prev)) { s -= prev[0]; n -= prev[1]; if (n < 0) { s--; n += 1e9; } }
        return [s, n];
      };
      define(hrtime, 'bigint', () => BigInt(Math.round(g.performance.now() * 1e6)));
      define(p, 'hrtime', hrtime);
      define(p, 'uptime', () => (g.performance.now() - start) / 1000);
      define(p, 'emitWarning', (warning, type) => {
        const text = typeof warning === 'string' ? (typeof type === 'string' ? type : 'Warning') + ': ' + warning : String(warning);
        g.console.warn('(isola) ' + text);
      });
    }
    define(g, 'global', g);
    define(g, 'setImmediate', function setImmediate(callback, ...args) { return loadBuiltin('node:timers').setImmediate(callback, ...args); });
    define(g, 'clearImmediate', function clearImmediate(immediate) { loadBuiltin('node:timers').clearImmediate(immediate); });
    Object.defineProperty(g, 'Buffer', {
      configurable: true, enumerable: false,
      get() { const B = loadBuiltin('node:buffer').Buffer; define(g, 'Buffer', B); return B; },
      set(value) { define(g, 'Buffer', value); },
    });
  }
});
