// Streams Standard §4.9.4 ReadableStreamPipeTo, on stream records. Each step
// waits for the writer's `ready` promise before reading, so a slow destination
// applies backpressure all the way to the source.
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  const S = internals.streams;
  const { Promise, TypeError } = globalThis;
  const promiseAll = Promise.all.bind(Promise);

  S.pipeTo = function pipeTo(source, dest, preventClose, preventAbort, preventCancel, signal) {
    const reader = S.acquireReader(source);
    const writer = S.acquireWriter(dest);
    source.disturbed = true;
    let shuttingDown = false;
    let currentWrite = S.resolvedWith(undefined);
    const result = S.deferred();
    let removeAbortAlgorithm = null;

    const waitForWritesToFinish = () => {
      const old = currentWrite;
      return S.then(currentWrite, () => (old !== currentWrite ? waitForWritesToFinish() : undefined));
    };

    const finalize = (isError, error) => {
      S.writerRelease(writer);
      S.readerRelease(reader);
      if (removeAbortAlgorithm !== null) removeAbortAlgorithm();
      if (isError) result.reject(error); else result.resolve(undefined);
    };

    const destWritableAndNotClosing = () => dest.state === 'writable' && !S.closeQueuedOrInFlight(dest);

    const shutdownWithAnAction = (action, originalIsError, originalError) => {
      if (shuttingDown) return;
      shuttingDown = true;
      const doTheRest = () => {
        let p;
        try { p = action(); } catch (e) { p = S.rejectedWith(e); }
        S.upon(p, () => finalize(originalIsError, originalError), (newError) => finalize(true, newError));
      };
      if (destWritableAndNotClosing()) S.upon(waitForWritesToFinish(), doTheRest); else doTheRest();
    };

    const shutdown = (isError, error) => {
      if (shuttingDown) return;
      shuttingDown = true;
      if (destWritableAndNotClosing()) S.upon(waitForWritesToFinish(), () => finalize(isError, error)); else finalize(isError, error);
    };

    if (signal !== undefined) {
      const abortAlgorithm = () => {
        const error = signal.reason;
        const actions = [];
        if (!preventAbort) actions.push(() => (dest.state === 'writable' ? S.writableAbort(dest, error) : S.resolvedWith(undefined)));
        if (!preventCancel) actions.push(() => (source.state === 'readable' ? S.readableCancel(source, error) : S.resolvedWith(undefined)));
        shutdownWithAnAction(() => promiseAll(actions.map((action) => action())), true, error);
      };
      if (signal.aborted) {
        abortAlgorithm();
        return result.promise;
      }
      removeAbortAlgorithm = internals.addAbortAlgorithm(signal, abortAlgorithm);
    }

    const pipeStep = () => {
      if (shuttingDown) return S.resolvedWith(true);
      return S.then(writer.ready.promise, () => {
        const d = S.deferred();
        S.readerRead(reader, {
          __proto__: null,
          chunkSteps: (chunk) => {
            currentWrite = S.then(S.writerWrite(writer, chunk), undefined, S.noop);
            d.resolve(false);
          },
          closeSteps: () => d.resolve(true),
          errorSteps: (e) => d.reject(e),
        });
        return d.promise;
      });
    };
    const pipeLoop = () => {
      const loop = S.deferred();
      const next = (done) => {
        if (done) loop.resolve(undefined); else S.upon(pipeStep(), next, loop.reject);
      };
      next(false);
      return loop.promise;
    };

    // Errors must be propagated forward.
    const onSourceErrored = (storedError) => {
      if (!preventAbort) shutdownWithAnAction(() => S.writableAbort(dest, storedError), true, storedError);
      else shutdown(true, storedError);
    };
    if (source.state === 'errored') onSourceErrored(source.storedError); else S.upon(reader.closed.promise, undefined, onSourceErrored);

    // Errors must be propagated backward.
    const onDestErrored = (storedError) => {
      if (!preventCancel) shutdownWithAnAction(() => S.readableCancel(source, storedError), true, storedError);
      else shutdown(true, storedError);
    };
    if (dest.state === 'errored') onDestErrored(dest.storedError); else S.upon(writer.closed.promise, undefined, onDestErrored);

    // Closing must be propagated forward.
    const onSourceClosed = () => {
      if (!preventClose) shutdownWithAnAction(() => S.writerCloseWithErrorPropagation(writer));
      else shutdown();
    };
    if (source.state === 'closed') onSourceClosed(); else S.upon(reader.closed.promise, onSourceClosed);

    // Closing must be propagated backward.
    if (S.closeQueuedOrInFlight(dest) || dest.state === 'closed') {
      const destClosed = new TypeError('the destination writable stream closed before all data could be piped to it');
      if (!preventCancel) shutdownWithAnAction(() => S.readableCancel(source, destClosed), true, destClosed);
      else shutdown(true, destClosed);
    }

    S.setHandled(pipeLoop());
    return result.promise;
  };
})();
