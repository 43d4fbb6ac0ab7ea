/**
 * BatchWriteItem in groups of 25, several calls in flight, with adaptive concurrency: the number of
 * calls in flight grows by one per round of successful calls (additive increase) and halves when
 * DynamoDB throttles (UnprocessedItems or a thrown throttling error; multiplicative decrease, at
 * most once per round), between 1 and `maxConcurrency`. A throttled group is resent after an
 * exponential backoff with full jitter. A request is resent only while DynamoDB has not accepted it,
 * and every request is an idempotent put or delete of one key, so nothing is lost and a resend
 * changes nothing a reader sees.
 */
import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { backoffDelay, isTransient, realSleep, type RetryOptions } from './retry.ts';

export { backoffDelay } from './retry.ts';

export interface BatchWriteOptions extends RetryOptions {
  /** Calls in flight at the start. Default 8. */
  concurrency?: number;
  /** Most calls in flight the limit may grow to. Default 32. */
  maxConcurrency?: number;
}

export interface BatchWriteStats {
  requests: number;
  calls: number;
  retries: number;
  /** Calls that were throttled (a thrown throttling error, or items handed back unprocessed). */
  throttled: number;
  /** Times the concurrency limit was halved. */
  decreases: number;
  /** Most calls that were in flight at once. */
  maxInFlight: number;
  /** The concurrency limit when the writes ended. */
  finalConcurrency: number;
}

/** Additive increase, multiplicative decrease of a concurrency limit; a decrease at most once per round of calls. */
export class Aimd {
  limit: number;
  /** Bumped on each decrease: calls started before it do not decrease the limit again. */
  epoch = 0;
  decreases = 0;
  constructor(initial: number, readonly max: number, readonly min = 1) {
    this.limit = Math.min(max, Math.max(min, initial));
  }
  /** Whole calls allowed in flight now. */
  get allowed(): number { return Math.max(this.min, Math.floor(this.limit)); }
  success(): void { this.limit = Math.min(this.max, this.limit + 1 / this.limit); }
  throttled(startedInEpoch: number): void {
    if (startedInEpoch !== this.epoch) return; // the same burst already halved it
    this.limit = Math.max(this.min, this.limit / 2);
    this.epoch++;
    this.decreases++;
  }
}

export async function batchWrite(
  db: Pick<DynamoDBClient, 'send'>,
  table: string,
  requests: Iterable<WriteRequest>,
  options: BatchWriteOptions = {},
): Promise<BatchWriteStats> {
  const { concurrency = 8, maxConcurrency = Math.max(32, concurrency), maxAttempts = 10, baseDelayMs = 50, maxDelayMs = 5000, sleep = realSleep, random = Math.random } = options;
  const aimd = new Aimd(concurrency, maxConcurrency);
  const stats: BatchWriteStats = { requests: 0, calls: 0, retries: 0, throttled: 0, decreases: 0, maxInFlight: 0, finalConcurrency: aimd.allowed };
  // Pull requests lazily, 25 at a time: memory stays at maxConcurrency × 25 items however many there are.
  const source = requests[Symbol.iterator]();
  let done = false;
  function nextGroup(): WriteRequest[] | null {
    const group: WriteRequest[] = [];
    while (!done && group.length < 25) {
      const r = source.next();
      if (r.done) done = true;
      else group.push(r.value);
    }
    stats.requests += group.length;
    return group.length ? group : null;
  }

  let inFlight = 0;
  /** One call; resolves to the requests DynamoDB handed back (empty when all were accepted). */
  async function call(pending: WriteRequest[], lastAttempt: boolean): Promise<WriteRequest[]> {
    const epoch = aimd.epoch;
    inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
    stats.calls++;
    try {
      const out = await db.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
      const left = out.UnprocessedItems?.[table] ?? [];
      if (left.length) {
        stats.throttled++;
        aimd.throttled(epoch);
      } else aimd.success();
      return left;
    } catch (e) {
      // A thrown throttling or connection error: the same requests are resent after the backoff.
      if (!isTransient(e) || lastAttempt) throw e;
      stats.throttled++;
      aimd.throttled(epoch);
      return pending;
    } finally {
      inFlight--;
    }
  }

  async function writeGroup(group: WriteRequest[]) {
    let pending = group;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= maxAttempts) throw new Error(`BatchWriteItem: ${pending.length} items still unprocessed after ${maxAttempts} attempts`);
      if (attempt > 0) {
        stats.retries++;
        await sleep(backoffDelay(attempt, baseDelayMs, maxDelayMs, random));
        // A retry waits for a free slot too, so throttled groups do not pile up above the limit.
        while (inFlight >= aimd.allowed) await slotFreed();
      }
      pending = await call(pending, attempt + 1 >= maxAttempts);
      wake();
    }
  }

  // Waiting for a slot: woken whenever a call ends.
  let waiters: (() => void)[] = [];
  const slotFreed = () => new Promise<void>((r) => waiters.push(r));
  const wake = () => {
    const w = waiters;
    waiters = [];
    for (const r of w) r();
  };

  let failure: unknown;
  const running = new Set<Promise<void>>();
  for (;;) {
    while (failure === undefined && (inFlight >= aimd.allowed || running.size >= maxConcurrency)) await slotFreed();
    if (failure !== undefined) break;
    const group = nextGroup();
    if (!group) break;
    const p: Promise<void> = writeGroup(group)
      .catch((e) => { failure ??= e; })
      .finally(() => { running.delete(p); wake(); });
    running.add(p);
    // Let the new call start (and count as in flight) before deciding on the next one.
    await Promise.resolve();
  }
  await Promise.all(running);
  if (failure !== undefined) throw failure;
  stats.decreases = aimd.decreases;
  stats.finalConcurrency = aimd.allowed;
  return stats;
}
