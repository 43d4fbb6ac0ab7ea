/**
 * Plan: take the dataset's lease, list its sources, resolve the profile and the run id, and choose
 * the path. Above the size threshold (layout.ts) the run fans out: one shard per transaction
 * object (the Distributed Map reads the shard list from S3), K customer partitions; below it, or
 * for anything the single run handles specially (no transaction file, a bad profile, `dedupe`,
 * which compares lines across files, a run already published), the single-Lambda path scores it.
 */
import { randomUUID } from 'node:crypto';
import type { Profile } from '../../core/config.ts';
import { listSources, type SourceRef } from '../sources.ts';
import { acquireLease, latestRunId } from '../store.ts';
import { runProfile, type RunDeps } from '../score-dataset.ts';
import { defaultPartitions, fanoutMinBytes, runKeys, transactionBytes } from './layout.ts';
import { putJson } from './objects.ts';

/** How long a fan-out run holds its dataset's lease: the state machine's own time-out. */
export const FANOUT_LEASE_MS = 2 * 60 * 60_000;

export interface FanoutEvent {
  dataset: string;
  asOf: string;
  trigger: string;
  /** Lease owner (the execution's name); a fresh id when absent. */
  owner?: string;
  /** Customer partitions; by default from the source size. Results do not depend on it. */
  partitions?: number;
  /** Threshold override (tests, `npm start -- --large`). */
  minBytes?: number;
}

/** The state every later step receives (small: Step Functions payloads are capped at 256 KB). */
export interface FanoutRun {
  dataset: string;
  asOf: string;
  trigger: string;
  owner: string;
  runId: string;
  mode: 'fanout' | 'single';
  shards: number;
  partitions: number;
  bucket: string;
  /** S3 keys of the shard list and partition list the Distributed Maps read. */
  manifestKey: string;
  partitionsKey: string;
  startedAt: number;
  planMs: number;
}

/** What plan.json holds: the inputs every step reads, fixed at planning time. */
export interface PlanFile {
  profile: Profile;
  sources: SourceRef[];
  profileRef?: { key: string; etag: string };
  /** Cap of the run's rejects.csv (and of each shard's piece of it); REJECTS_MAX_BYTES when absent. */
  rejectsMaxBytes?: number;
}
export interface ShardItem { index: number; key: string; etag: string; size: number }
export interface PartitionItem { partition: number }

export async function plan(deps: RunDeps, e: FanoutEvent): Promise<FanoutRun> {
  const now = deps.now ?? Date.now;
  const startedAt = now();
  const owner = e.owner ?? randomUUID();
  await acquireLease(deps.db, deps.table, e.dataset, owner, startedAt, FANOUT_LEASE_MS, deps.retry);
  const { sources, profile: profileRef } = await listSources(deps.s3, deps.bucket, e.dataset, deps.retry);
  const { profile, runId } = await runProfile(deps, e.dataset, e.asOf, sources, profileRef);
  const keys = runKeys(e.dataset, runId);
  const tx = sources.filter((s) => s.kind === 'transactions');
  const bytes = transactionBytes(sources);
  const base = {
    dataset: e.dataset, asOf: e.asOf, trigger: e.trigger, owner, runId, bucket: deps.bucket,
    manifestKey: keys.manifest, partitionsKey: keys.partitions, startedAt,
  };
  const single = !profile || tx.length === 0 || profile.dedupe || bytes < (e.minBytes ?? fanoutMinBytes())
    || (await latestRunId(deps.db, deps.table, e.dataset, deps.retry)) === runId;
  if (single) return { ...base, mode: 'single', shards: 0, partitions: 0, planMs: now() - startedAt };
  const partitions = Math.max(1, Math.floor(e.partitions ?? defaultPartitions(bytes)));
  const file: PlanFile = {
    profile: profile!, sources, ...(profileRef ? { profileRef } : {}), ...(deps.rejectsMaxBytes ? { rejectsMaxBytes: deps.rejectsMaxBytes } : {}),
  };
  await putJson(deps, keys.plan, file);
  await putJson(deps, keys.manifest, tx.map((s, index): ShardItem => ({ index, key: s.key, etag: s.etag, size: s.size })));
  await putJson(deps, keys.partitions, Array.from({ length: partitions }, (_, partition): PartitionItem => ({ partition })));
  return { ...base, mode: 'fanout', shards: tx.length, partitions, planMs: now() - startedAt };
}
