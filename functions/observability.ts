/** Powertools logger, metrics and tracer shared by the handlers; every log line carries the Lambda context. */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { RunRecord } from './score-dataset.ts';

export const logger = new Logger({ serviceName: 'customer-pyramid' });
export const metrics = new Metrics({ namespace: 'CustomerPyramid', serviceName: 'customer-pyramid' });
export const tracer = new Tracer({ serviceName: 'customer-pyramid' });

/**
 * A Lambda handler with the Powertools middleware (middy): the request id, cold start and function
 * name on every log line (injectLambdaContext), the handler traced as a segment, a ColdStart metric
 * and the stored metrics flushed however the handler ends (logMetrics).
 */
export function withLambdaContext<E, R>(fn: (event: E, context: Context) => Promise<R>) {
  return middy(fn)
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}

export function recordRun(run: RunRecord) {
  const log = { dataset: run.dataset, runId: run.runId, asOf: run.asOf, status: run.status, reason: run.reason, counts: run.counts, customers: run.customers, written: run.written, deleted: run.deleted, unchanged: run.unchanged, rounds: run.rounds, duplicate: run.duplicate ?? false, timings: run.timings };
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
