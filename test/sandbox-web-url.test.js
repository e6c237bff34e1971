'use strict';
// Differential test: URL / URLSearchParams inside an isolate against Node 20's own.
const t = require('tap');
const { sandbox, native } = require('./helpers/sandbox');

const parseCases = [
  ['http://example.com'], ['HTTP://EXAMPLE.COM/A?B#C'], ['https://user:pass@host.com:8080/p/a/t/h?query=string#hash'],
  ['http://example.com:80/'], ['https://example.com:443/x'], ['ws://example.com:80/'], ['wss://example.com:443/'],
  ['ftp://example.com:21/'], ['http://example.com:65535/'], ['http://example.com:65536/'], ['http://example.com:0080/'],
  ['http://example.com:abc/'], ['http://[::1]/'], ['http://[2001:db8::1]:8080/'], ['http://[2001:0db8:0000:0000:0000:ff00:0042:8329]/'],
  ['http://[::ffff:192.168.0.1]/'], ['http://[1:2:3:4:5:6:7:8]/'], ['http://[1::]/'], ['http://[::]/'], ['http://[1:0:0:2::3:0]/'],
  ['http://[:1]/'], ['http://[1:2:3:4:5:6:7:8:9]/'], ['http://[::1/'], ['http://192.168.0.1/'], ['http://0x7f.1/'],
  ['http://0177.0.0.1/'], ['http://2130706433/'], ['http://256.0.0.1/'], ['http://1.2.3.4.5/'], ['http://4294967296/'],
  ['http://example.com./'], ['http://a.b.c.1/'], ['http://foo.0x/'], ['http://exa mple.com/'], ['http://exa%41mple.com/'],
  ['http://ex%2fample.com/'], ['http://münchen.de/'], ['http://EXAMPLE.com/%7Efoo/bar baz'], ['http://example.com/a/./b/../c'],
  ['http://example.com/a/b/../../..'], ['http://example.com/%2e/x/%2E%2e/y'], ['http://example.com/a/..'], ['http://example.com\\a\\b'],
  ['http:example.com/path'], ['http:/example.com/'], ['http:///example.com/'], ['https://'], ['http://@example.com/'],
  ['http://user@/'], ['http://a:b@c:d@host/'], ['http://example.com/?a=b c&d="e"\'f<g>'], ['ws://example.com/?\''],
  ['http://example.com/#frag ment`x'], ['http://example.com/é?é#é'], ['http://example.com/\t\nx\r'], ['  http://example.com/  '],
  ['file:///etc/passwd'], ['file://localhost/etc'], ['file://host/share/x'], ['file:///C:/x/../../y'], ['file:c:\\foo\\bar'],
  ['file:///C|/x'], ['mailto:user@example.com'], ['data:text/plain,hello world'], ['javascript:alert(1)'], ['urn:isbn:0451450523'],
  ['foo://host/path?q#f'], ['foo://Host.COM/x'], ['foo://ho st/'], ['foo:///x/./y/../z'], ['foo:/a/../b'], ['foo:'],
  ['blob:https://example.com/uuid'], ['blob:foo'], ['sc://ñ.test/'], ['http://example.com/foo%'], ['http://example.com/%zz'],
  ['non-spec:/.//p'], ['web+demo:/.//not-a-host/'], ['git+ssh://git@github.com/a/b.git'], ['http://a/b?c#d?e#f'],
  ['//example.com/x'], ['/relative/path'], ['relative'], [''], ['?q=1'], ['#h'], ['http://[v1.x]/'],
  ['//x/y', 'https://base.test/a'], ['/p?q', 'https://base.test/a/b'], ['../c', 'http://a/b/c/d;p?q'], ['./g', 'http://a/b/c/d;p?q'],
  ['g/', 'http://a/b/c/d;p?q'], ['/g', 'http://a/b/c/d;p?q'], ['?y', 'http://a/b/c/d;p?q'], ['#s', 'http://a/b/c/d;p?q'],
  ['', 'http://a/b/c/d;p?q'], ['../../../g', 'http://a/b/c/d;p?q'], ['g;x=1/../y', 'http://a/b/c/d;p?q'], ['http:g', 'http://a/b/c/d;p?q'],
  ['https:g', 'http://a/b/c/d;p?q'], ['x', 'mailto:a@b'], ['#x', 'mailto:a@b'], ['x', 'file:///dir/file'], ['/C:/x', 'file:///D:/y'],
  ['\\\\server\\x', 'file:///'], ['x', 'not a url'], ['a b', 'foo://h/p/q'], ['../x', 'foo://h/p/q'], ['ftp://x/y', 'http://z'],
];

t.test('URL parsing matches Node for every input, with and without base', async (t) => {
  const box = sandbox(t);
  const probe = ([input, base]) => {
    try {
      const u = base === undefined ? new URL(input) : new URL(input, base);
      return {
        href: u.href, origin: u.origin, protocol: u.protocol, username: u.username, password: u.password, host: u.host,
        hostname: u.hostname, port: u.port, pathname: u.pathname, search: u.search, hash: u.hash, json: u.toJSON(),
        canParse: base === undefined ? URL.canParse(input) : URL.canParse(input, base),
      };
    } catch (e) {
      return { throws: e.constructor.name, canParse: base === undefined ? URL.canParse(input) : URL.canParse(input, base) };
    }
  };
  t.ok(parseCases.length >= 60);
  for (const c of parseCases) t.same(box.run(probe, c), native(probe, c), `new URL(${c.map((x) => JSON.stringify(x)).join(', ')})`);
});

