/** summary.json: the dataset-level results as plain JSON. */
import type { Profile } from '../config.ts';
import type { Detection, FitReport, Reject, RowCounts, ScoreRun } from '../types.ts';
import { concentration } from '../scores/aggregates.ts';

function model(fit: FitReport | undefined, names: string[]) {
  if (!fit) return null;
  const out: Record<string, unknown> = {};
  for (const k of names) out[k] = fit.params[k] ?? null;
  out.logLikelihood = fit.logLikelihood;
  out.converged = fit.converged;
  if (fit.problems) out.problems = fit.problems;
  out.iterations = fit.iterations;
  out.customers = fit.customers;
  out.standardErrors = fit.standardErrors;
  out.warnings = fit.warnings;
  return out;
}

export function summaryJson(run: ScoreRun): Record<string, unknown> {
  const values = new Float64Array(run.customers.length); // no array of a million boxed numbers
  for (let i = 0; i < values.length; i++) values[i] = run.customers[i].tierReason.value;
  const gg = run.models.gammaGamma;
  return {
    asOf: run.asOf,
    timeUnit: run.timeUnit,
    customers: run.customers.length,
    models: {
      bgnbd: model(run.models.bgnbd, ['r', 'alpha', 'a', 'b']),
      paretoNbd: model(run.models.paretoNbd, ['r', 'alpha', 's', 'beta']),
      ...(run.models.mbgnbd ? { mbgnbd: model(run.models.mbgnbd, ['r', 'alpha', 'a', 'b']) } : {}),
      gammaGamma: gg ? { ...model(gg, ['p', 'q', 'v']), finiteMean: gg.finiteMean } : null,
      // Which purchase model scored and why, with every candidate's log-likelihood, BIC, holdout error and convergence.
      choice: run.models.choice ?? null,
      // Interval level, draws and seed, with customer equity's and total expected purchases' intervals.
      intervals: run.models.intervals ?? null,
    },
    customerEquity: run.customerEquity,
    tiers: run.tiers,
    segments: run.segments,
    classes: run.classes,
    retention: run.retention,
    satisfaction: run.satisfaction,
    concentration: { curve: run.concentration, gini: concentration(values).gini },
    ...(run.holdout ? { holdout: run.holdout } : {}),
    warnings: run.warnings,
  };
}

/** What ingest reports about a dataset, whichever entry point read it. */
export interface DatasetReadout {
  summaries: ArrayLike<unknown>;
  counts: { transactions: RowCounts; customers?: RowCounts; surveys?: RowCounts };
  /** The rejects kept as examples (the first few of each table). */
  rejects: readonly Reject[];
  /** Every reject counted by reason; when absent, the reasons of `rejects`. */
  rejectReasons?: Record<string, number>;
  detections: Detection[];
  warnings: string[];
}

/**
 * The summary.json document: the run's models and aggregates (when scored) plus row counts, reject
 * reasons and detected columns, so the CLI and the batch job report the same things.
 */
export function datasetSummary(profile: Profile, data: DatasetReadout, run?: ScoreRun): Record<string, unknown> {
  const scored = run ? summaryJson(run) : {};
  let rejectReasons = data.rejectReasons;
  if (!rejectReasons) {
    rejectReasons = {};
    for (const r of data.rejects) rejectReasons[r.reason] = (rejectReasons[r.reason] ?? 0) + 1;
  }
  return {
    ...scored,
    asOf: profile.asOf,
    timeUnit: profile.timeUnit,
    calibrationEnd: profile.calibrationEnd ?? null,
    rows: data.counts.transactions,
    customers: data.summaries.length,
    counts: data.counts,
    rejectReasons,
    rejectExamples: data.rejects,
    detections: data.detections,
    warnings: [...data.warnings, ...((scored.warnings as string[] | undefined) ?? [])],
  };
}
