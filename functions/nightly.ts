/**
 * Nightly rescoring, one dataset per invocation. EventBridge Scheduler starts a Step Functions
 * state machine (infra/stack.ts): `listHandler` names the datasets and the as-of day, a Map state
 * calls `scoreHandler` once per dataset with its own retries, and a dataset that fails, hangs or
 * runs out of memory is caught there without holding up the others. A dataset whose transaction
 * files reach the fan-out threshold is not scored in that one invocation: it starts the fan-out
 * state machine (as an upload of it does), whose execution name — dataset, sources, day — makes a
 * second start of the same run a no-op. `runNightly` does the same locally: the same handlers, one
 * call per dataset, large ones through the local fan-out.
 */
import type { Context } from 'aws-lambda';
import { todayIn } from './as-of.ts';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger, metrics, recordRun, withLambdaContext } from './observability.ts';
import { readLatest } from './store.ts';
import { listDatasets, scoreDataset, type RunDeps, type RunResult } from './score-dataset.ts';
import { envDeps, envFanout } from './upload.ts';
import { largeSources, type FanoutStarter } from './fanout/start.ts';

export interface NightlyPlan { asOf: string; datasets: string[] }
export interface NightlyItem { dataset: string; asOf: string }
/** What one dataset's scoring reports to the state machine (small: state payloads are capped at 256 KB). */
export interface NightlyOutcome {
  dataset: string;
  runId: string;
  /** `started`: handed to the fan-out state machine, which records the run itself. */
  status: RunResult['status'] | 'started';
  customers: number;
  written: number;
  reason?: string;
}

export async function planNightly(deps: RunDeps, asOf: string): Promise<NightlyPlan> {
  return { asOf, datasets: await listDatasets(deps.s3, deps.bucket, deps.retry) };
}

/** The day before an ISO date. */
const dayBefore = (iso: string) => new Date(Date.parse(`${iso}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/**
 * Datasets that last night's run left behind: no successful run at all, or LATEST older than the
 * day before `asOf`. Counted before tonight's scoring (the StaleDatasets metric and its alarm).
 */
export async function staleDatasets(deps: RunDeps, plan: NightlyPlan): Promise<{ dataset: string; latestAsOf: string | null }[]> {
  const since = dayBefore(plan.asOf);
  const stale: { dataset: string; latestAsOf: string | null }[] = [];
  for (const dataset of plan.datasets) {
    const latest = await readLatest(deps.db, deps.table, dataset, deps.retry);
    if (!latest || latest.asOf < since) stale.push({ dataset, latestAsOf: latest?.asOf ?? null });
  }
  return stale;
}

/**
 * Score one dataset, or start its fan-out when it is above the threshold; transient faults and a
 * busy dataset throw, so the Map state's retry policy applies.
 */
export async function scoreOne(deps: RunDeps, item: NightlyItem, owner?: string, fanout?: FanoutStarter): Promise<NightlyOutcome> {
  const large = fanout && await largeSources(deps, item.dataset, fanout.minBytes);
  const run = large
    ? await fanout!.start(item.dataset, item.asOf, 'nightly', large)
    : await scoreDataset({ ...deps, owner }, item.dataset, item.asOf, 'nightly');
  if (!run) {
    logger.info('handed to the fan-out state machine', { dataset: item.dataset });
    return { dataset: item.dataset, runId: '', status: 'started', customers: 0, written: 0 };
  }
  recordRun(run);
  return { dataset: run.dataset, runId: run.runId, status: run.status, customers: run.customers, written: run.written, ...(run.reason ? { reason: run.reason } : {}) };
}

/** The local stand-in for the state machine: each dataset scored on its own; failures collected, never blocking the rest. */
export async function runNightly(deps: RunDeps, asOf: string, fanout?: FanoutStarter): Promise<{ outcomes: NightlyOutcome[]; errors: { dataset: string; error: string }[] }> {
  const plan = await planNightly(deps, asOf);
  const outcomes: NightlyOutcome[] = [];
  const errors: { dataset: string; error: string }[] = [];
  for (const dataset of plan.datasets) {
    try {
      outcomes.push(await scoreOne(deps, { dataset, asOf: plan.asOf }, undefined, fanout));
    } catch (e) {
      logger.error('nightly scoring failed', { dataset, error: { name: (e as Error).name, message: (e as Error).message } });
      errors.push({ dataset, error: (e as Error).message });
    }
  }
  return { outcomes, errors };
}

let deps: RunDeps | undefined;
let fanout: FanoutStarter | undefined;
/** First state: the day to score as of (in the business's time zone) and every dataset under uploads/. */
export const listHandler = withLambdaContext(async (): Promise<NightlyPlan> => {
  deps ??= envDeps();
  const plan = await planNightly(deps, todayIn(process.env.TIME_ZONE ?? 'Asia/Shanghai'));
  const stale = await staleDatasets(deps, plan);
  metrics.addMetric('StaleDatasets', MetricUnit.Count, stale.length);
  if (stale.length) logger.warn('datasets not rescored since before yesterday', { stale: stale.slice(0, 50), count: stale.length });
  return plan;
});

/** Map iteration: one dataset. */
export const scoreHandler = withLambdaContext(async (item: NightlyItem, context: Context): Promise<NightlyOutcome> => {
  deps ??= envDeps();
  fanout ??= envFanout();
  return scoreOne(deps, item, context?.awsRequestId, fanout);
});
