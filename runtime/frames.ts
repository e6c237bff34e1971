/**
 * Frames between the runtime (parent) and its isolate hosts: native's
 * length-prefixed msgpack frames, batched per event-loop turn
 * (native/supervision/frames.ts), with the fixed layout of the two frames
 * every web request sends, `http` and `hfinal`, and every WebSocket message,
 * `wsmsg` and `wssend` (hot-frames.ts).
 */
import type { Writable } from 'node:stream';
import { FrameReader as BaseReader, FrameWriter as BaseWriter, MAX_FRAME } from '../native';
import { HOT_CODEC } from './hot-frames';

export { MAX_FRAME };

export class FrameWriter extends BaseWriter {
  constructor(stream: Writable) {
    super(stream, HOT_CODEC);
  }
}

export class FrameReader extends BaseReader {
  constructor(onMessage: (msg: unknown) => void) {
    super(onMessage, HOT_CODEC);
  }
}
