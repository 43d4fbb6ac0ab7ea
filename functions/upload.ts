/**
 * Upload handler: SQS messages wrapping S3 notifications (objects created or removed) → rescore
 * each touched dataset from its current sources. Failed messages are reported individually
 * (partial batch response) so SQS retries only those: a transient fault, or a dataset another run
 * is scoring. A malformed file is not a failure of the message: its run is recorded failed.
 * A dataset whose transaction files reach the fan-out threshold is handed to the fan-out state
 * machine instead (functions/fanout/, docs/serverless.md "Large datasets").
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { todayIn } from './as-of.ts';
import { datasetProfiles, dynamoClient, s3Client } from './clients.ts';
import { logger, metrics, recordRun, tracer, withLambdaContext } from './observability.ts';
import { scoreDataset, type RunDeps, type RunResult } from './score-dataset.ts';
import { datasetsFromSqs } from './upload-event.ts';
import { fanoutMinBytes } from './fanout/layout.ts';
import { largeSources, stateMachineStarter, type FanoutStarter } from './fanout/start.ts';

export interface UploadContext {
  deps: RunDeps;
  asOf: () => string;
  /** Datasets whose transaction sources reach `fanout.minBytes` go to the fan-out (docs/serverless.md). */
  fanout?: FanoutStarter;
}

export function createUploadHandler(ctx: UploadContext) {
  return async (event: SQSEvent, requestId?: string): Promise<SQSBatchResponse & { runs: RunResult[] }> => {
    const failed = new Set<string>();
    const runs: RunResult[] = [];
    const asOf = ctx.asOf();
    for (const { dataset, messageIds } of datasetsFromSqs(event)) {
      try {
        const large = ctx.fanout && await largeSources(ctx.deps, dataset, ctx.fanout.minBytes);
        const run = large
          ? await ctx.fanout!.start(dataset, asOf, 'upload', large)
          : await scoreDataset({ ...ctx.deps, owner: requestId ? `${requestId}:${dataset}` : undefined }, dataset, asOf, 'upload');
        if (!run) { logger.info('handed to the fan-out state machine', { dataset }); continue; }
        recordRun(run);
        runs.push(run);
      } catch (e) {
        const error = e as Error;
        if (error.name === 'DatasetBusyError') logger.info('dataset busy; messages will be retried', { dataset });
        else logger.error('scoring failed; messages will be retried', { dataset, error: { name: error.name, message: error.message } });
        for (const id of messageIds) failed.add(id);
      }
    }
    return { batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })), runs };
  };
}

/** The fan-out starter of a deployed function: the state machine named in its environment, if any. */
export function envFanout(): FanoutStarter | undefined {
  const machine = process.env.FANOUT_STATE_MACHINE_ARN;
  return machine ? stateMachineStarter(machine, fanoutMinBytes()) : undefined;
}

export function envDeps(): RunDeps {
  const fitThreads = process.env.FIT_THREADS ? Number(process.env.FIT_THREADS) : undefined;
  return { s3: tracer.captureAWSv3Client(s3Client()), db: tracer.captureAWSv3Client(dynamoClient()), bucket: process.env.BUCKET_NAME!, table: process.env.TABLE_NAME!, profiles: datasetProfiles(), ...(fitThreads ? { fitThreads } : {}) };
}

let lazy: ReturnType<typeof createUploadHandler> | undefined;
export const handler = withLambdaContext(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const timeZone = process.env.TIME_ZONE ?? 'Asia/Shanghai';
  const fanout = envFanout();
  lazy ??= createUploadHandler({ deps: envDeps(), asOf: () => todayIn(timeZone), ...(fanout ? { fanout } : {}) });
  const { batchItemFailures } = await lazy(event, context?.awsRequestId);
  return { batchItemFailures };
});
