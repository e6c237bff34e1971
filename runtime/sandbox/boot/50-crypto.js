// crypto.getRandomValues and crypto.randomUUID (part of the bootstrap), drawn from a
// pool the `random` capability fills from the host's CSPRNG, 4 KB at a time.
// Uses: define, hostRandom.
{
  const TypeErrorCtor = TypeError;
  const RangeErrorCtor = RangeError;

  let pool = '';
  let poolPos = 0;
  function randomBytes(n) {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (poolPos >= pool.length) { pool = hostRandom(4096); poolPos = 0; }
      out[i] = pool.charCodeAt(poolPos++);
    }
    return out;
  }
  const cryptoObj = {};
  define(cryptoObj, 'getRandomValues', function getRandomValues(array) {
    if (!ArrayBuffer.isView(array) || array instanceof Float32Array || array instanceof Float64Array || array instanceof DataView) {
      throw new TypeErrorCtor("Failed to execute 'getRandomValues' on 'Crypto': parameter 1 is not of an integer type");
    }
    if (array.byteLength > 65536) throw new RangeErrorCtor("Failed to execute 'getRandomValues' on 'Crypto': The ArrayBufferView's byte length (" + array.byteLength + ') exceeds the number of bytes of entropy available via this API (65536).');
    new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(randomBytes(array.byteLength));
    return array;
  });
  define(cryptoObj, 'randomUUID', function randomUUID() {
    const b = randomBytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = '';
    for (let i = 0; i < 16; i++) {
      h += (b[i] + 0x100).toString(16).slice(1);
      if (i === 3 || i === 5 || i === 7 || i === 9) h += '-';
    }
    return h;
  });
  define(globalThis, 'crypto', cryptoObj);

}
