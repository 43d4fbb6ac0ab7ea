/**
 * Write one partition's share of the item writes (puts of changed or new customers, deletes of
 * departed ones) with the shared BatchWriteItem writer. Every request is an idempotent put or
 * delete of one key, so a retried step rewrites the same items; readers keep following LATEST,
 * which only the finish step moves.
 */
import type { WriteRequest } from '@aws-sdk/client-dynamodb';
import { batchWrite, type BatchWriteStats } from '../batch-write.ts';
import type { RunDeps } from '../score-dataset.ts';
import { runKeys } from './layout.ts';
import { getBytes } from './objects.ts';
import type { FanoutRun, PartitionItem } from './plan.ts';

export async function writePartition(deps: RunDeps, run: FanoutRun, item: PartitionItem): Promise<{ partition: number } & BatchWriteStats> {
  const keys = runKeys(run.dataset, run.runId);
  const text = Buffer.from(await getBytes(deps, keys.writes(item.partition))).toString('utf8');
  function* requests(): Generator<WriteRequest> {
    for (let at = 0; at < text.length;) {
      const end = text.indexOf('\n', at);
      const line = text.slice(at, end < 0 ? text.length : end);
      at = end < 0 ? text.length : end + 1;
      if (line) yield JSON.parse(line) as WriteRequest;
    }
  }
  const stats = await batchWrite(deps.db, deps.table, requests(), deps.write);
  return { partition: item.partition, ...stats };
}
