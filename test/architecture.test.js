'use strict';
// Imports run one way (DESIGN.md): cli → gateway → core → runtime/native/store.
// store, runtime and native import nothing of the layers above them; the only
// shared leaf is core/errors.ts (the ApiError type every layer reports with);
// package.json may be read anywhere for the version.
const t = require('tap');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const allowed = {
  store: ['store', 'core/errors'],
  runtime: ['runtime'],
  native: ['native'],
  core: ['core', 'store', 'runtime', 'native'],
  gateway: ['gateway', 'core'],
  cli: ['cli', 'core', 'gateway'],
};

function* tsFiles(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* tsFiles(full);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield full;
  }
}

for (const [layer, targets] of Object.entries(allowed)) {
  const dir = path.join(ROOT, layer);
  if (!fs.existsSync(dir)) continue;
  const violations = [];
  for (const file of tsFiles(dir)) {
    const source = fs.readFileSync(file, 'utf8');
    for (const m of source.matchAll(/(?:from\s+|require\(|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = path.relative(ROOT, path.resolve(path.dirname(file), m[1]));
      const ok = path.basename(target) === 'package.json' || targets.some((allowedTarget) => target === allowedTarget || target.startsWith(allowedTarget + '/'));
      if (!ok) violations.push(`${path.relative(ROOT, file)} imports ${target}`);
    }
  }
  t.same(violations, [], `${layer}/ imports only ${targets.join(', ')}`);
}
