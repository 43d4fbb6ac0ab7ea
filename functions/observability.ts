/** Powertools logger, metrics and tracer shared by the handlers. */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { RunRecord } from './score-dataset.ts';

export const logger = new Logger({ serviceName: 'customer-pyramid' });
export const metrics = new Metrics({ namespace: 'CustomerPyramid', serviceName: 'customer-pyramid' });
export const tracer = new Tracer({ serviceName: 'customer-pyramid' });

export function recordRun(run: RunRecord) {
  const log = { dataset: run.dataset, runId: run.runId, asOf: run.asOf, status: run.status, reason: run.reason, counts: run.counts, customers: run.customers, written: run.written, deleted: run.deleted, duplicate: run.duplicate ?? false, timings: run.timings };
  if (run.status === 'failed') logger.warn('run failed', log);
  else logger.info('run finished', log);
  if (run.duplicate) {
    metrics.addMetric('DuplicateRuns', MetricUnit.Count, 1);
    return;
  }
  metrics.addMetric(run.status === 'failed' ? 'FailedRuns' : 'SucceededRuns', MetricUnit.Count, 1);
  metrics.addMetric('CustomersScored', MetricUnit.Count, run.customers);
  metrics.addMetric('ItemsWritten', MetricUnit.Count, run.written + run.deleted);
  metrics.addMetric('RowsRejected', MetricUnit.Count, run.counts.transactions?.rejected ?? 0);
  if (run.timings.totalMs !== undefined) metrics.addMetric('RunDuration', MetricUnit.Milliseconds, run.timings.totalMs);
}
