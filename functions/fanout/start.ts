/**
 * Handing a large dataset from the upload handler or the nightly run to the fan-out state machine. The execution
 * name is a hash of the dataset, its listed sources and the as-of day: a duplicate or retried
 * notification finds the execution already started and changes nothing.
 */
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { sha256 } from '../run-id.ts';
import { withRetry, type RetryOptions } from '../retry.ts';
import { listSources, type SourceRef } from '../sources.ts';
import type { RunDeps, RunResult } from '../score-dataset.ts';
import { transactionBytes } from './layout.ts';

/** The dataset's sources when their transaction bytes reach the threshold, else null. */
export async function largeSources(deps: RunDeps, dataset: string, minBytes: number): Promise<SourceRef[] | null> {
  const { sources } = await listSources(deps.s3, deps.bucket, dataset, deps.retry);
  return transactionBytes(sources) >= minBytes ? sources : null;
}

/** What the upload handler calls for a dataset above the threshold; a local runner returns the finished run, the cloud null (started). */
export interface FanoutStarter {
  minBytes: number;
  start(dataset: string, asOf: string, trigger: string, sources: SourceRef[]): Promise<RunResult | null>;
}

export function executionName(dataset: string, asOf: string, sources: Pick<SourceRef, 'key' | 'etag'>[]): string {
  const hash = sha256(`${dataset}\n${asOf}\n${sources.map((s) => `${s.key}\n${s.etag}`).join('\n')}`).slice(0, 20);
  return `${dataset.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 50)}-${asOf}-${hash}`.slice(0, 80);
}

export function stateMachineStarter(stateMachineArn: string, minBytes: number, client = new SFNClient({}), retry?: RetryOptions): FanoutStarter {
  return {
    minBytes,
    async start(dataset, asOf, trigger, sources) {
      const name = executionName(dataset, asOf, sources);
      try {
        await withRetry(() => client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify({ dataset, asOf, trigger }) })), retry);
      } catch (e) {
        if (!(e instanceof ExecutionAlreadyExists)) throw e;
      }
      return null;
    },
  };
}
