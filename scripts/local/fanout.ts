/**
 * The fan-out run on this machine: the same plan / shard / merge / score / write / finish
 * handlers the state machine calls, with the shard, merge and write maps run in worker processes
 * (as the Distributed Maps run them in parallel Lambdas) against the local S3 server and DynamoDB
 * Local. Each map item is retried like a state's Retry (three attempts), and a failure is caught
 * like the state machine's Catch: the run is recorded failed and the lease released.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail, finish } from '../../functions/fanout/finish.ts';
import { getJson } from '../../functions/fanout/objects.ts';
import { plan, type FanoutEvent, type FanoutRun, type PartitionItem, type ShardItem } from '../../functions/fanout/plan.ts';
import { score } from '../../functions/fanout/score.ts';
import { single } from '../../functions/fanout/single.ts';
import type { FanoutStarter } from '../../functions/fanout/start.ts';
import type { RunDeps, RunResult } from '../../functions/score-dataset.ts';
import { MAX_ROUNDS } from '../../functions/score-dataset.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface WorkerEnv { s3Endpoint: string; dynamoEndpoint: string; bucket: string; table: string; credentials: { accessKeyId: string; secretAccessKey: string }; region: string; profiles?: Record<string, Record<string, unknown>> }

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

/** A fixed set of worker processes; each task goes to the next idle one. */
export class WorkerPool {
  private workers: { child: ChildProcess; busy: boolean }[] = [];
  private queue: { op: string; payload: unknown; done: Pending }[] = [];
  private pending = new Map<number, { worker: number; done: Pending }>();
  private nextId = 0;

  constructor(size: number, env: WorkerEnv) {
    const childEnv = {
      ...process.env,
      AWS_ENDPOINT_URL_S3: env.s3Endpoint, AWS_ENDPOINT_URL_DYNAMODB: env.dynamoEndpoint, AWS_REGION: env.region,
      AWS_ACCESS_KEY_ID: env.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: env.credentials.secretAccessKey,
      BUCKET_NAME: env.bucket, TABLE_NAME: env.table, DATASET_PROFILES: JSON.stringify(env.profiles ?? {}),
      POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    for (let i = 0; i < size; i++) {
      const child = fork(path.join(here, 'fanout-worker.ts'), [], { execArgv: ['--import', 'tsx'], env: childEnv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      child.on('message', (m: { id: number; ok: boolean; result?: unknown; error?: { name: string; message: string } }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        this.workers[p.worker].busy = false;
        if (m.ok) p.done.resolve(m.result);
        else p.done.reject(Object.assign(new Error(m.error!.message), { name: m.error!.name }));
        this.pump();
      });
      child.on('exit', (code) => {
        for (const [id, p] of this.pending) {
          if (p.worker !== i) continue;
          this.pending.delete(id);
          p.done.reject(new Error(`worker process exited (${code})`));
        }
      });
      this.workers.push({ child, busy: false });
    }
  }

  get size() { return this.workers.length; }

  run<T>(op: string, payload: unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ op, payload, done: { resolve: resolve as (v: unknown) => void, reject } });
      this.pump();
    });
  }

  private pump() {
    for (let w = 0; w < this.workers.length && this.queue.length; w++) {
      if (this.workers[w].busy) continue;
      const task = this.queue.shift()!;
      const id = this.nextId++;
      this.workers[w].busy = true;
      this.pending.set(id, { worker: w, done: task.done });
      this.workers[w].child.send({ id, op: task.op, payload: task.payload });
    }
  }

  async close() {
    await Promise.all(this.workers.map(({ child }) => new Promise<void>((resolve) => {
      if (child.exitCode !== null) { resolve(); return; }
      child.once('exit', () => resolve());
      child.disconnect();
    })));
  }
}

export interface FanoutProgress { stage: 'plan' | 'shards' | 'merge' | 'score' | 'write' | 'finish'; done: number; total: number }
export interface LocalFanoutOptions { partitions?: number; minBytes?: number; onProgress?: (p: FanoutProgress) => void }

const ATTEMPTS = 3;
async function retried<T>(task: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await task();
    } catch (e) {
      if (attempt >= ATTEMPTS) throw e;
      await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
    }
  }
}

