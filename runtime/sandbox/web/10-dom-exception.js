// DOMException (WebIDL §2.8.1): name, message and legacy code, inheriting from Error.
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;

  const legacyCodes = {
    IndexSizeError: ['INDEX_SIZE_ERR', 1],
    DOMStringSizeError: ['DOMSTRING_SIZE_ERR', 2],
    HierarchyRequestError: ['HIERARCHY_REQUEST_ERR', 3],
    WrongDocumentError: ['WRONG_DOCUMENT_ERR', 4],
    InvalidCharacterError: ['INVALID_CHARACTER_ERR', 5],
    NoDataAllowedError: ['NO_DATA_ALLOWED_ERR', 6],
    NoModificationAllowedError: ['NO_MODIFICATION_ALLOWED_ERR', 7],
    NotFoundError: ['NOT_FOUND_ERR', 8],
    NotSupportedError: ['NOT_SUPPORTED_ERR', 9],
    InUseAttributeError: ['INUSE_ATTRIBUTE_ERR', 10],
    InvalidStateError: ['INVALID_STATE_ERR', 11],
    SyntaxError: ['SYNTAX_ERR', 12],
    InvalidModificationError: ['INVALID_MODIFICATION_ERR', 13],
    NamespaceError: ['NAMESPACE_ERR', 14],
    InvalidAccessError: ['INVALID_ACCESS_ERR', 15],
    ValidationError: ['VALIDATION_ERR', 16],
    TypeMismatchError: ['TYPE_MISMATCH_ERR', 17],
    SecurityError: ['SECURITY_ERR', 18],
    NetworkError: ['NETWORK_ERR', 19],
    AbortError: ['ABORT_ERR', 20],
    URLMismatchError: ['URL_MISMATCH_ERR', 21],
    QuotaExceededError: ['QUOTA_EXCEEDED_ERR', 22],
    TimeoutError: ['TIMEOUT_ERR', 23],
    InvalidNodeTypeError: ['INVALID_NODE_TYPE_ERR', 24],
    DataCloneError: ['DATA_CLONE_ERR', 25],
  };

  class DOMException extends Error {
    #name;
    #message;

    constructor(message = '', options = 'Error') {
      super();
      this.#message = internals.toDOMString(message);
      // Accepts the newer options-bag form ({ name, cause }) as well as a name string.
      if (options !== null && typeof options === 'object') {
        this.#name = 'name' in options ? internals.toDOMString(options.name) : 'Error';
        if ('cause' in options) {
          Object.defineProperty(this, 'cause', { value: options.cause, writable: true, enumerable: false, configurable: true });
        }
      } else {
        this.#name = internals.toDOMString(options);
      }
      // Re-capture so the stack header shows the real name and message.
      if (typeof Error.captureStackTrace === 'function') Error.captureStackTrace(this, DOMException);
    }

    get name() { return this.#name; }
    get message() { return this.#message; }
    get code() {
      const entry = Object.prototype.hasOwnProperty.call(legacyCodes, this.#name) ? legacyCodes[this.#name] : undefined;
      return entry ? entry[1] : 0;
    }

    static {
      internals.isDOMException = (v) => v !== null && typeof v === 'object' && #name in v;
    }
  }

  internals.webidlClass(DOMException, 'DOMException');
  for (const [constant, code] of Object.values(legacyCodes)) {
    const desc = { value: code, writable: false, enumerable: true, configurable: false };
    Object.defineProperty(DOMException, constant, desc);
    Object.defineProperty(DOMException.prototype, constant, desc);
  }

  internals.define('DOMException', DOMException);
})();
