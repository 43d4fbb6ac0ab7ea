/**
 * The fan-out run's shape: when a dataset takes it, how customers are split into partitions, and
 * where its intermediate objects live (`runs/<dataset>/<run-id>/…`, expired by a lifecycle rule).
 */
import type { SourceRef } from '../sources.ts';

export const RUN_PREFIX = 'runs/';

/**
 * Transaction bytes from which a dataset is scored by the fan-out (default 32 MiB ≈ 600k order
 * lines ≈ 60k customers). Below it one Lambda reads, scores and writes in about a minute; above
 * it the single run's memory (every row's ledger entry, every customer's scores, the reports)
 * and its item writes grow towards the function's 10 GB and 15 minutes, while the fan-out costs
 * only a few seconds of state transitions. Gzip objects count 8× their size (about what order
 * exports compress by). Env FANOUT_MIN_BYTES overrides it.
 */
export const FANOUT_MIN_BYTES = 32 * 1024 * 1024;
const GZIP_FACTOR = 8;
/** Customers per partition the fan-out aims for by default, from the source size (≈ 100 bytes a line, 10 lines a customer). */
const BYTES_PER_PARTITION = 64 * 1024 * 1024;
export const MAX_PARTITIONS = 256;

/** Uncompressed size estimate of a dataset's transaction sources. */
export function transactionBytes(sources: SourceRef[]): number {
  let n = 0;
  for (const s of sources) if (s.kind === 'transactions') n += s.key.toLowerCase().endsWith('.gz') ? s.size * GZIP_FACTOR : s.size;
  return n;
}

export function fanoutMinBytes(): number {
  const env = Number(process.env.FANOUT_MIN_BYTES);
  return Number.isFinite(env) && env > 0 ? env : FANOUT_MIN_BYTES;
}

export const defaultPartitions = (bytes: number) => Math.min(MAX_PARTITIONS, Math.max(2, Math.ceil(bytes / BYTES_PER_PARTITION)));

/** FNV-1a over the id's UTF-16 code units: the same partition for a customer in every shard, on every machine. */
export function partitionOf(id: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}

/** Keys of one run's intermediate objects. */
export function runKeys(dataset: string, runId: string) {
  const base = `${RUN_PREFIX}${dataset}/${runId}/`;
  return {
    base,
    plan: `${base}plan.json`,
    /** The shard list the Distributed Map reads (ItemReader on S3, a JSON array). */
    manifest: `${base}shards.json`,
    partitions: `${base}partitions.json`,
    shardMeta: (i: number) => `${base}shards/${i}/meta.json`,
    shardPart: (i: number, p: number) => `${base}shards/${i}/part-${p}.bin`,
    shardRejects: (i: number, phase: 'rows' | 'late') => `${base}shards/${i}/rejects-${phase}.csv`,
    summaries: (p: number) => `${base}summaries/${p}.json`,
    writes: (p: number) => `${base}writes/${p}.jsonl`,
    record: `${base}record.json`,
  };
}
