// Encoding Standard §5: TextEncoderStream and TextDecoderStream (the encodings TextDecoder decodes).
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  const { TextDecoder, TransformStream, TypeError, Uint8Array } = globalThis; // captured at load

  class TextEncoderStream {
    #transform;

    constructor() {
      let pendingHighSurrogate = '';
      this.#transform = new TransformStream({
        __proto__: null,
        transform(chunk, controller) {
          let s = pendingHighSurrogate + internals.toDOMString(chunk);
          pendingHighSurrogate = '';
          const last = s.length > 0 ? s.charCodeAt(s.length - 1) : 0;
          if (last >= 0xd800 && last <= 0xdbff) {
            pendingHighSurrogate = s[s.length - 1];
            s = s.slice(0, -1);
          }
          if (s.length > 0) controller.enqueue(internals.utf8Encode(s));
        },
        flush(controller) {
          if (pendingHighSurrogate !== '') controller.enqueue(new Uint8Array([0xef, 0xbf, 0xbd]));
        },
      });
    }

    get encoding() { this.#transform; return 'utf-8'; } // eslint-disable-line no-unused-expressions
    get readable() { return this.#transform.readable; }
    get writable() { return this.#transform.writable; }

    static {
      internals.platformObjectChecks.push((v) => v !== null && typeof v === 'object' && #transform in v);
    }
  }

  class TextDecoderStream {
    #decoder;
    #transform;

    constructor(label = 'utf-8', options = {}) {
      const decoder = new TextDecoder(label, options);
      this.#decoder = decoder;
      this.#transform = new TransformStream({
        __proto__: null,
        transform(chunk, controller) {
          const view = internals.viewBufferSource(chunk);
          if (view === null) throw new TypeError("Failed to execute 'transform' on 'TextDecoderStream': chunk is not an ArrayBuffer or ArrayBufferView");
          const text = decoder.decode(view, { stream: true });
          if (text !== '') controller.enqueue(text);
        },
        flush(controller) {
          const text = decoder.decode();
          if (text !== '') controller.enqueue(text);
        },
      });
    }

    get encoding() { return this.#decoder.encoding; }
    get fatal() { return this.#decoder.fatal; }
    get ignoreBOM() { return this.#decoder.ignoreBOM; }
    get readable() { return this.#transform.readable; }
    get writable() { return this.#transform.writable; }

    static {
      internals.platformObjectChecks.push((v) => v !== null && typeof v === 'object' && #decoder in v);
    }
  }

  internals.webidlClass(TextEncoderStream, 'TextEncoderStream');
  internals.webidlClass(TextDecoderStream, 'TextDecoderStream');
  internals.define('TextEncoderStream', TextEncoderStream);
  internals.define('TextDecoderStream', TextDecoderStream);
})();