const setterCases = [
  ['http://a.com/p?q#h', 'href', 'https://b.org:8443/x'], ['http://a.com/', 'href', 'not a url'],
  ['http://a.com/', 'protocol', 'https'], ['http://a.com/', 'protocol', 'ftp:'], ['http://a.com/', 'protocol', 'foo'],
  ['foo://a.com/', 'protocol', 'http'], ['http://a.com:443/', 'protocol', 'https'], ['http://a.com/', 'protocol', '1x'],
  ['http://a.com/', 'username', 'us er@:'], ['http://a.com/', 'password', 'p@ss'], ['file:///x', 'username', 'u'],
  ['http://a.com/', 'host', 'B.com:81'], ['http://a.com/', 'host', 'b.com:80'], ['http://a.com:81/', 'host', 'c.com'],
  ['http://a.com/', 'host', ''], ['mailto:x', 'host', 'y'], ['http://a.com/', 'hostname', 'b.com:99'],
  ['http://a.com/', 'hostname', '[::1]'], ['http://a.com/', 'port', '8080'], ['http://a.com/', 'port', '80'],
  ['http://a.com:81/', 'port', ''], ['http://a.com/', 'port', '99999'], ['http://a.com/', 'port', '12ab'], ['http://a.com/', 'port', 'ab'],
  ['http://a.com/x', 'pathname', '/a b/../c'], ['http://a.com/x', 'pathname', 'no-slash'], ['foo://h/x', 'pathname', 'y z'],
  ['mailto:x', 'pathname', '/y'], ['http://a.com/', 'search', '?a=1 2'], ['http://a.com/?x', 'search', ''],
  ['http://a.com/', 'search', 'b=#c'], ['http://a.com/', 'hash', 'x y'], ['http://a.com/#x', 'hash', ''], ['http://a.com/', 'hash', '##'],
  ['data:a b #x', 'hash', ''], ['data:a b ?x', 'search', ''], ['file:///x', 'host', 'server'], ['file://server/x', 'hostname', 'localhost'],
];

t.test('URL setters match Node', async (t) => {
  const box = sandbox(t);
  const probe = ([href, key, value]) => {
    const u = new URL(href);
    let threw = null;
    try { u[key] = value; } catch (e) { threw = e.constructor.name; }
    return { threw, href: u.href, host: u.host, pathname: u.pathname, search: u.search, hash: u.hash, port: u.port };
  };
  for (const c of setterCases) t.same(box.run(probe, c), native(probe, c), `${c[0]} .${c[1]} = ${JSON.stringify(c[2])}`);
});

const paramCases = [
  'a=1&b=2&a=3', '?x=%20y+z&empty=&novalue', 'a=%F0%9F%98%80&b=%FF&c=%', '&&a&&', '=x&y=', 'k=v=w', 'é=ü&😀=1',
  'a=1;b=2', '%zz=%2', 'plus=a+b%2Bc',
];

t.test('URLSearchParams parsing, serialization and methods match Node', async (t) => {
  const box = sandbox(t);
  const probe = (init) => {
    const p = new URLSearchParams(init);
    const out = { entries: [...p], string: p.toString(), size: p.size, getA: p.get('a'), all: p.getAll('a'), has: p.has('a'), hasA1: p.has('a', '1') };
    p.append('z', 'a b&c=d/é~!\'()*');
    p.set('a', 'new');
    p.delete('b');
    p.sort();
    out.after = p.toString();
    out.keys = [...p.keys()];
    out.values = [...p.values()];
    return out;
  };
  for (const c of paramCases) t.same(box.run(probe, c), native(probe, c), `URLSearchParams(${JSON.stringify(c)})`);

  const initForms = (kind) => {
    const forms = {
      record: () => new URLSearchParams({ b: '2', a: '1 ', c: '\uD800' }),
      pairs: () => new URLSearchParams([['x', '1'], ['x', '2'], ['y', 'z']]),
      copy: () => new URLSearchParams(new URLSearchParams('q=1&q=2')),
      badPair: () => new URLSearchParams([['only-one']]),
      deleteValue: () => { const p = new URLSearchParams('a=1&a=2&a=1'); p.delete('a', '1'); return p; },
    };
    try { return String(forms[kind]()); } catch (e) { return `throws ${e.constructor.name}`; }
  };
  for (const kind of ['record', 'pairs', 'copy', 'badPair', 'deleteValue']) t.same(box.run(initForms, kind), native(initForms, kind), kind);
});

t.test('searchParams is live-linked to its URL both ways', async (t) => {
  const box = sandbox(t);
  const probe = () => {
    const u = new URL('http://h/p?a=1&b=2#f');
    const sp = u.searchParams;
    const steps = [];
    sp.append('c', '3 4');
    steps.push(u.href);
    u.search = '?x=9';
    steps.push([...sp], sp === u.searchParams);
    u.href = 'http://other/?y=1';
    steps.push(sp.get('y'), sp.get('x'));
    sp.delete('y');
    steps.push(u.href, u.search);
    const opaque = new URL('data:a b ?q=1');
    opaque.searchParams.delete('q');
    steps.push(opaque.href, opaque.pathname);
    return steps;
  };
  t.same(box.run(probe), native(probe));
});
