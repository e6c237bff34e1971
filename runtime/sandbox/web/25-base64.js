// atob / btoa (HTML §8.3) with forgiving-base64 decoding.
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  const { DOMException } = globalThis; // captured so tenant reassignment cannot break us

  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const values = new Int16Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) values[alphabet.charCodeAt(i)] = i;

  const invalid = (what) => new DOMException(what, 'InvalidCharacterError');

  const functions = {
    btoa(data) {
      internals.requireArgs(arguments.length, 1, "Failed to execute 'btoa'");
      const s = internals.toDOMString(data);
      let out = '';
      for (let i = 0; i < s.length; i += 3) {
        const a = s.charCodeAt(i);
        const b = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
        const c = i + 2 < s.length ? s.charCodeAt(i + 2) : 0;
        if (a > 0xff || b > 0xff || c > 0xff) throw invalid('Invalid character');
        out += alphabet[a >> 2] + alphabet[((a & 3) << 4) | (b >> 4)];
        out += i + 1 < s.length ? alphabet[((b & 15) << 2) | (c >> 6)] : '=';
        out += i + 2 < s.length ? alphabet[c & 63] : '=';
      }
      return out;
    },

    atob(data) {
      internals.requireArgs(arguments.length, 1, "Failed to execute 'atob'");
      let s = internals.toDOMString(data).replace(/[\t\n\f\r ]+/g, '');
      if (s.length % 4 === 0) s = s.replace(/==?$/, '');
      if (s.length % 4 === 1) throw invalid('The string to be decoded is not correctly encoded.');
      let out = '';
      let buffer = 0;
      let bits = 0;
      for (let i = 0; i < s.length; i++) {
        const code = s.charCodeAt(i);
        const v = code < 128 ? values[code] : -1;
        if (v < 0) throw invalid('The string to be decoded is not correctly encoded.');
        buffer = (buffer << 6) | v;
        bits += 6;
        if (bits >= 8) {
          bits -= 8;
          out += String.fromCharCode((buffer >> bits) & 0xff);
        }
      }
      return out;
    },
  };

  internals.define('btoa', functions.btoa);
  internals.define('atob', functions.atob);
})();
