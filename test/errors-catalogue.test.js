'use strict';
// The error catalogue (core/errors/catalogue.ts) is the one list of codes the
// server answers: docs/errors.md is generated from it, every code thrown is
// in it, and every entry is thrown somewhere (no dead entries).
//
// Sources are read with the TypeScript parser, so a call split over lines,
// comments and look-alike text in strings cannot fool the scan.
const fs = require('node:fs');
const path = require('node:path');
const t = require('tap');
const ts = require('typescript');
const { ERRORS } = require('../dist/core/errors/catalogue');
const { render, OUT } = require('../bin/gen-errors-doc');

const ROOT = path.resolve(__dirname, '..');
const CATALOGUE = path.join('core', 'errors', 'catalogue.ts');
const SKIP = new Set(['node_modules', 'dist', 'test', 'bench', '.git', '.tap']);

function* tsFiles(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* tsFiles(full);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield full;
  }
}

const isText = (node) => ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node);
const isComparison = (node) =>
  ts.isBinaryExpression(node) &&
  [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken].includes(
    node.operatorToken.kind,
  );
const calleeName = (call) => (ts.isIdentifier(call.expression) ? call.expression.text : ts.isPropertyAccessExpression(call.expression) ? call.expression.name.text : '');

/**
 * Scans every .ts source outside the catalogue:
 * - thrown: `ApiError(<literal>` codes (with `new` or not), where they are;
 * - dynamic: `ApiError(` calls whose code is a template with substitutions
 *   (invisible to this scan; a typed variable such as `code: ErrorCode` is
 *   fine, tsc checks it);
 * - named: every other string literal that is a catalogue code — a code
 *   handed to a parameter reader (`optionalString(params, 'X',
 *   'InvalidParameterValue.X')`), kept in a table, or mapped in
 *   core/errors/*.ts (e.g. the store's errors → API codes). Literals that are
 *   only compared (`err.code === '…'`, `.startsWith('…')`) test a code, they
 *   do not answer it, and are not counted.
 */
function scan() {
  const thrown = new Map();
  const dynamic = [];
  const named = new Set();
  for (const file of tsFiles(ROOT)) {
    const rel = path.relative(ROOT, file);
    if (rel === CATALOGUE) continue;
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const at = (node) => `${rel}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const visit = (node) => {
      if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && ts.isIdentifier(node.expression) && node.expression.text === 'ApiError') {
        const first = node.arguments?.[0];
        if (first && isText(first)) {
          if (!thrown.has(first.text)) thrown.set(first.text, []);
          thrown.get(first.text).push(at(node));
        } else if (first && ts.isTemplateExpression(first)) {
          dynamic.push(`${at(node)}: ${first.getText(source)}`);
        }
      } else if (isText(node) && Object.hasOwn(ERRORS, node.text)) {
        const parent = node.parent;
        const compared = isComparison(parent) || (ts.isCallExpression(parent) && calleeName(parent) === 'startsWith');
        if (!compared) named.add(node.text);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { thrown, dynamic, named };
}

t.test('docs/errors.md is generated from the catalogue', async (t) => {
  const committed = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '';
  t.ok(committed === render(), 'docs/errors.md is up to date (if not: npm run build && node bin/gen-errors-doc.js, then commit docs/errors.md)');
});

t.test('every entry has a one-line description and a message template', async (t) => {
  for (const [code, entry] of Object.entries(ERRORS)) {
    t.match(code, /^[A-Z][A-Za-z]+(\.[A-Za-z0-9]+)?$/, `${code}: Family or Family.Detail`);
    t.ok(typeof entry.when === 'string' && entry.when.length > 10 && !entry.when.includes('\n'), `${code}: when`);
    t.ok(typeof entry.message === 'string' && entry.message.length > 5 && !entry.message.includes('\n'), `${code}: message`);
  }
});

t.test('codes thrown and catalogue entries match', async (t) => {
  const { thrown, dynamic, named } = scan();
  t.ok(thrown.size > 50, `the scan found the ApiError calls (${thrown.size} codes)`);

  const unknown = [...thrown].filter(([code]) => !Object.hasOwn(ERRORS, code)).map(([code, where]) => `${code} (${where.join(', ')})`);
  t.same(unknown, [], 'every code given to ApiError is in core/errors/catalogue.ts');

  t.same(dynamic, [], 'no ApiError code is built from a template: name the code in full so it can be checked');

  const dead = Object.keys(ERRORS).filter((code) => !thrown.has(code) && !named.has(code));
  t.same(dead, [], 'every catalogue entry is answered somewhere (remove dead entries, or throw them)');
});
