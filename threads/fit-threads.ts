/**
 * The run's model fits on worker threads (core/models/fit-jobs.ts): the CLI's `--threads N` and the
 * fan-out's score step. The core is synchronous, so a join blocks on a shared counter
 * (Atomics.wait) that a thread bumps after posting its result, and reads the result with
 * receiveMessageOnPort. Each fit is the same code on the same input in every thread, so the
 * results do not depend on the thread count.
 */
import { availableParallelism } from 'node:os';
import { isMainThread, MessageChannel, parentPort, receiveMessageOnPort, Worker, workerData, type MessagePort } from 'node:worker_threads';
import { runFitJob, type FitJob, type FitResult, type FitRunner } from '../core/models/fit-jobs.ts';

/** Control words shared with the threads: finished jobs, threads that stopped (threads/worker.mjs writes it too), threads serving. */
const FINISHED = 0;
const STOPPED = 1;
const READY = 2;
/** A join wakes at least this often to see whether a thread stopped without an answer. */
const WAKE_MS = 1000;
/** Threads not serving this long after they were started are taken as unable to start. */
const READY_MS = 30_000;
/** Marks the workerData of a fit thread. */
const ROLE = 'pyramid-fit-thread';

interface Thread { worker: Worker; port: MessagePort; job?: number }

/** Most fits a run starts at once: three candidates, two refits, Gamma-Gamma. */
export const MAX_FIT_JOBS = 6;

/** A pool of `count` threads (default: the cores, at most MAX_FIT_JOBS); none when that is 1 or less. */
export function fitThreads(count = Math.min(availableParallelism(), MAX_FIT_JOBS)): FitThreads | undefined {
  return count > 1 ? new FitThreads(Math.min(count, MAX_FIT_JOBS)) : undefined;
}

/**
 * What a thread loads: run from the sources, threads/worker.mjs (through tsx); inside a bundle (the
 * Lambda handlers), the bundle itself, which calls serveFitsIfWorker() at its top level.
 */
const ENTRY = import.meta.url.endsWith('.ts') ? new URL('./worker.mjs', import.meta.url) : new URL(import.meta.url);


/**
 * Threads are only a speed-up: when they cannot start or one stops, the fits not yet answered run
 * in this thread, with the same results.
 */
export class FitThreads implements FitRunner {
  private readonly control = new Int32Array(new SharedArrayBuffer(12));
  private readonly created = performance.now();
  private readonly jobs = new Map<number, FitJob>();
  private readonly threads: Thread[] = [];
  /** Ids of the jobs not yet handed to a thread, in start order. */
  private readonly queue: number[] = [];
  private readonly results = new Map<number, FitResult>();
  private next = 0;
  private stopping?: Promise<unknown>;

  private readonly readyMs: number;
  /** Why threads failed (their error events): the fits then ran here, with the same results. */
  readonly problems: string[] = [];

  /** `entry` and `readyMs` are for tests: what the threads load, and how long they may take to serve. */
  constructor(count: number, { entry = ENTRY, readyMs = READY_MS }: { entry?: URL; readyMs?: number } = {}) {
    this.readyMs = readyMs;
    for (let i = 0; i < count; i++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(entry, { workerData: { role: ROLE, port: port2, control: this.control }, transferList: [port2] });
      worker.unref();
      worker.on('error', (e) => this.problems.push(e.message));
      this.threads.push({ worker, port: port1 });
    }
  }

  start(job: FitJob): () => FitResult {
    const id = this.next++;
    this.jobs.set(id, job);
    this.queue.push(id);
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
      const r = this.results.get(id) ?? (this.usable() ? undefined : runFitJob(this.jobs.get(id)!));
      if (r) {
        this.results.delete(id);
        this.jobs.delete(id);
        return r;
      }
      Atomics.wait(this.control, FINISHED, seen, WAKE_MS);
    }
  }

  /** False once a thread stopped, or none serves after readyMs: the remaining fits then run here. */
  private usable(): boolean {
    if (Atomics.load(this.control, STOPPED) > 0) return false;
    return Atomics.load(this.control, READY) > 0 || performance.now() - this.created < this.readyMs;
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
      if (t.job !== undefined || !this.queue.length || this.stopping) continue;
      const id = this.queue.shift()!;
      t.job = id;
      t.worker.postMessage({ id, job: this.jobs.get(id) });
    }
  }
}

/** In a fit thread: runs each job it is given with the core's runFitJob, and answers. Returns whether this is one. */
export function serveFitsIfWorker(): boolean {
  const data = workerData as { role?: string; port: MessagePort; control: Int32Array } | null;
  if (isMainThread || data?.role !== ROLE) return false;
  const { port, control } = data;
  process.on('exit', () => {
    Atomics.add(control, STOPPED, 1);
    Atomics.notify(control, FINISHED);
  });
  Atomics.add(control, READY, 1);
  parentPort!.on('message', ({ id, job }: { id: number; job: FitJob }) => {
    port.postMessage({ id, result: runFitJob(job) });
    Atomics.add(control, FINISHED, 1);
    Atomics.notify(control, FINISHED);
  });
  return true;
}
