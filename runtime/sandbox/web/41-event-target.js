// EventTarget (DOM §2.7) for targets without a tree: capture and bubble both run at target.
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  const { DOMException } = globalThis; // captured so tenant reassignment cannot break us
  const events = internals.eventState;

  function flattenOptions(options) {
    if (typeof options === 'boolean') return { capture: options };
    if (options === undefined || options === null) return { capture: false };
    if (typeof options !== 'object' && typeof options !== 'function') return { capture: Boolean(options) };
    return { capture: Boolean(options.capture), once: Boolean(options.once), passive: Boolean(options.passive), signal: options.signal };
  }

  class EventTarget {
    // type -> array of { callback, capture, once, passive, removed }
    #listeners = new Map();

    addEventListener(type, callback, options = undefined) {
      internals.requireArgs(arguments.length, 2, "Failed to execute 'addEventListener' on 'EventTarget'");
      type = internals.toDOMString(type);
      const { capture, once = false, passive = false, signal } = flattenOptions(options);
      if (signal !== undefined && !internals.isAbortSignal(signal)) {
        throw new TypeError("Failed to execute 'addEventListener' on 'EventTarget': member signal is not of type AbortSignal.");
      }
      if (callback === null || callback === undefined) return;
      if (typeof callback !== 'function' && typeof callback !== 'object') {
        throw new TypeError("Failed to execute 'addEventListener' on 'EventTarget': parameter 2 is not of type 'Object'.");
      }
      if (signal !== undefined && signal.aborted) return;
      let list = this.#listeners.get(type);
      if (!list) { list = []; this.#listeners.set(type, list); }
      if (list.some((l) => l.callback === callback && l.capture === capture)) return;
      const listener = { callback, capture, once, passive, removed: false, unsubscribe: null };
      list.push(listener);
      if (signal !== undefined) {
        listener.unsubscribe = internals.addAbortAlgorithm(signal, () => this.#remove(type, listener));
      }
    }

    removeEventListener(type, callback, options = undefined) {
      internals.requireArgs(arguments.length, 2, "Failed to execute 'removeEventListener' on 'EventTarget'");
      type = internals.toDOMString(type);
      const { capture } = flattenOptions(options);
      const list = this.#listeners.get(type);
      if (!list) return;
      const listener = list.find((l) => l.callback === callback && l.capture === capture);
      if (listener) this.#remove(type, listener);
    }

    #remove(type, listener) {
      listener.removed = true;
      // Drop the signal's reference too, so a long-lived signal does not pin removed listeners.
      if (listener.unsubscribe !== null) {
        listener.unsubscribe();
        listener.unsubscribe = null;
      }
      const list = this.#listeners.get(type);
      if (!list) return;
      const index = list.indexOf(listener);
      if (index !== -1) list.splice(index, 1);
      if (list.length === 0) this.#listeners.delete(type);
    }

    dispatchEvent(event) {
      internals.requireArgs(arguments.length, 1, "Failed to execute 'dispatchEvent' on 'EventTarget'");
      if (!events.isEvent(event)) {
        throw new TypeError("Failed to execute 'dispatchEvent' on 'EventTarget': parameter 1 is not of type 'Event'.");
      }
      if (!events.beginDispatch(event, this)) {
        throw new DOMException("Failed to execute 'dispatchEvent' on 'EventTarget': The event is already being dispatched.", 'InvalidStateError');
      }
      try {
        const list = this.#listeners.get(event.type);
        if (list) {
          // At target, capturing listeners run before non-capturing ones.
          const snapshot = list.slice();
          for (const phaseCapture of [true, false]) {
            for (const listener of snapshot) {
              if (listener.capture !== phaseCapture || listener.removed) continue;
              if (events.stoppedImmediately(event)) break;
              if (listener.once) this.#remove(event.type, listener);
              this.#invoke(listener, event);
            }
          }
        }
      } finally {
        events.endDispatch(event);
      }
      return !event.defaultPrevented;
    }

    #invoke(listener, event) {
      const { callback } = listener;
      if (listener.passive) events.setPassive(event, true);
      try {
        if (typeof callback === 'function') {
          callback.call(this, event);
        } else {
          const handleEvent = callback.handleEvent;
          if (typeof handleEvent !== 'function') throw new TypeError("The 'handleEvent' property of the event listener is not callable.");
          handleEvent.call(callback, event);
        }
      } catch (error) {
        internals.reportError(error);
      } finally {
        events.setPassive(event, false);
      }
    }

    static {
      internals.isEventTarget = (v) => v !== null && typeof v === 'object' && #listeners in v;
    }
  }

  const handlers = new WeakMap(); // target -> Map(name -> { value, listener })
  /**
   * Defines an event handler IDL attribute such as `onabort` on a prototype:
   * the first non-null assignment registers one listener that calls whatever
   * handler is current, so ordering among listeners matches the HTML spec.
   */
  internals.defineEventHandler = function defineEventHandler(proto, type) {
    const name = `on${type}`;
    Object.defineProperty(proto, name, {
      get() {
        const entry = handlers.get(this)?.get(name);
        return entry ? entry.value : null;
      },
      set(value) {
        const handler = typeof value === 'function' || (value !== null && typeof value === 'object') ? value : null;
        let map = handlers.get(this);
        if (!map) { map = new Map(); handlers.set(this, map); }
        let entry = map.get(name);
        if (!entry) {
          entry = { value: null, listener: null };
          map.set(name, entry);
        }
        entry.value = handler;
        if (handler !== null && entry.listener === null) {
          entry.listener = function (event) {
            const current = entry.value;
            if (typeof current !== 'function') return undefined;
            const result = current.call(this, event);
            if (result === false) event.preventDefault();
            return result;
          };
          EventTarget.prototype.addEventListener.call(this, type, entry.listener);
        } else if (handler === null && entry.listener !== null) {
          EventTarget.prototype.removeEventListener.call(this, type, entry.listener);
          entry.listener = null;
        }
      },
      enumerable: true,
      configurable: true,
    });
  };

  internals.webidlClass(EventTarget, 'EventTarget');
  internals.platformObjectChecks.push(internals.isEventTarget, internals.eventState.isEvent);
  internals.define('EventTarget', EventTarget);
})();
