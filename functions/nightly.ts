/**
 * Nightly handler (EventBridge Scheduler): rescore every dataset under uploads/ as of the new day,
 * because recency, P(alive) and CLV move with time even when no new data arrives.
 */
import type { ScoreRun } from '../core/types.ts';
import { todayIn } from './as-of.ts';
import { datasetProfiles, dynamoClient, s3Client } from './clients.ts';
import { logger, metrics, recordRun, tracer } from './observability.ts';
import { listDatasets, scoreDataset, type RunDeps, type RunRecord } from './score-dataset.ts';

export interface NightlyContext { deps: RunDeps; asOf: () => string }

export function createNightlyHandler(ctx: NightlyContext) {
  return async (): Promise<{ runs: (RunRecord & { scoreRun?: ScoreRun })[]; errors: { dataset: string; error: string }[] }> => {
    const asOf = ctx.asOf();
    const runs: (RunRecord & { scoreRun?: ScoreRun })[] = [];
    const errors: { dataset: string; error: string }[] = [];
    for (const dataset of await listDatasets(ctx.deps.s3, ctx.deps.bucket)) {
      try {
        const run = await scoreDataset(ctx.deps, dataset, asOf, 'nightly');
        recordRun(run);
        runs.push(run);
      } catch (e) {
        // One dataset's trouble must not stop the others; the error is logged and surfaces below.
        logger.error('nightly scoring failed', { dataset, error: e as Error });
        errors.push({ dataset, error: (e as Error).message });
      }
    }
    return { runs, errors };
  };
}

let lazy: ReturnType<typeof createNightlyHandler> | undefined;
export const handler = async (): Promise<{ datasets: number; failed: number }> => {
  const timeZone = process.env.TIME_ZONE ?? 'Asia/Shanghai';
  lazy ??= createNightlyHandler({
    deps: { s3: tracer.captureAWSv3Client(s3Client()), db: tracer.captureAWSv3Client(dynamoClient()), bucket: process.env.BUCKET_NAME!, table: process.env.TABLE_NAME!, profiles: datasetProfiles() },
    asOf: () => todayIn(timeZone),
  });
  try {
    const { runs, errors } = await lazy();
    // Fail the invocation so the Errors alarm fires when any dataset could not be scored.
    if (errors.length) throw new Error(`nightly: ${errors.length} dataset(s) failed: ${errors.map((e) => e.dataset).join(', ')}`);
    return { datasets: runs.length, failed: runs.filter((r) => r.status === 'failed').length };
  } finally {
    metrics.publishStoredMetrics();
  }
};
