// Streams Standard §4.9.1 ReadableByteStreamTee, on the records of 71/79: tee() of a byte stream
// gives two byte streams, the second branch's chunks are copies, and when a branch is read with a
// BYOB reader the source is read with a BYOB reader into that branch's own view (so a source's
// byobRequest is offered, and a read({ min }) on a branch sees the source's partial responds).
// The source's reader switches between default and BYOB as the branches' reads alternate.
// One function at load; its steps are created per tee (nothing for functions that never tee a
// byte stream).
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  const S = internals.streams;
  const { Uint8Array } = globalThis;

  /** CloneAsUint8Array: a copy of the view's bytes, in a buffer of its own. */
  const cloneAsUint8Array = (chunk) => new Uint8Array(chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + chunk.byteLength));

  /** ReadableByteStreamTee(stream): the two branch records. */
  function byteTee(stream) {
    let reader = S.acquireReader(stream);
    let reading = false;
    // Per branch: its stream record, whether it was cancelled (and why), whether it asked to be
    // pulled while a read of the source was under way (the standard's readAgainForBranchN).
    const one = { __proto__: null, stream: null, canceled: false, reason: undefined, readAgain: false };
    const two = { __proto__: null, stream: null, canceled: false, reason: undefined, readAgain: false };
    const otherOf = (branch) => (branch === one ? two : one);
    const cancelPromise = S.deferred();

    // The source's reader is replaced when the kind of read changes; only the current one's
    // failure (not the rejection its release causes) errors the branches.
    const forwardReaderError = (thisReader) => {
      S.upon(thisReader.closed.promise, undefined, (r) => {
        if (thisReader !== reader) return;
        S.byteError(one.stream.controller, r);
        S.byteError(two.stream.controller, r);
        if (!one.canceled || !two.canceled) cancelPromise.resolve(undefined);
      });
    };

    /** A chunk went out: a branch that asked meanwhile pulls again. */
    const readAgain = () => {
      reading = false;
      if (one.readAgain) pull(one); else if (two.readAgain) pull(two);
    };

    /** The copy of a chunk for the other branch failed: both branches error, the source is cancelled. */
    const cloneFailed = (e) => {
      S.byteError(one.stream.controller, e);
      S.byteError(two.stream.controller, e);
      cancelPromise.resolve(S.readableCancel(stream, e));
    };

    const pullWithDefaultReader = () => {
      if (reader.byob === true) {
        S.readerRelease(reader);
        reader = S.acquireReader(stream);
        forwardReaderError(reader);
      }
      S.readerRead(reader, {
        __proto__: null,
        chunkSteps: (chunk) => S.microtask(() => {
          one.readAgain = false;
          two.readAgain = false;
          let chunk2 = chunk;
          if (!one.canceled && !two.canceled) {
            try { chunk2 = cloneAsUint8Array(chunk); } catch (e) { cloneFailed(e); return; }
          }
          if (!one.canceled) S.byteEnqueue(one.stream.controller, chunk, false);
          if (!two.canceled) S.byteEnqueue(two.stream.controller, chunk2, false);
          readAgain();
        }),
        closeSteps: () => {
          reading = false;
          if (!one.canceled) S.byteClose(one.stream.controller);
          if (!two.canceled) S.byteClose(two.stream.controller);
          if (one.stream.controller.pendingPullIntos.length > 0) S.respond(one.stream.controller, 0);
          if (two.stream.controller.pendingPullIntos.length > 0) S.respond(two.stream.controller, 0);
          if (!one.canceled || !two.canceled) cancelPromise.resolve(undefined);
        },
        errorSteps: () => { reading = false; },
      });
    };

    /** Reads the source into `view` (the byobRequest view of `byobBranch`, the branch being read). */
    const pullWithBYOBReader = (view, byobBranch) => {
      if (reader.byob !== true) {
        S.readerRelease(reader);
        reader = S.acquireBYOBReader(stream);
        forwardReaderError(reader);
      }
      const otherBranch = otherOf(byobBranch);
      S.byobReaderRead(reader, view, 1, {
        __proto__: null,
        chunkSteps: (chunk) => S.microtask(() => {
          one.readAgain = false;
          two.readAgain = false;
          if (!otherBranch.canceled) {
            let clonedChunk;
            try { clonedChunk = cloneAsUint8Array(chunk); } catch (e) { cloneFailed(e); return; }
            if (!byobBranch.canceled) S.respondWithNewView(byobBranch.stream.controller, chunk);
            S.byteEnqueue(otherBranch.stream.controller, clonedChunk, false);
          } else if (!byobBranch.canceled) {
            S.respondWithNewView(byobBranch.stream.controller, chunk);
          }
          readAgain();
        }),
        closeSteps: (chunk) => {
          reading = false;
          if (!byobBranch.canceled) S.byteClose(byobBranch.stream.controller);
          if (!otherBranch.canceled) S.byteClose(otherBranch.stream.controller);
          if (chunk !== undefined) {
            if (!byobBranch.canceled) S.respondWithNewView(byobBranch.stream.controller, chunk);
            if (!otherBranch.canceled && otherBranch.stream.controller.pendingPullIntos.length > 0) S.respond(otherBranch.stream.controller, 0);
          }
          if (!byobBranch.canceled || !otherBranch.canceled) cancelPromise.resolve(undefined);
        },
        errorSteps: () => { reading = false; },
      });
    };

    /** pull1Algorithm / pull2Algorithm: a BYOB read pending on the branch makes it a BYOB read of the source. */
    const pull = (branch) => {
      if (reading) { branch.readAgain = true; return S.resolvedWith(undefined); }
      reading = true;
      const byobRequest = S.getBYOBRequest(branch.stream.controller);
      if (byobRequest === null) pullWithDefaultReader(); else pullWithBYOBReader(byobRequest.view, branch);
      return S.resolvedWith(undefined);
    };
    /** cancel1Algorithm / cancel2Algorithm: the source is cancelled once both are, with both reasons. */
    const cancel = (branch, reason) => {
      branch.canceled = true;
      branch.reason = reason;
      if (otherOf(branch).canceled) cancelPromise.resolve(S.readableCancel(stream, [one.reason, two.reason]));
      return cancelPromise.promise;
    };
    one.stream = S.createByteReadable(() => undefined, () => pull(one), (reason) => cancel(one, reason));
    two.stream = S.createByteReadable(() => undefined, () => pull(two), (reason) => cancel(two, reason));
    forwardReaderError(reader);
    return [one.stream, two.stream];
  }

  S.byteTee = byteTee;
})();
