/**
 * A worker process of the local fan-out: calls the fan-out's Lambda handlers (the shard, merge and
 * write states of the state machine) with the state inputs it receives, configured like a Lambda
 * from its environment: the local S3 server and DynamoDB Local endpoints, bucket and table.
 */
import type { Context } from 'aws-lambda';
import { mergeHandler, shardHandler, writeHandler } from '../../functions/fanout/handlers.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const handlers: Record<string, (event: any, context: Context) => Promise<unknown>> = { shard: shardHandler, merge: mergeHandler, write: writeHandler };
/** What a Lambda would pass as its context (the fields the logging middleware reads). */
const context = (op: string, id: number) => ({
  awsRequestId: `local-${process.pid}-${id}`, functionName: `fanout-${op}`, functionVersion: '$LATEST', memoryLimitInMB: '3008',
  invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:fanout-${op}`, callbackWaitsForEmptyEventLoop: true,
}) as unknown as Context;

process.on('message', async (m: { id: number; op: string; payload: unknown }) => {
  try {
    const result = await handlers[m.op](m.payload, context(m.op, m.id));
    process.send!({ id: m.id, ok: true, result });
  } catch (e) {
    process.send!({ id: m.id, ok: false, error: { name: (e as Error).name, message: (e as Error).message } });
  }
});
process.on('disconnect', () => process.exit(0));
