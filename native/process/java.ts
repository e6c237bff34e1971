/**
 * The Java runtime (Java8, Java11 — run on the machine's JDK 17): the
 * bootstrap sources of native/java compiled with the JDK's javac into a jar
 * on first use, cached under the data dir by content hash (sources, the
 * JDK's and the JSON library's files), with an AppCDS archive of the bootstrap's and Gson's
 * classes made by one training run — the JVM's cold start is most of a Java
 * function's cold start (README "Figures"). Nothing compiled is committed.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BuiltInRuntime } from './runtimes';
import { findExecutable, nativeAsset } from './assets';

const run = promisify(execFile);

export interface JavaInstall {
  /** Where the compiled bootstrap and its CDS archive are cached (a dir under the data dir). */
  cacheDir: string;
  /** `java` (null: not installed). */
  java: string | null;
  /** `javac` (null: no JDK, only a JRE or nothing). */
  javac: string | null;
  /** Gson's jar (Debian: libgoogle-gson-java), null when absent. */
  gsonJar: string | null;
  /** Use the AppCDS archive (default true; false measures the start without it). */
  classDataSharing?: boolean;
}

/** Debian's Gson, where libgoogle-gson-java puts it. */
const GSON_JARS = ['/usr/share/java/gson.jar'];

/** The defaults of this host: java and javac in PATH, Debian's Gson. */
export function defaultJavaInstall(cacheDir: string): JavaInstall {
  return { cacheDir, java: findExecutable('java'), javac: findExecutable('javac'), gsonJar: GSON_JARS.find((j) => fs.existsSync(j)) ?? null };
}

/** The bootstrap's sources, in a stable order. */
function sources(): string[] {
  const root = nativeAsset('java');
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.java')) found.push(p);
    }
  };
  walk(root);
  return found;
}

interface Installed {
  jar: string;
  /** The AppCDS archive, or null when it could not be made (the JVM then starts without it). */
  archive: string | null;
}

/**
 * Compiles the bootstrap into `<cacheDir>/java-<hash>/bootstrap.jar` unless
 * it is there, then makes the CDS archive beside it. Concurrent servers on
 * one data dir each build in a temp dir and rename: the last rename wins
 * with identical content.
 */
async function install(o: JavaInstall): Promise<Installed> {
  const javac = o.javac!;
  const files = sources();
  const hash = createHash('sha256');
  // The JDK's files' times too: an upgraded JDK gets a new jar and a new CDS archive (an archive of
  // another JVM build would be refused by -Xshare:auto at every start, silently slow).
  for (const f of [javac, o.java!, o.gsonJar!]) hash.update(f).update('\0').update(String(fs.statSync(f).mtimeMs)).update('\0');
  for (const f of files) hash.update(path.relative(nativeAsset('java'), f)).update('\0').update(fs.readFileSync(f)).update('\0');
  const dir = path.join(o.cacheDir, `java-${hash.digest('hex').slice(0, 16)}`);
  const jar = path.join(dir, 'bootstrap.jar');
  const archive = path.join(dir, 'app-cds.jsa');
  if (!fs.existsSync(jar)) {
    fs.mkdirSync(o.cacheDir, { recursive: true, mode: 0o755 });
    const tmp = fs.mkdtempSync(`${dir}.tmp-`);
    try {
      const classes = path.join(tmp, 'classes');
      await run(javac, ['-nowarn', '-encoding', 'UTF-8', '--release', '17', '-d', classes, '-cp', o.gsonJar!, ...files], { timeout: 120_000 });
      await run(path.join(path.dirname(javac), 'jar'), ['--create', '--file', path.join(tmp, 'bootstrap.jar'), '-C', classes, '.'], { timeout: 60_000 });
      fs.rmSync(classes, { recursive: true });
      // Instances run under their own uids: the cache must be readable by all.
      fs.chmodSync(tmp, 0o755);
      fs.chmodSync(path.join(tmp, 'bootstrap.jar'), 0o644);
      try {
        fs.renameSync(tmp, dir);
      } catch {
        fs.rmSync(tmp, { recursive: true, force: true }); // another server made it first
      }
    } catch (err) {
      fs.rmSync(tmp, { recursive: true, force: true });
      const e = err as Error & { stderr?: string };
      throw new Error(`javac could not compile the Java bootstrap: ${(e.stderr || e.message).trim().split('\n').slice(0, 5).join(' ')}`);
    }
  }
  if (!fs.existsSync(archive)) {
    // One training run that loads what every start loads; -XX:ArchiveClassesAtExit writes the
    // classes it loaded from the class path (jars only: CDS does not archive classes from dirs).
    const tmpArchive = `${archive}.tmp-${process.pid}`;
    try {
      await run(o.java!, [`-XX:ArchiveClassesAtExit=${tmpArchive}`, ...JVM_FLAGS, '-cp', classPathPrefix(jar, o.gsonJar!), 'isola.Bootstrap', '--train'], { timeout: 60_000 });
      fs.chmodSync(tmpArchive, 0o644);
      fs.renameSync(tmpArchive, archive);
    } catch {
      fs.rmSync(tmpArchive, { force: true });
    }
  }
  return { jar, archive: fs.existsSync(archive) ? archive : null };
}

