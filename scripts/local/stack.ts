/**
 * The local stand-in for the deployed stack: DynamoDB Local with the stack's table, s3rver with
 * the exports bucket, and clients pointed at them. Used by npm start, npm run dev and the tests.
 */
import { createReadStream, statSync } from 'node:fs';
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { dynamoClient, s3Client } from '../../functions/clients.ts';
import type { RunDeps } from '../../functions/score-dataset.ts';
import { createTableInput } from '../../functions/table.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamo, startS3, type LocalDynamo, type LocalS3, type RawS3Event } from './services.ts';

export interface LocalStack {
  bucket: string;
  table: string;
  s3: S3Client;
  db: DynamoDBClient;
  dynamo: LocalDynamo;
  s3Server: LocalS3;
  deps: RunDeps;
  /** Every event s3rver has emitted so far (raw, as s3rver sends them). */
  events: RawS3Event[];
  /** Upload a local file (streamed) to `key`. */
  uploadFile(file: string, key: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalStack(options: { bucket?: string; table?: string } = {}): Promise<LocalStack> {
  const bucket = options.bucket ?? 'pyramid-exports';
  const table = options.table ?? 'pyramid-scores';
  const [dynamo, s3Server] = await Promise.all([startDynamo(), startS3([bucket])]);
  const events: RawS3Event[] = [];
  s3Server.onEvent((e) => events.push(e));
  const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const s3 = s3Client({ ...common, endpoint: s3Server.endpoint });
  const db = dynamoClient({ ...common, endpoint: dynamo.endpoint });
  await db.send(new CreateTableCommand(createTableInput(table)));
  await waitUntilTableExists({ client: db, maxWaitTime: 30 }, { TableName: table });
  return {
    bucket, table, s3, db, dynamo, s3Server, events,
    deps: { s3, db, bucket, table },
    async uploadFile(file, key) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: createReadStream(file), ContentLength: statSync(file).size }));
    },
    async stop() {
      s3.destroy();
      db.destroy();
      await Promise.all([dynamo.stop(), s3Server.stop()]);
    },
  };
}

/** Wait until at least `count` events have arrived (s3rver emits them just after answering the PUT). */
export async function waitForEvents(stack: LocalStack, count: number, timeoutMs = 10_000): Promise<RawS3Event[]> {
  const deadline = Date.now() + timeoutMs;
  while (stack.events.length < count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} S3 events, got ${stack.events.length}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return stack.events.splice(0, stack.events.length);
}
