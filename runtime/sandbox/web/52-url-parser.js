// URL Standard §4.4 basic URL parser (state machine)
// over plain URL records: { scheme, username, password, host, port, path, query, fragment }.
// `path` is an array of segments, or a string for URLs with an opaque path.
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  const sets = internals.percentEncodeSets;
  const encode = internals.percentEncode;
  const FAILURE = null;

  const specialSchemes = { ftp: 21, file: null, http: 80, https: 443, ws: 80, wss: 443 };
  const isSpecialScheme = (scheme) => Object.prototype.hasOwnProperty.call(specialSchemes, scheme);
  const defaultPort = (scheme) => (isSpecialScheme(scheme) ? specialSchemes[scheme] : null);

  const S = {
    SCHEME_START: 1, SCHEME: 2, NO_SCHEME: 3, SPECIAL_RELATIVE_OR_AUTHORITY: 4, PATH_OR_AUTHORITY: 5,
    RELATIVE: 6, RELATIVE_SLASH: 7, SPECIAL_AUTHORITY_SLASHES: 8, SPECIAL_AUTHORITY_IGNORE_SLASHES: 9,
    AUTHORITY: 10, HOST: 11, HOSTNAME: 12, PORT: 13, FILE: 14, FILE_SLASH: 15, FILE_HOST: 16,
    PATH_START: 17, PATH: 18, OPAQUE_PATH: 19, QUERY: 20, FRAGMENT: 21,
  };

  const isAlpha = (c) => c !== undefined && c.length === 1 && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
  const isDigit = (c) => c !== undefined && c.length === 1 && c >= '0' && c <= '9';
  const isAlnumSchemeChar = (c) => isAlpha(c) || isDigit(c) || c === '+' || c === '-' || c === '.';
  /** Percent-encodes one code point, skipping the call for ASCII outside the set (the common case). */
  const encodeOne = (c, set) => {
    const code = c.charCodeAt(0);
    return code < 0x80 && !set[code] ? c : encode(c, set);
  };
  const isWindowsDriveLetter = (s) => s.length === 2 && isAlpha(s[0]) && (s[1] === ':' || s[1] === '|');
  const isNormalizedWindowsDriveLetter = (s) => s.length === 2 && isAlpha(s[0]) && s[1] === ':';
  const startsWithWindowsDriveLetter = (cps, p) => cps.length - p >= 2 && isAlpha(cps[p]) && (cps[p + 1] === ':' || cps[p + 1] === '|')
    && (cps.length - p === 2 || '/\\?#'.includes(cps[p + 2]));
  const isSingleDot = (s) => s === '.' || s.toLowerCase() === '%2e';
  const isDoubleDot = (s) => {
    const l = s.toLowerCase();
    return l === '..' || l === '.%2e' || l === '%2e.' || l === '%2e%2e';
  };

  const newRecord = () => ({ scheme: '', username: '', password: '', host: null, port: null, path: [], query: null, fragment: null });
  const hasOpaquePath = (url) => typeof url.path === 'string';
  const includesCredentials = (url) => url.username !== '' || url.password !== '';

  function shortenPath(url) {
    const { path } = url;
    if (url.scheme === 'file' && path.length === 1 && isNormalizedWindowsDriveLetter(path[0])) return;
    path.pop();
  }

  /**
   * Basic URL parser. Without `url`, returns a new record or null on failure.
   * With `url` and `stateOverride` (setters), mutates `url` and returns it, or null on failure.
   */
  function basicParse(input, base = null, url = null, stateOverride = 0) {
    if (url === null) {
      url = newRecord();
      // eslint-disable-next-line no-control-regex
      input = input.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, '');
    }
    input = input.replace(/[\t\n\r]/g, '');
    // Indexed by code point; a plain string works when there are no surrogate pairs.
    const cps = /[\uD800-\uDFFF]/.test(input) ? Array.from(input) : input;
    let state = stateOverride || S.SCHEME_START;
    let buffer = '';
    let atSignSeen = false;
    let insideBrackets = false;
    let passwordTokenSeen = false;
    const special = () => isSpecialScheme(url.scheme);

    for (let p = 0; ; p++) {
      const c = cps[p]; // undefined is EOF
      switch (state) {
        case S.SCHEME_START:
          if (isAlpha(c)) {
            buffer += c.toLowerCase();
            state = S.SCHEME;
          } else if (!stateOverride) {
            state = S.NO_SCHEME;
            p--;
          } else {
            return FAILURE;
          }
          break;

        case S.SCHEME:
          if (isAlnumSchemeChar(c)) {
            buffer += c.toLowerCase();
          } else if (c === ':') {
            if (stateOverride) {
              if (isSpecialScheme(url.scheme) !== isSpecialScheme(buffer)) return url;
              if ((includesCredentials(url) || url.port !== null) && buffer === 'file') return url;
              if (url.scheme === 'file' && url.host === '') return url;
            }
            url.scheme = buffer;
            if (stateOverride) {
              if (url.port === defaultPort(url.scheme)) url.port = null;
              return url;
            }
            buffer = '';
            if (url.scheme === 'file') {
              state = S.FILE;
            } else if (special() && base !== null && base.scheme === url.scheme) {
              state = S.SPECIAL_RELATIVE_OR_AUTHORITY;
            } else if (special()) {
              state = S.SPECIAL_AUTHORITY_SLASHES;
            } else if (cps[p + 1] === '/') {
              state = S.PATH_OR_AUTHORITY;
              p++;
            } else {
              url.path = '';
              state = S.OPAQUE_PATH;
            }
          } else if (!stateOverride) {
            buffer = '';
            state = S.NO_SCHEME;
            p = -1;
          } else {
            return FAILURE;
          }
          break;

        case S.NO_SCHEME:
          if (base === null || (hasOpaquePath(base) && c !== '#')) return FAILURE;
          if (hasOpaquePath(base) && c === '#') {
            url.scheme = base.scheme;
            url.path = base.path;
            url.query = base.query;
            url.fragment = '';
            state = S.FRAGMENT;
          } else if (base.scheme !== 'file') {
            state = S.RELATIVE;
            p--;
          } else {
            state = S.FILE;
            p--;
          }
          break;

        case S.SPECIAL_RELATIVE_OR_AUTHORITY:
          if (c === '/' && cps[p + 1] === '/') {
            state = S.SPECIAL_AUTHORITY_IGNORE_SLASHES;
            p++;
          } else {
            state = S.RELATIVE;
            p--;
          }
          break;

        case S.PATH_OR_AUTHORITY:
          if (c === '/') {
            state = S.AUTHORITY;
          } else {
            state = S.PATH;
            p--;
          }
          break;

        case S.RELATIVE:
          url.scheme = base.scheme;
          if (c === '/' || (special() && c === '\\')) {
            state = S.RELATIVE_SLASH;
          } else {
            url.username = base.username;
            url.password = base.password;
            url.host = base.host;
            url.port = base.port;
            url.path = base.path.slice();
            url.query = base.query;
            if (c === '?') {
              url.query = '';
              state = S.QUERY;
            } else if (c === '#') {
              url.fragment = '';
              state = S.FRAGMENT;
            } else if (c !== undefined) {
              url.query = null;
              shortenPath(url);
              state = S.PATH;
              p--;
            }
          }
          break;

        case S.RELATIVE_SLASH:
          if (special() && (c === '/' || c === '\\')) {
            state = S.SPECIAL_AUTHORITY_IGNORE_SLASHES;
          } else if (c === '/') {
            state = S.AUTHORITY;
          } else {
            url.username = base.username;
            url.password = base.password;
            url.host = base.host;
            url.port = base.port;
            state = S.PATH;
            p--;
          }
          break;

        case S.SPECIAL_AUTHORITY_SLASHES:
          state = S.SPECIAL_AUTHORITY_IGNORE_SLASHES;
          if (c === '/' && cps[p + 1] === '/') p++;
          else p--;
          break;

        case S.SPECIAL_AUTHORITY_IGNORE_SLASHES:
          if (c !== '/' && c !== '\\') {
            state = S.AUTHORITY;
            p--;
          }
          break;

        case S.AUTHORITY:
          if (c === '@') {
            if (atSignSeen) buffer = `%40${buffer}`;
            atSignSeen = true;
            for (const ch of Array.from(buffer)) {
              if (ch === ':' && !passwordTokenSeen) {
                passwordTokenSeen = true;
                continue;
              }
              const encoded = encodeOne(ch, sets.userinfo);
              if (passwordTokenSeen) url.password += encoded;
              else url.username += encoded;
            }
            buffer = '';
          } else if (c === undefined || c === '/' || c === '?' || c === '#' || (special() && c === '\\')) {
            if (atSignSeen && buffer === '') return FAILURE;
            p -= Array.from(buffer).length + 1;
            buffer = '';
            state = S.HOST;
          } else {
            buffer += c;
          }
          break;

        case S.HOST:
        case S.HOSTNAME:
          if (stateOverride && url.scheme === 'file') {
            p--;
            state = S.FILE_HOST;
          } else if (c === ':' && !insideBrackets) {
            if (buffer === '') return FAILURE;
            if (stateOverride === S.HOSTNAME) return FAILURE;
            const host = internals.parseHost(buffer, !special());
            if (host === FAILURE) return FAILURE;
            url.host = host;
            buffer = '';
            state = S.PORT;
          } else if (c === undefined || c === '/' || c === '?' || c === '#' || (special() && c === '\\')) {
            p--;
            if (special() && buffer === '') return FAILURE;
            if (stateOverride && buffer === '' && (includesCredentials(url) || url.port !== null)) return FAILURE;
            const host = internals.parseHost(buffer, !special());
            if (host === FAILURE) return FAILURE;
            url.host = host;
            buffer = '';
            state = S.PATH_START;
            if (stateOverride) return url;
          } else {
            if (c === '[') insideBrackets = true;
            if (c === ']') insideBrackets = false;
            buffer += c;
          }
          break;

        case S.PORT:
          if (isDigit(c)) {
            buffer += c;
          } else if (c === undefined || c === '/' || c === '?' || c === '#' || (special() && c === '\\') || stateOverride) {
            if (buffer !== '') {
              const port = parseInt(buffer, 10);
              if (port > 65535) return FAILURE;
              url.port = port === defaultPort(url.scheme) ? null : port;
              buffer = '';
            } else if (stateOverride) {
              return FAILURE;
            }
            if (stateOverride) return url;
            state = S.PATH_START;
            p--;
          } else {
            return FAILURE;
          }
          break;

        case S.FILE:
          url.scheme = 'file';
          url.host = '';
          if (c === '/' || c === '\\') {
            state = S.FILE_SLASH;
          } else if (base !== null && base.scheme === 'file') {
            url.host = base.host;
            url.path = base.path.slice();
            url.query = base.query;
            if (c === '?') {
              url.query = '';
              state = S.QUERY;
            } else if (c === '#') {
              url.fragment = '';
              state = S.FRAGMENT;
            } else if (c !== undefined) {
              url.query = null;
              if (!startsWithWindowsDriveLetter(cps, p)) shortenPath(url);
              else url.path = [];
              state = S.PATH;
              p--;
            }
          } else {
            state = S.PATH;
            p--;
          }
          break;

        case S.FILE_SLASH:
          if (c === '/' || c === '\\') {
            state = S.FILE_HOST;
          } else {
            if (base !== null && base.scheme === 'file') {
              url.host = base.host;
              if (!startsWithWindowsDriveLetter(cps, p) && base.path.length > 0 && isNormalizedWindowsDriveLetter(base.path[0])) {
                url.path.push(base.path[0]);
              }
            }
            state = S.PATH;
            p--;
          }
          break;

        case S.FILE_HOST:
          if (c === undefined || c === '/' || c === '\\' || c === '?' || c === '#') {
            p--;
            if (!stateOverride && isWindowsDriveLetter(buffer)) {
              state = S.PATH;
            } else if (buffer === '') {
              url.host = '';
              if (stateOverride) return url;
              state = S.PATH_START;
            } else {
              let host = internals.parseHost(buffer, false);
              if (host === FAILURE) return FAILURE;
              if (host === 'localhost') host = '';
              url.host = host;
              if (stateOverride) return url;
              buffer = '';
              state = S.PATH_START;
            }
          } else {
            buffer += c;
          }
          break;

        case S.PATH_START:
          if (special()) {
            state = S.PATH;
            if (c !== '/' && c !== '\\') p--;
          } else if (!stateOverride && c === '?') {
            url.query = '';
            state = S.QUERY;
          } else if (!stateOverride && c === '#') {
            url.fragment = '';
            state = S.FRAGMENT;
          } else if (c !== undefined) {
            state = S.PATH;
            if (c !== '/') p--;
          } else if (stateOverride && url.host === null) {
            url.path.push('');
          }
          break;

        case S.PATH:
          if (c === undefined || c === '/' || (special() && c === '\\') || (!stateOverride && (c === '?' || c === '#'))) {
            const slash = c === '/' || (special() && c === '\\');
            if (isDoubleDot(buffer)) {
              shortenPath(url);
              if (!slash) url.path.push('');
            } else if (isSingleDot(buffer) && !slash) {
              url.path.push('');
            } else if (!isSingleDot(buffer)) {
              if (url.scheme === 'file' && url.path.length === 0 && isWindowsDriveLetter(buffer)) buffer = `${buffer[0]}:`;
              url.path.push(buffer);
            }
            buffer = '';
            if (c === '?') {
              url.query = '';
              state = S.QUERY;
            } else if (c === '#') {
              url.fragment = '';
              state = S.FRAGMENT;
            }
          } else {
            buffer += encodeOne(c, sets.path);
          }
          break;

        case S.OPAQUE_PATH:
          if (c === '?') {
            url.query = '';
            state = S.QUERY;
          } else if (c === '#') {
            url.fragment = '';
            state = S.FRAGMENT;
          } else if (c !== undefined) {
            url.path += encodeOne(c, sets.c0Control);
          }
          break;

        case S.QUERY:
          if ((!stateOverride && c === '#') || c === undefined) {
            url.query += encode(buffer, special() ? sets.specialQuery : sets.query);
            buffer = '';
            if (c === '#') {
              url.fragment = '';
              state = S.FRAGMENT;
            }
          } else {
            buffer += c;
          }
          break;

        case S.FRAGMENT:
          if (c !== undefined) url.fragment += encodeOne(c, sets.fragment);
          break;

        default:
          throw new Error(`unreachable URL parser state ${state}`);
      }
      if (p >= cps.length) break;
    }
    return url;
  }

  internals.url = {
    states: S, basicParse, isSpecialScheme, hasOpaquePath, includesCredentials,
    cannotHaveCredentialsOrPort: (url) => url.host === null || url.host === '' || url.scheme === 'file',
  };
})();
