/**
 * The caller's side of the log writer's worker thread (log-writer-worker.ts):
 * starts it, posts it batches and pruning passes, delivers what it says (as
 * messages, or synchronously while a flush or close blocks the caller), and
 * runs the close handshake. What to send, and when, is log-writer.ts's.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { workerEntry, type FromWorker, type ToWorker, type WorkerInit } from './log-writer-protocol';

export class WriterThread {
  private worker: Worker | null;
  private acks: MessagePort | null;
  /** [0] = the highest batch seq finished, [1] = 1 once stopped (log-writer-protocol.ts). */
  private readonly control: Int32Array;

  /**
   * Starts the thread on the database `file`. `onMessage` receives what the
   * thread says; `onExit` runs if it dies without being closed, after every
   * message it sent has been delivered.
   */
  constructor(
    file: string,
    private readonly onMessage: (message: FromWorker) => void,
    onExit: () => void,
  ) {
    const control = new SharedArrayBuffer(8);
    const { port1, port2 } = new MessageChannel();
    const init: WorkerInit = { isolaLogWriter: true, file, control, acks: port2 };
    // execArgv: [] — the thread needs none of the process's flags or preloaded modules (test runners' loader hooks included).
    const worker = new Worker(workerEntry(), { workerData: init, transferList: [port2], execArgv: [] });
    worker.unref();
    // The port stays ref'd until the worker reports in, so awaiting the writer's whenReady() keeps the process alive.
    port1.on('message', onMessage);
    worker.on('error', (err) => console.error(`[logs] log writer thread failed: ${err.message}`));
    worker.on('exit', () => {
      if (this.worker !== worker) return; // closed, released or terminated on purpose
      this.worker = null;
      this.drain();
      this.acks?.close();
      this.acks = null;
      onExit();
    });
    this.worker = worker;
    this.acks = port1;
    this.control = new Int32Array(control);
  }

  post(message: ToWorker): void {
    this.worker?.postMessage(message);
  }

  /** While acknowledgements are awaited the port keeps the process alive (`ref`); otherwise it must not (`unref`). */
  ref(): void {
    this.acks?.ref();
  }

  unref(): void {
    this.acks?.unref();
  }

  /** Delivers, synchronously, every message the thread has sent so far. */
  drain(): void {
    if (!this.acks) return;
    for (let m = receiveMessageOnPort(this.acks); m; m = receiveMessageOnPort(this.acks)) this.onMessage(m.message as FromWorker);
  }

  /** Blocks until the thread has finished batch `seq` or `deadline` (epoch ms) passes, then drains. */
  waitFinished(seq: number, deadline: number): void {
    for (;;) {
      const done = Atomics.load(this.control, 0);
      const remaining = deadline - Date.now();
      if (done >= seq || remaining <= 0) break;
      Atomics.wait(this.control, 0, done, Math.min(remaining, 100));
    }
    this.drain();
  }

  /**
   * Asks the thread to stop: it keeps retrying what it holds until
   * `deadline`, gives up the rest (saying so), closes its connection and
   * exits. With `waitUntil`, blocks until it has stopped or that time
   * passes; then drains what it said and lets go of it.
   */
  close(deadline: number, waitUntil: number | null): void {
    const worker = this.worker;
    this.worker = null;
    worker?.postMessage({ type: 'close', deadline } satisfies ToWorker);
    if (worker && waitUntil !== null) {
      for (let left = waitUntil - Date.now(); Atomics.load(this.control, 1) === 0 && left > 0; left = waitUntil - Date.now()) {
        Atomics.wait(this.control, 1, 0, Math.min(left, 100));
      }
    }
    this.drain();
    this.acks?.close();
    this.acks = null;
  }

  /** Lets go of a thread that could not open the database (it exits by itself). */
  release(): void {
    this.worker = null;
    this.acks?.close();
    this.acks = null;
  }

  /** Stops the thread at once; what it holds is abandoned. */
  terminate(): void {
    if (this.worker) void this.worker.terminate();
    this.worker = null;
    this.acks?.close();
    this.acks = null;
  }
}
