// FormData (XHR §4.3) without the HTML form parts: an ordered list of
// (name, value) entries where a value is a string or a File.
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  const { TypeError } = globalThis;

  /** XHR's "create an entry": strings become USVStrings, Blobs become Files. */
  function createEntry(name, value, filename, given, where) {
    const n = internals.toUSVString(name);
    if (given === 3 || internals.isBlob(value)) {
      if (!internals.isBlob(value)) throw new TypeError(`${where}: parameter 2 is not of type 'Blob'.`);
      const fileName = filename !== undefined ? internals.toUSVString(filename) : internals.isFile(value) ? internals.fileName(value) : 'blob';
      if (internals.isFile(value) && filename === undefined) return [n, value];
      // A renamed File keeps its lastModified; a Blob becomes a File of now (the File constructor's default).
      const lastModified = internals.isFile(value) ? internals.fileLastModified(value) : undefined;
      return [n, internals.createFile(internals.blobBytes(value), fileName, internals.blobType(value), lastModified)];
    }
    return [n, internals.toUSVString(value)];
  }

  class FormData {
    #list = [];

    constructor(form = undefined, submitter = undefined) {
      // There are no HTML forms in a worker; only `new FormData()` makes sense.
      if (form !== undefined) throw new TypeError("Failed to construct 'FormData': parameter 1 is not of type 'HTMLFormElement'.");
      void submitter;
    }

    append(name, value, filename = undefined) {
      internals.requireArgs(arguments.length, 2, "Failed to execute 'append' on 'FormData'");
      this.#list.push(createEntry(name, value, filename, arguments.length, "Failed to execute 'append' on 'FormData'"));
    }

    delete(name) {
      internals.requireArgs(arguments.length, 1, "Failed to execute 'delete' on 'FormData'");
      const n = internals.toUSVString(name);
      this.#list = this.#list.filter((e) => e[0] !== n);
    }

    get(name) {
      internals.requireArgs(arguments.length, 1, "Failed to execute 'get' on 'FormData'");
      const n = internals.toUSVString(name);
      const entry = this.#list.find((e) => e[0] === n);
      return entry === undefined ? null : entry[1];
    }

    getAll(name) {
      internals.requireArgs(arguments.length, 1, "Failed to execute 'getAll' on 'FormData'");
      const n = internals.toUSVString(name);
      return this.#list.filter((e) => e[0] === n).map((e) => e[1]);
    }

    has(name) {
      internals.requireArgs(arguments.length, 1, "Failed to execute 'has' on 'FormData'");
      const n = internals.toUSVString(name);
      return this.#list.some((e) => e[0] === n);
    }

    set(name, value, filename = undefined) {
      internals.requireArgs(arguments.length, 2, "Failed to execute 'set' on 'FormData'");
      const entry = createEntry(name, value, filename, arguments.length, "Failed to execute 'set' on 'FormData'");
      const index = this.#list.findIndex((e) => e[0] === entry[0]);
      if (index === -1) { this.#list.push(entry); return; }
      this.#list[index] = entry;
      this.#list = this.#list.filter((e, i) => i <= index || e[0] !== entry[0]);
    }

    static {
      internals.formData = {
        isFormData: (v) => v !== null && typeof v === 'object' && #list in v,
        /** The live entry list ([name, string | File] pairs). */
        entries: (fd) => fd.#list,
        /** A FormData over entries the platform built (parsers). */
        fromEntries: (list) => {
          const fd = new FormData();
          fd.#list = list;
          return fd;
        },
      };
    }
  }

  internals.definePairIterable(FormData, 'FormData', (fd) => {
    if (!internals.formData.isFormData(fd)) throw new TypeError("Value of 'this' must be of type FormData");
    return internals.formData.entries(fd);
  });
  internals.webidlClass(FormData, 'FormData');
  internals.platformObjectChecks.push(internals.formData.isFormData);
  internals.define('FormData', FormData);
})();
