/**
 * A run's reports in S3 (reports/<dataset>/<run>/…), each streamed with a multipart upload
 * (@aws-sdk/lib-storage): scores.csv is produced row by row, rejects.csv is read from the
 * temporary file the ingest filled, so no report is ever held as one string. A failed upload is
 * aborted (and the bucket's lifecycle rule removes any part left behind), then retried whole.
 */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { BOM, csvLine, openRejectWriter, type OutCell, type RejectWriter } from '../io/csv.ts';
import { withRetry, type RetryOptions } from './retry.ts';

export interface ReportTarget { s3: S3Client; bucket: string; retry?: RetryOptions }

/** Part size of the multipart uploads (S3's minimum is 5 MB). */
export const PART_BYTES = 8 * 1024 * 1024;

/** Upload one object from a body made afresh for each attempt. */
export async function putStreamed(target: ReportTarget, key: string, body: () => Readable | string, contentType: string): Promise<void> {
  await withRetry(async () => {
    const upload = new Upload({
      client: target.s3,
      params: { Bucket: target.bucket, Key: key, Body: body(), ContentType: contentType },
      partSize: PART_BYTES,
      queueSize: 2,
    });
    await upload.done();
  }, target.retry);
}

/** CSV text in blocks of about 64 KB: the header (after a BOM by default), then one line per row, produced as the reader pulls. */
export function* csvBlocks(header: readonly string[], rows: Iterable<readonly OutCell[]>, bom = true): Generator<string> {
  let block = (bom ? BOM : '') + csvLine(header);
  for (const r of rows) {
    block += csvLine(r);
    if (block.length >= 1 << 16) {
      yield block;
      block = '';
    }
  }
  if (block) yield block;
}

/** A CSV report streamed to S3 from its rows. */
export function putCsv(target: ReportTarget, key: string, header: readonly string[], rows: Iterable<readonly OutCell[]>, bom = true): Promise<void> {
  return putStreamed(target, key, () => Readable.from(csvBlocks(header, rows, bom)), 'text/csv; charset=utf-8');
}

/** Largest rejects.csv a run writes (to the function's temporary disk, then streamed to S3); further rejects are only counted. */
export const REJECTS_MAX_BYTES = 256 * 1024 * 1024;

const capText = (bytes: number) => (bytes >= 1048576 ? `${+(bytes / 1048576).toFixed(1)} MB` : `${+(bytes / 1024).toFixed(1)} KB`);

/** The run's warning when rejects.csv reached its cap (REJECTS_MAX_BYTES by default) and `dropped` more rejects were only counted. */
export function rejectsCapWarning(dropped: number, maxBytes = REJECTS_MAX_BYTES): string {
  return `rejects.csv stops at ${capText(maxBytes)}: ${dropped} more rejects are only counted (rejectReasons in summary.json)`;
}

export interface TempRejects {
  writer: RejectWriter;
  upload(target: ReportTarget, key: string): Promise<void>;
  dispose(): void;
}

/** rejects.csv in a temporary file, filled as the ingest finds rejects and uploaded as a stream. */
export function tempRejects(bom: boolean, maxBytes = REJECTS_MAX_BYTES): TempRejects {
  const dir = mkdtempSync(join(tmpdir(), 'pyramid-rejects-'));
  const path = join(dir, 'rejects.csv');
  const writer = openRejectWriter(path, { maxBytes, bom });
  return {
    writer,
    async upload(target, key) {
      writer.close();
      await putStreamed(target, key, () => createReadStream(path), 'text/csv; charset=utf-8');
    },
    dispose() {
      writer.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
