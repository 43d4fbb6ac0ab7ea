/** The single-Lambda path inside the state machine (small datasets): the run the upload handler makes, under the plan's lease. */
import { scoreDataset, type RunDeps } from '../score-dataset.ts';
import type { FanoutOutcome } from './finish.ts';
import type { FanoutRun } from './plan.ts';
import type { RunResult } from '../score-dataset.ts';

export async function single(deps: RunDeps, run: FanoutRun): Promise<FanoutOutcome & { result: RunResult }> {
  // Same owner as the plan's lease: scoreDataset takes it over, re-lists until stable and releases it.
  const result = await scoreDataset({ ...deps, owner: run.owner }, run.dataset, run.asOf, run.trigger);
  return {
    dataset: result.dataset, runId: result.runId, status: result.status, customers: result.customers, written: result.written, changed: false,
    ...(result.reason ? { reason: result.reason } : {}), result,
  };
}
