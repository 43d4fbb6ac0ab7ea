/**
 * A worker process of the local fan-out: runs the shard, merge and write handlers of
 * functions/fanout on the messages it receives, against the local S3 server and DynamoDB Local
 * named in its environment (as a Lambda would, with the stack's environment).
 */
import { dynamoClient, datasetProfiles, s3Client } from '../../functions/clients.ts';
import { merge } from '../../functions/fanout/merge.ts';
import { shard } from '../../functions/fanout/shard.ts';
import { writePartition } from '../../functions/fanout/write.ts';
import type { RunDeps } from '../../functions/score-dataset.ts';

const deps: RunDeps = { s3: s3Client(), db: dynamoClient(), bucket: process.env.BUCKET_NAME!, table: process.env.TABLE_NAME!, profiles: datasetProfiles() };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const ops: Record<string, (p: any) => Promise<unknown>> = {
  shard: (p) => shard(deps, p.run, p.item),
  merge: (p) => merge(deps, p.run, p.item),
  write: (p) => writePartition(deps, p.run, p.item),
};

process.on('message', async (m: { id: number; op: string; payload: unknown }) => {
  try {
    const result = await ops[m.op](m.payload);
    process.send!({ id: m.id, ok: true, result });
  } catch (e) {
    process.send!({ id: m.id, ok: false, error: { name: (e as Error).name, message: (e as Error).message } });
  }
});
process.on('disconnect', () => process.exit(0));
