'use strict';
// The conformance fixtures in Java for the process executor: name → { files, handler }, the
// sources compiled here with the JDK's javac, all in one run (each fixture its own package,
// `f_<name>.Index`, so one javac call serves them all), against isola's
// com.qcloud.scf.runtime.Context (native/java). What each fixture must do is in
// test/conformance/README.md; keep the two in step.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const NATIVE_JAVA = path.join(__dirname, '..', '..', '..', 'native', 'java');
const IMPORTS = 'import java.util.*;\nimport com.qcloud.scf.runtime.Context;\n';
const SLEEP = 'static void sleep(Object ms) { try { Thread.sleep(ms == null ? 0 : ((Number) ms).longValue()); } catch (InterruptedException e) { throw new RuntimeException(e); } }\n';

/** The class `Index` with `body`, handler `mainHandler`. */
const index = (body) => ({ body, handler: 'Index::mainHandler' });

const SOURCES = {
  'echo-event': index('public static Object mainHandler(Object event) { return event; }'),
  'async-result': index(`public static String mainHandler(Map<String, Object> event) throws Exception {
    return java.util.concurrent.CompletableFuture.supplyAsync(() -> { sleep(5); return "async"; }).get();
  }
  ${SLEEP}`),
  'returns-undefined': index('public static void mainHandler(Object event) { }'),
  'throws': index(`static void inner() { throw new RuntimeException("boom"); }
  public static Object mainHandler(Object event) { System.out.println("about to fail"); inner(); return null; }`),
  'throws-async': index(`public static Object mainHandler(Object event) { sleep(5); throw new RuntimeException("later"); }
  ${SLEEP}`),
  'no-handler': index('public static Object other(Object event) { return 1; }'),
  'no-module': { body: 'public static Object mainHandler(Object event) { return 1; }', handler: 'Nothere::mainHandler' },
  'init-throws': index(`static { System.out.println("before"); if (Boolean.parseBoolean("true")) throw new RuntimeException("bad init"); }
  public static Object mainHandler(Object event) { return 1; }`),
  'init-busy-loop': index(`static { while (System.nanoTime() != 0) { } }
  public static Object mainHandler(Object event) { return 1; }`),
  'context-dump': index(`public static Map<String, Object> mainHandler(Map<String, Object> event, Context context) {
    sleep(event.get("sleep_ms"));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("request_id", context.getRequestId());
    out.put("function_name", context.getFunctionName());
    out.put("function_version", context.getFunctionVersion());
    out.put("namespace", context.getNamespace());
    out.put("memory_limit_in_mb", context.getMemoryLimitInMb());
    out.put("time_limit_in_ms", context.getTimeLimitInMs());
    out.put("environment", context.getEnvironment());
    out.put("remaining_time_in_ms", context.getRemainingTimeInMillis());
    return out;
  }
  ${SLEEP}`),
  'env-dump': index('public static Map<String, String> mainHandler(Object event) { return System.getenv(); }'),
  'never-settles': index(`public static Object mainHandler(Object event) throws Exception { System.out.println("waiting"); Thread.sleep(3_600_000); return null; }`),
  'busy-loop': index('public static Object mainHandler(Object event) { System.out.println("spinning"); while (true) { } }'),
  'counter-global': index(`static int count = 0;
  static { System.out.println("init once"); }
  public static int mainHandler(Map<String, Object> event) {
    count++;
    sleep(event.get("sleep_ms"));
    if (Boolean.TRUE.equals(event.get("spin"))) while (true) { }
    return count;
  }
  ${SLEEP}`),
  'sleep-echo': index(`public static Map<String, Object> mainHandler(Map<String, Object> event) { sleep(event.get("sleep_ms")); return event; }
  ${SLEEP}`),
  'alloc-forever': index('public static Object mainHandler(Object event) { List<byte[]> held = new ArrayList<>(); while (true) held.add(new byte[1024 * 1024]); }'),
  'alloc-some': index(`public static int mainHandler(Map<String, Object> event) {
    List<byte[]> held = new ArrayList<>();
    for (int i = 0; i < ((Number) event.get("mb")).intValue(); i++) held.add(new byte[1024 * 1024 - 16]);
    return held.size();
  }`),
  'logs-levels': index(`static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger("fixture");
  static { LOG.setLevel(java.util.logging.Level.ALL); }
  public static int mainHandler(Object event) {
    System.out.println("plain");
    LOG.info("i");
    LOG.warning("w");
    LOG.severe("e");
    LOG.fine("d");
    sleep(2);
    System.out.println("after timer");
    return 1;
  }
  ${SLEEP}`),
  'logs-flood': index(`public static String mainHandler(Map<String, Object> event) {
    if (event.get("long") != null) System.out.println("y".repeat(((Number) event.get("long")).intValue()));
    String line = "x".repeat(event.get("width") == null ? 1 : ((Number) event.get("width")).intValue());
    int lines = event.get("lines") == null ? 0 : ((Number) event.get("lines")).intValue();
    for (int i = 0; i < lines; i++) System.out.println(line);
    return "done";
  }`),
};

const pkgOf = (name) => `f_${name.replace(/-/g, '_')}`;

/** Compiles every fixture with `javac` (one run) and returns name → { files (the class files), handler }. */
function compileJavaFixtures(javac = 'javac') {
  const src = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-java-src-'));
  const out = path.join(src, 'classes');
  const files = [];
  for (const [name, { body }] of Object.entries(SOURCES)) {
    const pkg = pkgOf(name);
    const file = path.join(src, pkg, 'Index.java');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `package ${pkg};\n${IMPORTS}public class Index {\n  ${body}\n}\n`);
    files.push(file);
  }
  execFileSync(javac, ['-nowarn', '-encoding', 'UTF-8', '-d', out, '-sourcepath', NATIVE_JAVA, ...files], { stdio: ['ignore', 'ignore', 'pipe'] });
  const fixtures = {};
  for (const [name, { handler }] of Object.entries(SOURCES)) {
    const pkg = pkgOf(name);
    const classFiles = {};
    for (const f of fs.readdirSync(path.join(out, pkg))) classFiles[`${pkg}/${f}`] = fs.readFileSync(path.join(out, pkg, f));
    fixtures[name] = { files: classFiles, handler: `${pkg}.${handler}` };
  }
  fs.rmSync(src, { recursive: true, force: true });
  return fixtures;
}

module.exports = { compileJavaFixtures };
