// CustomEvent (DOM §2.4): an Event carrying `detail`.
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;

  class CustomEvent extends Event {
    #detail;

    constructor(type, eventInitDict = {}) {
      internals.requireArgs(arguments.length, 1, "Failed to construct 'CustomEvent'");
      super(type, eventInitDict);
      const init = eventInitDict ?? {};
      this.#detail = init.detail === undefined ? null : init.detail;
    }

    get detail() { return this.#detail; }

    initCustomEvent(type, bubbles = false, cancelable = false, detail = null) {
      internals.requireArgs(arguments.length, 1, "Failed to execute 'initCustomEvent' on 'CustomEvent'");
      // The dispatch flag is set exactly while eventPhase is not NONE.
      if (this.eventPhase !== Event.NONE) return;
      this.initEvent(type, bubbles, cancelable);
      this.#detail = detail;
    }
  }

  internals.webidlClass(CustomEvent, 'CustomEvent');
  internals.define('CustomEvent', CustomEvent);
})();
