/** Small S3 helpers for the fan-out's intermediate objects (all retried on transient faults). */
import { createReadStream, statSync } from 'node:fs';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { withRetry } from '../retry.ts';
import type { RunDeps } from '../score-dataset.ts';

export type Deps = Pick<RunDeps, 's3' | 'bucket' | 'retry'>;

export async function putBytes(deps: Deps, key: string, body: Uint8Array | string, contentType = 'application/octet-stream'): Promise<void> {
  await withRetry(() => deps.s3.send(new PutObjectCommand({ Bucket: deps.bucket, Key: key, Body: body, ContentType: contentType })), deps.retry);
}

export const putJson = (deps: Deps, key: string, value: unknown) => putBytes(deps, key, JSON.stringify(value), 'application/json');

/** Upload a local file as a stream. */
export async function putFile(deps: Deps, key: string, path: string, contentType: string): Promise<void> {
  await withRetry(() => deps.s3.send(new PutObjectCommand({
    Bucket: deps.bucket, Key: key, Body: createReadStream(path), ContentLength: statSync(path).size, ContentType: contentType,
  })), deps.retry);
}

export async function getBytes(deps: Deps, key: string): Promise<Uint8Array> {
  return withRetry(async () => {
    const out = await deps.s3.send(new GetObjectCommand({ Bucket: deps.bucket, Key: key }));
    return out.Body!.transformToByteArray();
  }, deps.retry);
}

export async function getJson<T>(deps: Deps, key: string): Promise<T> {
  return JSON.parse(Buffer.from(await getBytes(deps, key)).toString('utf8')) as T;
}