/** Run one map: every item on the pool, retried, with progress. */
async function map<I, T>(pool: WorkerPool, op: string, run: FanoutRun, items: I[], stage: FanoutProgress['stage'], onProgress?: LocalFanoutOptions['onProgress']): Promise<T[]> {
  let done = 0;
  onProgress?.({ stage, done, total: items.length });
  return Promise.all(items.map(async (item) => {
    const r = await retried(() => pool.run<T>(op, { run, item }));
    onProgress?.({ stage, done: ++done, total: items.length });
    return r;
  }));
}

export type FanoutResult = RunResult & { stages: Record<string, number>; mode: FanoutRun['mode']; shards: number; partitions: number };

/** One fan-out run (planned again while the sources change under it, like the single run). */
export async function runFanout(deps: RunDeps, pool: WorkerPool, event: FanoutEvent, options: LocalFanoutOptions = {}): Promise<FanoutResult> {
  const now = deps.now ?? Date.now;
  let result: FanoutResult;
  let rounds = 0;
  for (;;) {
    rounds++;
    const stages: Record<string, number> = {};
    let t = now();
    const run = await plan(deps, { ...event, partitions: options.partitions ?? event.partitions, minBytes: options.minBytes ?? event.minBytes });
    stages.planMs = now() - t;
    if (run.mode === 'single') {
      t = now();
      const { result: r } = await single(deps, run);
      stages.singleMs = now() - t;
      return { ...r, stages, mode: run.mode, shards: 0, partitions: 0 };
    }
    let scored: RunResult;
    try {
      t = now();
      const shards = await retried(() => getJson<ShardItem[]>(deps, run.manifestKey));
      await map(pool, 'shard', run, shards, 'shards', options.onProgress);
      stages.shardMs = now() - t;
      t = now();
      const parts = await retried(() => getJson<PartitionItem[]>(deps, run.partitionsKey));
      await map(pool, 'merge', run, parts, 'merge', options.onProgress);
      stages.mergeMs = now() - t;
      t = now();
      options.onProgress?.({ stage: 'score', done: 0, total: 1 });
      scored = await retried(() => score(deps, run));
      options.onProgress?.({ stage: 'score', done: 1, total: 1 });
      stages.scoreMs = now() - t;
      t = now();
      // A run failed by its input (recorded by the score step) has nothing to write.
      if (scored.status === 'succeeded') await map(pool, 'write', run, parts, 'write', options.onProgress);
      stages.writeMs = now() - t;
    } catch (e) {
      await fail(deps, run, { Error: (e as Error).name, Cause: (e as Error).message });
      throw e;
    }
    t = now();
    const out = await finish(deps, run, { shardMs: stages.shardMs, mergeMs: stages.mergeMs, fanoutScoreMs: stages.scoreMs, writeMs: stages.writeMs });
    stages.finishMs = now() - t;
    options.onProgress?.({ stage: 'finish', done: 1, total: 1 });
    result = { ...out.record, scoreRun: scored.scoreRun, stages, mode: run.mode, shards: run.shards, partitions: run.partitions, rounds };
    if (!out.changed || rounds >= MAX_ROUNDS) return result;
  }
}

/** The upload handler's hand-off for large datasets, run here to completion (the workers start at the first large dataset). */
export function localFanout(deps: RunDeps, pool: () => WorkerPool, minBytes: number, options: LocalFanoutOptions = {}): FanoutStarter {
  return { minBytes, start: (dataset, asOf, trigger) => runFanout(deps, pool(), { dataset, asOf, trigger }, { ...options, minBytes }) };
}

/** Worker processes for a local stack, started on first use; `close` stops them if they ever started. */
export function lazyPool(stack: { s3Server: { endpoint: string }; dynamo: { endpoint: string }; bucket: string; table: string; deps: RunDeps }, env: Pick<WorkerEnv, 'credentials' | 'region'>, size = defaultWorkers()) {
  let pool: WorkerPool | undefined;
  return {
    get: () => (pool ??= new WorkerPool(size, { s3Endpoint: stack.s3Server.endpoint, dynamoEndpoint: stack.dynamo.endpoint, bucket: stack.bucket, table: stack.table, profiles: stack.deps.profiles, ...env })),
    size: () => pool?.size ?? 0,
    close: async () => { await pool?.close(); },
  };
}

export const defaultWorkers = () => Math.max(2, Math.min(8, availableParallelism()));
