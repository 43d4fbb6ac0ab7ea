/**
 * Upload handler: SQS messages wrapping S3 notifications → rescore each touched dataset from its
 * current sources. Failed messages are reported individually (partial batch response) so SQS
 * retries only those; a malformed file is not a failure of the message: its run is recorded failed.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { ScoreRun } from '../core/types.ts';
import { todayIn } from './as-of.ts';
import { datasetProfiles, dynamoClient, s3Client } from './clients.ts';
import { logger, metrics, recordRun, tracer } from './observability.ts';
import { scoreDataset, type RunDeps, type RunRecord } from './score-dataset.ts';
import { datasetsFromSqs } from './upload-event.ts';

export interface UploadContext { deps: RunDeps; asOf: () => string }

export function createUploadHandler(ctx: UploadContext) {
  return async (event: SQSEvent): Promise<SQSBatchResponse & { runs: (RunRecord & { scoreRun?: ScoreRun })[] }> => {
    const failed = new Set<string>();
    const runs: (RunRecord & { scoreRun?: ScoreRun })[] = [];
    const asOf = ctx.asOf();
    for (const { dataset, messageIds } of datasetsFromSqs(event)) {
      try {
        const run = await scoreDataset(ctx.deps, dataset, asOf, 'upload');
        recordRun(run);
        runs.push(run);
      } catch (e) {
        logger.error('scoring failed; messages will be retried', { dataset, error: e as Error });
        for (const id of messageIds) failed.add(id);
      }
    }
    return { batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })), runs };
  };
}

function envContext(): UploadContext {
  const timeZone = process.env.TIME_ZONE ?? 'Asia/Shanghai';
  return {
    deps: { s3: tracer.captureAWSv3Client(s3Client()), db: tracer.captureAWSv3Client(dynamoClient()), bucket: process.env.BUCKET_NAME!, table: process.env.TABLE_NAME!, profiles: datasetProfiles() },
    asOf: () => todayIn(timeZone),
  };
}

let lazy: ReturnType<typeof createUploadHandler> | undefined;
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  lazy ??= createUploadHandler(envContext());
  try {
    const { batchItemFailures } = await lazy(event);
    return { batchItemFailures };
  } finally {
    metrics.publishStoredMetrics();
  }
};
