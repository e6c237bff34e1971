// node:url for the isolate's Node.js compatibility set: the WHATWG URL and
// URLSearchParams (the isolate's globals), fileURLToPath / pathToFileURL (POSIX),
// domainToASCII / domainToUnicode, urlToHttpOptions, format (of a URL with
// Node's options, or of a legacy url object), and the legacy parse / resolve /
// Url. The legacy parser follows Node's url.parse() steps (protocol, `//` host
// with auth and port, path, search/query, hash; backslashes before the query
// become `/`, the characters Node auto-escapes are escaped) but does not
// punycode hostnames through UTS #46 beyond what the isolate's URL does.
'use strict';

const querystring = require('querystring');

const SLASHED = new Set(['http:', 'https:', 'ftp:', 'gopher:', 'file:', 'ws:', 'wss:']);
const HOSTLESS = new Set(['javascript:', 'javascript']);
const AUTO_ESCAPE = /[\t\n\r "'<>\\^`{|}]/g;
const escapeChar = (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');

function Url() {
  this.protocol = null; this.slashes = null; this.auth = null; this.host = null; this.port = null;
  this.hostname = null; this.hash = null; this.search = null; this.query = null; this.pathname = null;
  this.path = null; this.href = null;
}

/** Node's legacy url.parse(). */
function parse(url, parseQueryString = false, slashesDenoteHost = false) {
  if (url instanceof Url) return url;
  if (typeof url !== 'string') throw Object.assign(new TypeError('The "url" argument must be of type string'), { code: 'ERR_INVALID_ARG_TYPE' });
  const u = new Url();
  let rest = url.trim();
  // Backslashes before the query are slashes, as in Node.
  const q0 = rest.search(/[?#]/);
  rest = (q0 < 0 ? rest : rest.slice(0, q0)).replace(/\\/g, '/') + (q0 < 0 ? '' : rest.slice(q0));
  const proto = /^[a-z0-9.+-]+:/i.exec(rest);
  let lowerProto;
  if (proto !== null) {
    lowerProto = proto[0].toLowerCase();
    u.protocol = lowerProto;
    rest = rest.slice(proto[0].length);
  }
  if (slashesDenoteHost || proto !== null || /^\/\/[^@/]+@[^@/]+/.test(rest)) {
    const slashes = rest.startsWith('//');
    if (slashes && !(lowerProto !== undefined && HOSTLESS.has(lowerProto))) { rest = rest.slice(2); u.slashes = true; }
  }
  if (!HOSTLESS.has(lowerProto) && (u.slashes || (proto !== null && !SLASHED.has(lowerProto)))) {
    let hostEnd = rest.search(/[/?#]/);
    if (hostEnd < 0) hostEnd = rest.length;
    const at = rest.lastIndexOf('@', hostEnd);
    if (at >= 0) { u.auth = decodeURIComponent(rest.slice(0, at)); rest = rest.slice(at + 1); }
    // The host ends at the first character a host cannot have (Node's nonHostChars).
    hostEnd = rest.search(/[%/?;#'{}|\\^`<>" \r\n\t]/);
    if (hostEnd < 0) hostEnd = rest.length;
    let host = rest.slice(0, hostEnd);
    rest = rest.slice(hostEnd);
    const port = /:([0-9]*)$/.exec(host);
    if (port !== null) { if (port[1] !== '') u.port = port[1]; host = host.slice(0, port.index); }
    let hostname = host.toLowerCase();
    const ipv6 = hostname.startsWith('[') && hostname.endsWith(']');
    if (ipv6) hostname = hostname.slice(1, -1);
    else if (/[^\x00-\x7f]/.test(hostname)) hostname = domainToASCII(hostname);
    u.hostname = hostname;
    u.host = (ipv6 ? '[' + hostname + ']' : hostname) + (u.port !== null ? ':' + u.port : '');
  }
  if (!HOSTLESS.has(lowerProto)) rest = rest.replace(AUTO_ESCAPE, escapeChar);
  const hash = rest.indexOf('#');
  if (hash >= 0) { u.hash = rest.slice(hash); rest = rest.slice(0, hash); }
  const qm = rest.indexOf('?');
  if (qm >= 0) {
    u.search = rest.slice(qm);
    u.query = rest.slice(qm + 1);
    if (parseQueryString) u.query = querystring.parse(u.query);
    rest = rest.slice(0, qm);
  } else if (parseQueryString) {
    u.search = null;
    u.query = Object.create(null);
  }
  if (rest !== '') u.pathname = rest;
  if (SLASHED.has(lowerProto) && u.hostname && !u.pathname) u.pathname = '/';
  if (u.pathname !== null || u.search !== null) u.path = (u.pathname || '') + (u.search || '');
  u.href = formatLegacy(u);
  return u;
}

function formatLegacy(obj) {
  let auth = obj.auth || '';
  if (auth) auth = encodeURIComponent(auth).replace(/%3A/i, ':') + '@';
  let protocol = obj.protocol || '';
  let pathname = obj.pathname || '';
  let hash = obj.hash || '';
  let host = '';
  if (obj.host) host = auth + obj.host;
  else if (obj.hostname) {
    host = auth + (obj.hostname.includes(':') && !obj.hostname.startsWith('[') ? '[' + obj.hostname + ']' : obj.hostname);
    if (obj.port) host += ':' + obj.port;
  }
  let search = obj.search || '';
  if (!search && obj.query !== null && typeof obj.query === 'object') {
    const qs = querystring.stringify(obj.query);
    if (qs) search = '?' + qs;
  }
  if (protocol && !protocol.endsWith(':')) protocol += ':';
  if ((obj.slashes || SLASHED.has(protocol)) && (obj.slashes || host !== '')) {
    host = '//' + host;
    if (pathname && pathname[0] !== '/') pathname = '/' + pathname;
  }
  if (hash && hash[0] !== '#') hash = '#' + hash;
  if (search && search[0] !== '?') search = '?' + search;
  pathname = pathname.replace(/[?#]/g, encodeURIComponent);
  search = search.replace(/#/g, '%23');
  return protocol + host + pathname + search + hash;
}

/** url.format(URL, { auth, fragment, search, unicode }) or url.format(legacy object or string). */
function format(obj, options) {
  if (typeof obj === 'string') return formatLegacy(parse(obj));
  if (obj instanceof URL) {
    const o = { auth: true, fragment: true, search: true, unicode: false, ...options };
    let s = obj.protocol;
    if (obj.host !== '' || obj.protocol === 'file:') {
      s += '//';
      if (o.auth && (obj.username || obj.password)) s += obj.username + (obj.password ? ':' + obj.password : '') + '@';
      s += o.unicode ? domainToUnicode(obj.hostname) + (obj.port ? ':' + obj.port : '') : obj.host;
    }
    s += obj.pathname;
    if (o.search) s += obj.search;
    if (o.fragment) s += obj.hash;
    return s;
  }
  if (obj === null || typeof obj !== 'object') throw Object.assign(new TypeError('The "urlObject" argument must be one of type object or string'), { code: 'ERR_INVALID_ARG_TYPE' });
  return formatLegacy(obj);
}

/** Node's legacy url.resolve(), over the WHATWG parser (a relative `from` is kept relative). */
function resolve(from, to) {
  const base = parse(from);
  if (base.protocol !== null) return new URL(to, from).href;
  const dummy = 'resolve://x' + (from.startsWith('/') ? '' : '/');
  const r = new URL(to, dummy + from);
  if (r.protocol !== 'resolve:') return r.href;
  const out = r.pathname + r.search + r.hash;
  return from.startsWith('/') ? out : out.slice(1);
}
Url.prototype.parse = function (url, pq, sdh) { Object.assign(this, parse(url, pq, sdh)); return this; };
Url.prototype.format = function () { return formatLegacy(this); };
Url.prototype.resolve = function (to) { return resolve(this.href, to); };

function domainToASCII(domain) {
  try { return new URL('http://' + domain).hostname; } catch { return ''; }
}
function domainToUnicode(domain) {
  const ascii = domainToASCII(domain);
  if (ascii === '') return '';
  return ascii.split('.').map((label) => (label.startsWith('xn--') ? punycodeDecode(label.slice(4)) : label)).join('.');
}
/** RFC 3492 decoding of one label (the isolate's URL only encodes). */
function punycodeDecode(input) {
  const base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700;
  const out = [];
  let i = 0, n = 128, bias = 72;
  const basic = input.lastIndexOf('-');
  for (let j = 0; j < Math.max(basic, 0); j++) out.push(input.charCodeAt(j));
  const adapt = (delta, numPoints, first) => {
    let k = 0;
    delta = first ? Math.floor(delta / damp) : delta >> 1;
    delta += Math.floor(delta / numPoints);
    for (; delta > ((base - tMin) * tMax) >> 1; k += base) delta = Math.floor(delta / (base - tMin));
    return Math.floor(k + ((base - tMin + 1) * delta) / (delta + skew));
  };
  for (let idx = basic > 0 ? basic + 1 : 0; idx < input.length;) {
    const oldi = i;
    for (let w = 1, k = base; ; k += base) {
      const c = input.charCodeAt(idx++);
      const digit = c - 48 < 10 ? c - 22 : c - 65 < 26 ? c - 65 : c - 97 < 26 ? c - 97 : base;
      if (digit >= base || idx > input.length) return 'xn--' + input;
      i += digit * w;
      const t = k <= bias ? tMin : k >= bias + tMax ? tMax : k - bias;
      if (digit < t) break;
      w *= base - t;
    }
    bias = adapt(i - oldi, out.length + 1, oldi === 0);
    n += Math.floor(i / (out.length + 1));
    i %= out.length + 1;
    out.splice(i++, 0, n);
  }
  return String.fromCodePoint(...out);
}

function fileURLToPath(path) {
  const u = typeof path === 'string' ? new URL(path) : path;
  if (!(u instanceof URL)) throw Object.assign(new TypeError('The "path" argument must be of type string or an instance of URL'), { code: 'ERR_INVALID_ARG_TYPE' });
  if (u.protocol !== 'file:') throw Object.assign(new TypeError('The URL must be of scheme file'), { code: 'ERR_INVALID_URL_SCHEME' });
  if (u.hostname !== '') throw Object.assign(new TypeError('File URL host must be "localhost" or empty on linux'), { code: 'ERR_INVALID_FILE_URL_HOST' });
  if (/%2f/i.test(u.pathname)) throw Object.assign(new TypeError('File URL path must not include encoded / characters'), { code: 'ERR_INVALID_FILE_URL_PATH' });
  return decodeURIComponent(u.pathname);
}
function pathToFileURL(filepath) {
  let p = filepath.startsWith('/') ? filepath : require('path').resolve(filepath);
  if (filepath.endsWith('/') && !p.endsWith('/')) p += '/';
  const u = new URL('file://');
  u.pathname = p.replace(/%/g, '%25').replace(/\\/g, '%5C').replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/\t/g, '%09');
  return u;
}
function urlToHttpOptions(url) {
  const o = {
    protocol: url.protocol,
    hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
    hash: url.hash, search: url.search, pathname: url.pathname,
    path: `${url.pathname || ''}${url.search || ''}`, href: url.href,
  };
  if (url.port !== '') o.port = Number(url.port);
  if (url.username || url.password) o.auth = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return o;
}

module.exports = {
  URL, URLSearchParams, Url, parse, format, resolve, resolveObject: (from, to) => parse(resolve(from, to)),
  domainToASCII, domainToUnicode, fileURLToPath, pathToFileURL, urlToHttpOptions,
};
