/**
 * `--threads N`: the run's model fits on N worker threads (core/models/fit-jobs.ts). The core is
 * synchronous, so a join blocks on a shared counter (Atomics.wait) that a thread bumps after posting
 * its result, and reads the result with receiveMessageOnPort. Each fit is the same code on the same
 * input in every thread, so the results do not depend on the thread count.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { FitJob, FitResult, FitRunner } from '../core/models/fit-jobs.ts';

/** Control words shared with the threads: [finished jobs, threads that stopped]. */
export const FINISHED = 0;
export const STOPPED = 1;
/** A join wakes at least this often to see whether a thread stopped without an answer. */
const WAKE_MS = 1000;

interface Thread { worker: Worker; port: MessagePort; job?: number }

export class FitThreads implements FitRunner {
  private readonly control = new Int32Array(new SharedArrayBuffer(8));
  private readonly threads: Thread[] = [];
  private readonly queue: { id: number; job: FitJob }[] = [];
  private readonly results = new Map<number, FitResult>();
  private next = 0;
  private stopping?: Promise<unknown>;

  constructor(count: number) {
    for (let i = 0; i < count; i++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(new URL('./fit-worker.mjs', import.meta.url), { workerData: { port: port2, control: this.control }, transferList: [port2] });
      worker.unref();
      this.threads.push({ worker, port: port1 });
    }
  }

  start(job: FitJob): () => FitResult {
    const id = this.next++;
    this.queue.push({ id, job });
    this.collect();
    return () => this.join(id);
  }

  /** The run needs no more fits: the threads stop now, so their memory is free for scoring. */
  finished(): void {
    this.stopping ??= Promise.all(this.threads.map((t) => t.worker.terminate()));
  }

  /** Stops the threads (jobs still running are dropped) and waits until they have. */
  async close(): Promise<void> {
    this.finished();
    await this.stopping;
  }

  private join(id: number): FitResult {
    for (;;) {
      const seen = Atomics.load(this.control, FINISHED);
      this.collect();
      const r = this.results.get(id);
      if (r) {
        this.results.delete(id);
        return r;
      }
      if (Atomics.load(this.control, STOPPED) > 0) throw new Error('A model-fit thread stopped unexpectedly; run again without --threads.');
      Atomics.wait(this.control, FINISHED, seen, WAKE_MS);
    }
  }

  /** Takes the results the threads posted and hands queued jobs to the idle ones, in start order. */
  private collect(): void {
    for (const t of this.threads) {
      for (let m = receiveMessageOnPort(t.port); m; m = receiveMessageOnPort(t.port)) {
        const { id, result } = m.message as { id: number; result: FitResult };
        this.results.set(id, result);
        t.job = undefined;
      }
    }
    for (const t of this.threads) {
      if (t.job !== undefined || !this.queue.length) continue;
      const { id, job } = this.queue.shift()!;
      t.job = id;
      t.worker.postMessage({ id, job });
    }
  }
}
