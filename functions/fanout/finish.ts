/**
 * Finish: publish the run (its run item and LATEST in one transaction, fenced by the lease),
 * release the lease, and say whether the sources changed while it ran (then the state machine
 * plans again, as the single run scores again). `fail` is the catch of every step: it records
 * the run failed with the step's error and releases the lease.
 */
import { listSources } from '../sources.ts';
import { publishRun, putRun, releaseLease } from '../store.ts';
import { fingerprint, type RunDeps, type RunRecord } from '../score-dataset.ts';
import { safeReason } from '../redact.ts';
import { runKeys } from './layout.ts';
import { getJson } from './objects.ts';
import type { FanoutRun, PlanFile } from './plan.ts';

export interface FanoutOutcome { dataset: string; runId: string; status: RunRecord['status']; customers: number; written: number; changed: boolean; reason?: string }

const RECORD_RETRY = { maxAttempts: 8, baseDelayMs: 250, maxDelayMs: 4000 };

export async function finish(deps: RunDeps, run: FanoutRun, timings: Record<string, number> = {}): Promise<FanoutOutcome & { record: RunRecord }> {
  const now = deps.now ?? Date.now;
  const keys = runKeys(run.dataset, run.runId);
  const record = await getJson<RunRecord>(deps, keys.record);
  const lease = { dataset: run.dataset, owner: run.owner };
  try {
    if (record.status === 'succeeded') {
      Object.assign(record.timings, timings, { totalMs: now() - run.startedAt });
      await publishRun(deps.db, deps.table, lease, record, 'set', now(), deps.retry);
    }
  } finally {
    await releaseLease(deps.db, deps.table, lease, deps.retry).catch(() => {}); // it expires on its own
  }
  const { sources, profileRef } = await getJson<PlanFile>(deps, keys.plan);
  const again = await listSources(deps.s3, deps.bucket, run.dataset, deps.retry);
  const changed = fingerprint(again) !== fingerprint({ sources, profile: profileRef });
  return {
    dataset: run.dataset, runId: run.runId, status: record.status, customers: record.customers, written: record.written, changed,
    ...(record.reason ? { reason: record.reason } : {}), record,
  };
}

/** The error a Step Functions Catch passes on (`Error`, `Cause`), or a thrown one locally. */
export interface StepError { Error?: string; Cause?: string }

export async function fail(deps: RunDeps, run: FanoutRun, error: StepError): Promise<FanoutOutcome> {
  let cause = error.Cause ?? '';
  try { cause = (JSON.parse(cause) as { errorMessage?: string }).errorMessage ?? cause; } catch { /* plain text */ }
  const record: RunRecord = {
    dataset: run.dataset, runId: run.runId, asOf: run.asOf, trigger: run.trigger, status: 'failed',
    reason: safeReason(`fan-out failed: ${error.Error ?? 'Error'}: ${cause}`),
    inputs: [], counts: {}, customers: 0, written: 0, deleted: 0, unchanged: 0, timings: {}, reports: {},
  };
  await putRun(deps.db, deps.table, record, RECORD_RETRY).catch(() => {});
  await releaseLease(deps.db, deps.table, { dataset: run.dataset, owner: run.owner }, deps.retry).catch(() => {});
  return { dataset: run.dataset, runId: run.runId, status: 'failed', customers: 0, written: 0, changed: false, reason: record.reason };
}
