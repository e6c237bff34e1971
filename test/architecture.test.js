'use strict';
// Imports run one way (DESIGN.md): cli → gateway → core → runtime/native/store,
// and everything may use the executor contract (executor/, a leaf) and the
// pure helpers (lib/, a leaf that imports nothing internal).
// - store, runtime and native import nothing of the layers above them;
// - across folders an import names the other folder's face (its index.ts),
//   never a file inside it: `../../core`, `../capacity`, not `../capacity/admission`;
// - package.json may be read anywhere for the version.
const t = require('tap');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const allowed = {
  lib: ['lib'],
  executor: ['executor', 'lib'],
  store: ['store', 'lib'],
  // runtime's isolate hosts are supervised with native's process supervision (through its face).
  runtime: ['runtime', 'native', 'executor', 'lib'],
  native: ['native', 'executor', 'lib'],
  core: ['core', 'store', 'runtime', 'native', 'executor', 'lib'],
  gateway: ['gateway', 'core', 'lib'],
  cli: ['cli', 'core', 'gateway', 'lib'],
};

function* tsFiles(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* tsFiles(full);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield full;
  }
}

function importsOf(file) {
  const source = fs.readFileSync(file, 'utf8');
  return [...source.matchAll(/(?:from\s+|require\(|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => path.resolve(path.dirname(file), m[1]));
}

/** The folder (relative to ROOT) whose face a file belongs to: core/capacity for core/capacity/admission.ts, gateway for gateway/http/index.ts. */
function faceFolder(rel) {
  const parts = rel.split('/');
  // core is split into concern folders, each with its own face; other layers have one face.
  if (parts[0] === 'core' && parts.length > 2) return parts.slice(0, 2).join('/');
  return parts[0];
}

for (const [layer, targets] of Object.entries(allowed)) {
  const dir = path.join(ROOT, layer);
  if (!fs.existsSync(dir)) continue;
  const violations = [];
  for (const file of tsFiles(dir)) {
    for (const abs of importsOf(file)) {
      const target = path.relative(ROOT, abs);
      const ok = path.basename(target) === 'package.json' || targets.some((a) => target === a || target.startsWith(a + '/'));
      if (!ok) violations.push(`${path.relative(ROOT, file)} imports ${target}`);
    }
  }
  t.same(violations, [], `${layer}/ imports only ${targets.join(', ')}`);
}

t.test('across folders, imports name faces only', async (t) => {
  const violations = [];
  for (const layer of Object.keys(allowed)) {
    const dir = path.join(ROOT, layer);
    if (!fs.existsSync(dir)) continue;
    for (const file of tsFiles(dir)) {
      const from = faceFolder(path.relative(ROOT, file));
      for (const abs of importsOf(file)) {
        const target = path.relative(ROOT, abs);
        if (path.basename(target) === 'package.json') continue;
        const to = faceFolder(target.endsWith('/index') ? target.slice(0, -'/index'.length) + '/x' : target + (fs.existsSync(abs) && fs.statSync(abs).isDirectory() ? '/x' : ''));
        if (to === from) continue;
        // The face itself: the folder, or its index.
        const face = target === to || target === `${to}/index`;
        if (!face) violations.push(`${path.relative(ROOT, file)} imports ${target} (use the face ${to})`);
      }
    }
  }
  t.same(violations, []);
});

t.test('every folder with code has a face and a README', async (t) => {
  const missing = [];
  const folders = ['lib', 'executor', 'store', 'runtime', 'native', 'core', 'gateway', 'cli'];
  for (const name of fs.readdirSync(path.join(ROOT, 'core'), { withFileTypes: true })) if (name.isDirectory()) folders.push(`core/${name.name}`);
  for (const folder of folders) {
    const dir = path.join(ROOT, folder);
    if (!fs.existsSync(dir)) continue;
    const hasTs = fs.readdirSync(dir).some((f) => f.endsWith('.ts'));
    if (hasTs && !fs.existsSync(path.join(dir, 'index.ts'))) missing.push(`${folder}/index.ts`);
    if (!fs.existsSync(path.join(dir, 'README.md'))) missing.push(`${folder}/README.md`);
  }
  t.same(missing, []);
});

t.test('SQL lives only in store/: no other folder prepares statements, touches the database handle or holds SQL text', async (t) => {
  // store/README.md: repositories prepare their statements once; core calls their methods.
  const rules = [
    // A statement is prepared with SQL text (or better-sqlite3's typed form); an executor's `prepare(spec)` is not one.
    [/\.prepare\s*<|\bprepare\s*\(\s*['"`]/, 'prepares a statement'],
    [/\.db\b(?!['"`])/, 'reaches for the database handle (.db)'],
    [/\.pragma\s*\(/, 'runs a pragma'],
    [/['"]better-sqlite3['"]/, 'imports better-sqlite3'],
    [/\b(?:SELECT\b[^;'"`]*\bFROM|INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(?:TABLE|INDEX))\b/, 'holds SQL text'],
  ];
  const violations = [];
  for (const layer of Object.keys(allowed)) {
    const dir = path.join(ROOT, layer);
    if (layer === 'store' || !fs.existsSync(dir)) continue;
    for (const file of tsFiles(dir)) {
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        for (const [pattern, what] of rules) if (pattern.test(line)) violations.push(`${path.relative(ROOT, file)}:${i + 1} ${what}: ${line.trim()}`);
      });
    }
  }
  t.same(violations, []);
});
