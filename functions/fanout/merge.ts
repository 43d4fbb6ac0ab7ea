/**
 * Merge one partition: every shard's ledger slice of that partition's customers, summarized
 * together. A customer's lines from all files meet here (one purchase per customer-day across
 * files), and partitions hold disjoint customers, so their summaries concatenate exactly
 * (core/summary/summarize.ts mergeSummaries).
 */
import type { CustomerSummary } from '../../core/types.ts';
import { summaryOptions } from '../../core/ingest/transactions.ts';
import { summarizeLedger } from '../../core/summary/summarize.ts';
import type { RunDeps } from '../score-dataset.ts';
import { runKeys } from './layout.ts';
import { appendSlice, LedgerSlice } from './ledger-file.ts';
import { getBytes, getJson, putJson } from './objects.ts';
import type { FanoutRun, PartitionItem, PlanFile } from './plan.ts';
import type { ShardMeta } from './shard.ts';

export interface PartitionSummaries { summaries: CustomerSummary[]; noPurchase: number; lateFirst: number }

export async function readMetas(deps: RunDeps, run: FanoutRun): Promise<ShardMeta[]> {
  const keys = runKeys(run.dataset, run.runId);
  return Promise.all(Array.from({ length: run.shards }, (_, i) => getJson<ShardMeta>(deps, keys.shardMeta(i))));
}

export async function merge(deps: RunDeps, run: FanoutRun, item: PartitionItem): Promise<{ partition: number; customers: number }> {
  const keys = runKeys(run.dataset, run.runId);
  const metas = await readMetas(deps, run);
  // An unreadable file fails the run in the score step; there is nothing to merge.
  if (metas.some((m) => m.error !== undefined)) return { partition: item.partition, customers: 0 };
  const { profile } = await getJson<PlanFile>(deps, keys.plan);
  const slice = new LedgerSlice();
  for (let i = 0; i < run.shards; i++) appendSlice(await getBytes(deps, keys.shardPart(i, item.partition)), slice);
  const hasMargin = metas.some((m) => m.hasMargin);
  const out: PartitionSummaries = summarizeLedger(slice.ledger, slice.ids, summaryOptions(profile, hasMargin));
  await putJson(deps, keys.summaries(item.partition), out);
  return { partition: item.partition, customers: out.summaries.length };
}