/**
 * Flags of every Java instance: the serial collector and the C1 compiler
 * only (one request at a time in a small heap: the fastest start and the
 * least memory outside the heap); the channel needs java.io opened (Channel.java).
 */
const JVM_FLAGS = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xss512k', '-XX:ReservedCodeCacheSize=32m', '--add-opens', 'java.base/java.io=ALL-UNNAMED'];

/** The bootstrap's jar and Gson: the start of every instance's class path (and the CDS archive's). */
function classPathPrefix(jar: string, gsonJar: string): string {
  return `${jar}:${gsonJar}`;
}

/**
 * The heap of a function with `memoryMb` (the whole process is held to
 * memoryMb by the cgroup): half of a small memory, memory less 128 MB of a
 * large one, for the JVM's own metaspace, code cache and stacks.
 */
export function javaHeapMb(memoryMb: number): number {
  return Math.max(16, memoryMb - Math.min(128, Math.floor(memoryMb / 2)));
}

/** The runtime table's Java entry. */
export function javaRuntime(o: JavaInstall): BuiltInRuntime {
  let installed: Promise<Installed> | null = null;
  let ready: Installed | null = null;
  const why = (): string | null => {
    if (o.java === null) return 'java not found in PATH (Debian: openjdk-17-jdk-headless)';
    if (o.javac === null) return 'javac not found in PATH: the bootstrap is compiled on this host (Debian: openjdk-17-jdk-headless)';
    if (o.gsonJar === null) return `Gson not found (${GSON_JARS.join(', ')}; Debian: libgoogle-gson-java)`;
    return null;
  };
  return {
    family: 'java',
    protocol: 'channel',
    spares: 1,
    unavailable: why,
    install(): Promise<void> {
      const reason = why();
      if (reason !== null) return Promise.reject(new Error(reason));
      installed ??= install(o).then((i) => (ready = i));
      // A failed compile is tried again on the next start (the JDK may have been fixed meanwhile).
      installed.catch(() => { installed = null; });
      return installed.then(() => undefined);
    },
    describe: () => {
      if (o.classDataSharing === false) return `${o.java} (no AppCDS archive)`;
      if (ready === null) return `${o.java} (bootstrap and AppCDS archive made on first use)`;
      return `${o.java} (${ready.archive !== null ? 'with an AppCDS archive' : 'the AppCDS archive could not be made'})`;
    },
    command: ({ memoryMb }) => {
      if (ready === null) throw new Error('the Java bootstrap is not installed (install() first)');
      const cds = ready.archive !== null && o.classDataSharing !== false ? [`-XX:SharedArchiveFile=${ready.archive}`, '-Xshare:auto'] : ['-Xshare:auto'];
      const prefix = classPathPrefix(ready.jar, o.gsonJar!);
      return {
        command: o.java!,
        args: [`-Xmx${javaHeapMb(memoryMb)}m`, ...JVM_FLAGS, ...cds, 'isola.Bootstrap'],
        // The class path in CLASSPATH (its wildcards are the JVM's): the bootstrap and Gson first (the
        // CDS archive is valid for that prefix), then the code root's classes, its jars and lib/*.jar, then /opt's.
        env: (codeRoot, optDir) => ({
          CLASSPATH: [prefix, codeRoot, `${codeRoot}/*`, `${codeRoot}/lib/*`, optDir, `${optDir}/*`, `${optDir}/lib/*`].join(':'),
        }),
        platformDirs: [path.dirname(ready.jar), path.dirname(o.gsonJar!), javaHome(o.java!)],
      };
    },
  };
}

/** The JDK's home (…/bin/java → …): the sandbox keeps it visible. */
function javaHome(java: string): string {
  return path.dirname(path.dirname(java));
}
