/** A dataset's sources in S3: listing them, and streaming one object with resumption after dropped connections. */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { TableKind } from '../core/types.ts';
import { backoffDelay, isTransient, realSleep, withRetry, type RetryOptions } from './retry.ts';
import { isSourceKey, parseUploadKey, UPLOAD_PREFIX } from './s3-keys.ts';

export interface SourceRef { key: string; etag: string; size: number; kind: TableKind }

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** List the dataset's current sources (sorted by key) and its optional profile.json. */
export async function listSources(s3: S3Client, bucket: string, dataset: string, retry?: RetryOptions) {
  const sources: SourceRef[] = [];
  let profile: { key: string; etag: string } | undefined;
  let token: string | undefined;
  do {
    const page = await withRetry(() => s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${UPLOAD_PREFIX}${dataset}/`, ContinuationToken: token })), retry);
    for (const o of page.Contents ?? []) {
      const parsed = o.Key ? parseUploadKey(o.Key) : null;
      if (!parsed || parsed.dataset !== dataset) continue;
      const etag = (o.ETag ?? '').replace(/"/g, '');
      if (parsed.kind === 'profile') profile = { key: o.Key!, etag };
      else if (isSourceKey(o.Key!)) sources.push({ key: o.Key!, etag, size: o.Size ?? 0, kind: parsed.kind });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  sources.sort(byKey);
  return { sources, profile };
}

/** Every dataset with a source or profile under uploads/ (listed flat: some S3-compatible servers ignore Delimiter). */
export async function listDatasets(s3: S3Client, bucket: string, retry?: RetryOptions): Promise<string[]> {
  const names = new Set<string>();
  let token: string | undefined;
  do {
    const page = await withRetry(() => s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: UPLOAD_PREFIX, ContinuationToken: token })), retry);
    for (const o of page.Contents ?? []) {
      const parsed = o.Key ? parseUploadKey(o.Key) : null;
      if (parsed) names.add(parsed.dataset);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return [...names].sort();
}

export async function getText(s3: S3Client, bucket: string, key: string, retry?: RetryOptions): Promise<string> {
  return withRetry(async () => {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return out.Body!.transformToString('utf-8');
  }, retry);
}

/** Thrown when reading S3 kept failing for a transient reason: the run is retried, the file is not at fault. */
export class SourceReadError extends Error {
  constructor(readonly key: string, readonly cause: unknown, detail: string) {
    super(`${key}: could not be read from S3 (${detail})`);
    this.name = 'SourceReadError';
  }
}

/**
 * The object's bytes, streamed. A connection dropped mid-body is resumed with a ranged GET from
 * the last byte delivered (after a backoff), as long as the object's ETag is still the listed one;
 * the consumer sees one uninterrupted stream. `onFault` hears each transient fault.
 */
export async function* objectStream(
  s3: S3Client, bucket: string, ref: { key: string; etag: string }, retry: RetryOptions = {}, onFault?: (e: SourceReadError) => void,
): AsyncIterable<Uint8Array> {
  const { maxAttempts = 6 } = retry;
  let offset = 0;
  let failures = 0;
  for (;;) {
    let body: AsyncIterable<Uint8Array>;
    try {
      const out = await withRetry(() => s3.send(new GetObjectCommand({ Bucket: bucket, Key: ref.key, ...(offset ? { Range: `bytes=${offset}-` } : {}) })), retry);
      const etag = (out.ETag ?? '').replace(/"/g, '');
      if (ref.etag && etag && etag !== ref.etag) {
        const changed = new SourceReadError(ref.key, null, 'replaced while the run read it');
        onFault?.(changed);
        throw changed;
      }
      body = out.Body as unknown as AsyncIterable<Uint8Array>;
    } catch (e) {
      if (e instanceof SourceReadError) throw e;
      if ((e as Error).name === 'NoSuchKey') {
        // Deleted after the listing: the sources changed, the run is retried with the new listing.
        const gone = new SourceReadError(ref.key, e, 'deleted while the run read it');
        onFault?.(gone);
        throw gone;
      }
      const wrapped = new SourceReadError(ref.key, e, (e as Error).name ?? 'error');
      if (isTransient(e)) onFault?.(wrapped);
      throw isTransient(e) ? wrapped : e;
    }
    try {
      // In Node the body is a Readable: iterate it chunk by chunk, never buffer the whole object.
      for await (const chunk of body) {
        offset += chunk.length;
        yield chunk;
      }
      return;
    } catch (e) {
      if (!isTransient(e)) throw e;
      const wrapped = new SourceReadError(ref.key, e, `${(e as { code?: string }).code ?? (e as Error).message} at byte ${offset}`);
      onFault?.(wrapped);
      if (++failures >= maxAttempts) throw wrapped;
      await (retry.sleep ?? realSleep)(backoffDelay(failures, retry.baseDelayMs ?? 100, retry.maxDelayMs ?? 5000, retry.random ?? Math.random));
    }
  }
}
