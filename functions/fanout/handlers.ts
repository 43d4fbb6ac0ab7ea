/**
 * The fan-out's Lambda handlers, one per state of the state machine (infra/stack.ts). Each takes
 * the state's input (`{ run }`, plus `item` in a map, `error` in the catch) and returns a small
 * output; the data itself travels through S3 under
 * runs/<dataset>/<run-id>/. The local runner (scripts/local/fanout.ts) calls the same functions.
 */
import type { Context } from 'aws-lambda';
import { recordRun, withLambdaContext } from '../observability.ts';
import { envDeps } from '../upload.ts';
import type { RunDeps } from '../score-dataset.ts';
import { fail, finish, type StepError } from './finish.ts';
import { merge } from './merge.ts';
import { plan, type FanoutEvent, type FanoutRun, type PartitionItem, type ShardItem } from './plan.ts';
import { score } from './score.ts';
import { shard } from './shard.ts';
import { single } from './single.ts';
import { writePartition } from './write.ts';
import { serveFitsIfWorker } from '../../threads/fit-threads.ts';

// The score step's model-fit threads load this same bundle: in one, it serves fits and nothing else.
serveFitsIfWorker();

let deps: RunDeps | undefined;
const d = () => (deps ??= envDeps());

export const planHandler = withLambdaContext(async (e: FanoutEvent, context?: Context) => plan(d(), { ...e, owner: e.owner ?? context?.awsRequestId }));
export const shardHandler = withLambdaContext(async (e: { run: FanoutRun; item: ShardItem }) => shard(d(), e.run, e.item));
export const mergeHandler = withLambdaContext(async (e: { run: FanoutRun; item: PartitionItem }) => merge(d(), e.run, e.item));
export const scoreHandler = withLambdaContext(async ({ run }: { run: FanoutRun }) => {
  const r = await score(d(), run);
  return { status: r.status, customers: r.customers, written: r.written, deleted: r.deleted };
});
export const writeHandler = withLambdaContext(async (e: { run: FanoutRun; item: PartitionItem }) => writePartition(d(), e.run, e.item));
export const finishHandler = withLambdaContext(async ({ run }: { run: FanoutRun }) => {
  const { record, ...outcome } = await finish(d(), run);
  recordRun(record);
  return outcome;
});
export const failHandler = withLambdaContext(async (e: { run: FanoutRun; error: StepError }) => fail(d(), e.run, e.error));
export const singleHandler = withLambdaContext(async ({ run }: { run: FanoutRun }) => {
  const { result, ...outcome } = await single(d(), run);
  recordRun(result);
  return outcome;
});
