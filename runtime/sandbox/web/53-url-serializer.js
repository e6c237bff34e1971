// URL Standard §4.5 URL serializer and §4.2 origin of a URL record (records come from 52-url-parser.js).
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  const { basicParse, isSpecialScheme, hasOpaquePath, includesCredentials } = internals.url;

  function serializePath(url) {
    if (hasOpaquePath(url)) return url.path;
    let out = '';
    for (const segment of url.path) out += `/${segment}`;
    return out;
  }

  function serialize(url, excludeFragment = false) {
    let out = `${url.scheme}:`;
    if (url.host !== null) {
      out += '//';
      if (includesCredentials(url)) {
        out += url.username;
        if (url.password !== '') out += `:${url.password}`;
        out += '@';
      }
      out += url.host;
      if (url.port !== null) out += `:${url.port}`;
    } else if (!hasOpaquePath(url) && url.path.length > 1 && url.path[0] === '') {
      out += '/.';
    }
    out += serializePath(url);
    if (url.query !== null) out += `?${url.query}`;
    if (!excludeFragment && url.fragment !== null) out += `#${url.fragment}`;
    return out;
  }

  function origin(url) {
    if (url.scheme === 'blob') {
      const inner = hasOpaquePath(url) || url.path.length ? basicParse(serializePath(url)) : null;
      if (inner !== null && (inner.scheme === 'http' || inner.scheme === 'https')) return origin(inner);
      return 'null';
    }
    if (isSpecialScheme(url.scheme) && url.scheme !== 'file') {
      return `${url.scheme}://${url.host}${url.port !== null ? `:${url.port}` : ''}`;
    }
    return 'null';
  }

  Object.assign(internals.url, {
    serialize, serializePath, origin,
    stripTrailingSpacesFromOpaquePath(url) {
      if (!hasOpaquePath(url) || url.fragment !== null || url.query !== null) return;
      url.path = url.path.replace(/ +$/, '');
    },
  });
})();
