// Event (DOM §2.2). Dispatch-time state is written by EventTarget through
// accessors published on the internals object, never reachable from tenant code.
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;

  const NONE = 0;
  const CAPTURING_PHASE = 1;
  const AT_TARGET = 2;
  const BUBBLING_PHASE = 3;
  const timeOrigin = Date.now();

  class Event {
    #type;
    #bubbles;
    #cancelable;
    #composed;
    #target = null;
    #currentTarget = null;
    #eventPhase = NONE;
    #canceled = false;
    #stopPropagation = false;
    #stopImmediate = false;
    #inPassiveListener = false;
    #dispatching = false;
    #initialized = true;
    #trusted = false;
    #timeStamp = Date.now() - timeOrigin;

    constructor(type, eventInitDict = {}) {
      internals.requireArgs(arguments.length, 1, "Failed to construct 'Event'");
      if (eventInitDict !== undefined && eventInitDict !== null && typeof eventInitDict !== 'object' && typeof eventInitDict !== 'function') {
        throw new TypeError("Failed to construct 'Event': The provided value is not of type 'EventInit'.");
      }
      const init = eventInitDict ?? {};
      this.#type = internals.toDOMString(type);
      this.#bubbles = Boolean(init.bubbles);
      this.#cancelable = Boolean(init.cancelable);
      this.#composed = Boolean(init.composed);
    }

    get type() { return this.#type; }
    get target() { return this.#target; }
    get srcElement() { return this.#target; }
    get currentTarget() { return this.#currentTarget; }
    composedPath() { return this.#currentTarget === null ? [] : [this.#currentTarget]; }
    get eventPhase() { return this.#eventPhase; }
    stopPropagation() { this.#stopPropagation = true; }
    get cancelBubble() { return this.#stopPropagation; }
    set cancelBubble(value) { if (value) this.#stopPropagation = true; }
    stopImmediatePropagation() { this.#stopPropagation = true; this.#stopImmediate = true; }
    get bubbles() { return this.#bubbles; }
    get cancelable() { return this.#cancelable; }
    get returnValue() { return !this.#canceled; }
    set returnValue(value) { if (!value) this.#cancel(); }
    preventDefault() { this.#cancel(); }
    get defaultPrevented() { return this.#canceled; }
    get composed() { return this.#composed; }
    get isTrusted() { return this.#trusted; }
    get timeStamp() { return this.#timeStamp; }

    initEvent(type, bubbles = false, cancelable = false) {
      internals.requireArgs(arguments.length, 1, "Failed to execute 'initEvent' on 'Event'");
      if (this.#dispatching) return;
      this.#initialized = true;
      this.#stopPropagation = this.#stopImmediate = this.#canceled = false;
      this.#trusted = false;
      this.#target = null;
      this.#type = internals.toDOMString(type);
      this.#bubbles = Boolean(bubbles);
      this.#cancelable = Boolean(cancelable);
    }

    #cancel() {
      if (this.#cancelable && !this.#inPassiveListener) this.#canceled = true;
    }

    static {
      internals.eventState = {
        isEvent: (v) => v !== null && typeof v === 'object' && #type in v,
        beginDispatch(event, target) {
          if (event.#dispatching || !event.#initialized) return false;
          event.#dispatching = true;
          event.#target = target;
          event.#currentTarget = target;
          event.#eventPhase = AT_TARGET;
          return true;
        },
        endDispatch(event) {
          event.#dispatching = false;
          event.#currentTarget = null;
          event.#eventPhase = NONE;
          event.#stopPropagation = false;
          event.#stopImmediate = false;
        },
        stoppedImmediately: (event) => event.#stopImmediate,
        setPassive(event, passive) { event.#inPassiveListener = passive; },
        setTrusted(event) { event.#trusted = true; },
      };
    }
  }

  internals.webidlClass(Event, 'Event');
  for (const [name, value] of Object.entries({ NONE, CAPTURING_PHASE, AT_TARGET, BUBBLING_PHASE })) {
    const desc = { value, writable: false, enumerable: true, configurable: false };
    Object.defineProperty(Event, name, desc);
    Object.defineProperty(Event.prototype, name, desc);
  }
  internals.define('Event', Event);
})();
