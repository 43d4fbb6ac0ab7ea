/**
 * Shard: one transaction object through the same reader and ingest as the single run (sniffing,
 * decoding, header, every per-file decision: day/month order, statuses, id checks), then its
 * resolved ledger split by hash(customer) into one slice per partition. Rejects go to two CSV
 * bodies, those found while reading rows and those found when the file's dates were settled,
 * because the single run streams all files' row rejects before any file's late ones.
 * A file that cannot be read at all is recorded in the shard's meta, as the single run records it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Detection, Reject, RowCounts } from '../../core/types.ts';
import { createTransactionIngest } from '../../core/ingest/transactions.ts';
import type { TableIngest } from '../../core/ingest/tables.ts';
import { feedInput } from '../../io/read.ts';
import { safeReason } from '../redact.ts';
import { objectStream, SourceReadError } from '../sources.ts';
import type { RunDeps } from '../score-dataset.ts';
import { REJECTS_MAX_BYTES } from '../reports.ts';
import { partitionOf, runKeys } from './layout.ts';
import { encodeSlice, LedgerSlice } from './ledger-file.ts';
import { getJson, putBytes, putFile, putJson } from './objects.ts';
import { cappedLines } from './rejects-file.ts';
import type { FanoutRun, PlanFile, ShardItem } from './plan.ts';

export type Phase = 0 | 1;

export interface ShardMeta {
  index: number;
  key: string;
  /** Why the file could not be read (as the single run words it); nothing else is set then but the row rejects before it. */
  error?: string;
  counts: RowCounts;
  hasMargin: boolean;
  detections: Detection[];
  dateWarnings: string[];
  sourceWarnings: string[];
  /** Rejects by reason while reading rows [0] and when dates were settled [1]. */
  reasons: [Record<string, number>, Record<string, number>];
  /** The first `rejectExamples` rejects of each phase. */
  examples: [Reject[], Reject[]];
  /** Rejects not written because one of the shard's two rejects files reached the run's cap. */
  dropped: number;
  entries: number;
}

export async function shard(deps: RunDeps, run: FanoutRun, item: ShardItem): Promise<{ index: number; entries: number; error?: string }> {
  const keys = runKeys(run.dataset, run.runId);
  const { profile, rejectsMaxBytes } = await getJson<PlanFile>(deps, keys.plan);
  const limit = profile.rejectExamples ?? 100;
  const dir = mkdtempSync(join(tmpdir(), 'pyramid-shard-'));
  const cap = rejectsMaxBytes ?? REJECTS_MAX_BYTES;
  const files = [cappedLines(join(dir, 'rows.csv'), cap), cappedLines(join(dir, 'late.csv'), cap)];
  try {
    const reasons: ShardMeta['reasons'] = [{}, {}];
    const examples: ShardMeta['examples'] = [[], []];
    let phase: Phase = 0;
    const onReject = (r: Reject) => {
      files[phase].write(r);
      reasons[phase][r.reason] = (reasons[phase][r.reason] ?? 0) + 1;
      if (examples[phase].length < limit) examples[phase].push(r);
    };
    const ingest = createTransactionIngest(profile, onReject);
    let fault: SourceReadError | undefined;
    let error: string | undefined;
    try {
      const stream = objectStream(deps.s3, deps.bucket, item, deps.retry, (e) => { fault = e; });
      await feedInput({ name: item.key, stream, size: item.size }, ingest as TableIngest<unknown>, 'transactions', profile);
    } catch (e) {
      // A fault seen on the S3 stream means S3, not the file: the step is retried.
      if (fault) throw fault;
      error = safeReason((e as Error).message);
    }
    const meta: ShardMeta = {
      index: item.index, key: item.key, counts: { read: 0, accepted: 0, rejected: 0 }, hasMargin: false, detections: [],
      dateWarnings: [], sourceWarnings: [], reasons, examples, dropped: 0, entries: 0,
    };
    if (error === undefined) {
      phase = 1;
      const r = ingest.finishLedger();
      const slices = Array.from({ length: run.partitions }, () => new LedgerSlice());
      const { ledger: l, ids } = r;
      for (let i = 0; i < l.n; i++) {
        if (l.cust[i] < 0) continue;
        const id = ids[l.cust[i]];
        slices[partitionOf(id, run.partitions)].add(id, l.code[i], l.gross[i], l.ret[i], l.buy[i], l.mar[i]);
        meta.entries++;
      }
      for (let p = 0; p < run.partitions; p++) await putBytes(deps, keys.shardPart(item.index, p), encodeSlice(slices[p]));
      Object.assign(meta, { counts: r.counts, hasMargin: r.hasMargin, detections: r.detections, dateWarnings: r.dateWarnings, sourceWarnings: r.sourceWarnings });
    } else meta.error = error;
    for (const f of files) f.close();
    meta.dropped = files[0].dropped + files[1].dropped;
    await putFile(deps, keys.shardRejects(item.index, 'rows'), files[0].path, 'text/csv; charset=utf-8');
    await putFile(deps, keys.shardRejects(item.index, 'late'), files[1].path, 'text/csv; charset=utf-8');
    await putJson(deps, keys.shardMeta(item.index), meta);
    return { index: item.index, entries: meta.entries, ...(error ? { error } : {}) };
  } finally {
    for (const f of files) f.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
