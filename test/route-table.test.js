'use strict';
// The HTTP trigger route table: literal over parameter over rest-match at each
// segment (with backtracking), path parameters decoded, methods, conflicts of
// same-shape patterns only, and removal.
const t = require('tap');
const { RouteTable, parsePattern } = require('../dist/core/routing');

function table(routes) {
  const rt = new RouteTable();
  for (const [path, methods, value] of routes) rt.add(parsePattern(path), methods, value);
  return rt;
}

t.test('precedence, parameters and rest-matches', async (t) => {
  const rt = table([
    ['/api/users/me', ['ANY'], 'me'],
    ['/api/users/{id}', ['GET'], 'user'],
    ['/api/users/{id}/posts/{post}', ['ANY'], 'post'],
    ['/api/*', ['ANY'], 'api-rest'],
    ['/files/{path+}', ['GET'], 'files'],
    ['/api/users/{id}/avatar', ['ANY'], 'avatar'],
  ]);
  const m = (method, path) => {
    const hit = rt.match(method, path);
    return hit ? [hit.value, hit.params] : undefined;
  };
  t.same(m('GET', '/api/users/me'), ['me', {}], 'a literal beats a parameter');
  t.same(m('GET', '/api/users/42'), ['user', { id: '42' }]);
  t.same(m('GET', '/api/users/a%20b'), ['user', { id: 'a b' }], 'parameters are decoded');
  t.same(m('HEAD', '/api/users/42'), ['user', { id: '42' }], 'HEAD is served by GET');
  t.same(m('POST', '/api/users/42'), ['api-rest', {}], 'another method falls back to the rest-match');
  t.same(m('GET', '/api/users/42/posts/7'), ['post', { id: '42', post: '7' }]);
  t.same(m('GET', '/api/users/me/avatar'), ['avatar', { id: 'me' }], 'backtracks from the literal branch to the parameter');
  t.same(m('GET', '/api/x/y/z'), ['api-rest', {}]);
  t.same(m('GET', '/api'), ['api-rest', {}], 'a rest-match matches zero segments');
  t.same(m('GET', '/files/a/b%2Fc.txt'), ['files', { path: 'a/b/c.txt' }], 'a named rest-match gets the rest');
  t.same(m('GET', '/api/users/42/'), ['user', { id: '42' }], 'a trailing slash is the same path');
  t.equal(m('GET', '/other'), undefined);
  t.equal(m('POST', '/files/x'), undefined);
  t.equal(rt.size, 6);
  rt.remove((v) => v === 'api-rest');
  t.equal(m('POST', '/api/users/42'), undefined, 'removed');
  t.equal(rt.size, 5);
});

t.test('conflicts: same shape and a method in common', async (t) => {
  const rt = table([['/a/{x}', ['GET', 'POST'], 'first'], ['/b/*', ['ANY'], 'rest']]);
  t.equal(rt.conflict(parsePattern('/a/{y}'), ['POST']), 'first', 'parameter names do not matter');
  t.equal(rt.conflict(parsePattern('/a/{y}'), ['ANY']), 'first', 'ANY overlaps everything');
  t.equal(rt.conflict(parsePattern('/a/{y}'), ['PUT']), undefined, 'disjoint methods');
  t.equal(rt.conflict(parsePattern('/a/lit'), ['GET']), undefined, 'a literal is another shape');
  t.equal(rt.conflict(parsePattern('/b/{p+}'), ['GET']), 'rest', 'rest-matches conflict whatever their name');
  t.equal(rt.conflict(parsePattern('/a/{x}'), ['GET'], 'first'), undefined, 'a route does not conflict with itself');
});

t.test('bad patterns are refused with a reason', async (t) => {
  for (const bad of ['noslash', '/a/*/b', '/a/{x}/{x}', '/a//b', '/a/../b', '/a b']) t.throws(() => parsePattern(bad), undefined, bad);
});
