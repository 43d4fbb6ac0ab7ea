/**
 * The scoring pipeline: per-customer summaries (+ optional master data and surveys) → ScoreRun.
 * Pure and deterministic: results depend only on the set of summaries, the profile and the as-of
 * date — never on row order or sharding. Each stage is a function in core/pipeline/ with a typed
 * output:
 *
 *   input → fit → predict → rank → classify → aggregate → retention → satisfaction → holdout
 *
 *   fit           purchase and spend models (the only place models are fitted)
 *   predict       P(alive), expected purchases and spend, CLV, value if alive; the lost window
 *   rank          tiers, RFM scores, value classes
 *   classify      one CustomerScore each: churn risk, lifecycle, segment, value at risk, classes
 *   aggregate     customer equity, tier / segment / class aggregates, concentration
 *   retention     period retention, cohorts, churn-warning list
 *   satisfaction  CSAT, NPS and ladder shares
 *   holdout       predicted vs actual purchases after the calibration end
 */
import type { Profile } from './config.ts';
import type { CustomerSummary, ScoreRun } from './types.ts';
import { prepareInput, type ScoreExtra, type ScoreInput } from './pipeline/input.ts';
import { fit, type FitStage } from './pipeline/fit.ts';
import { predict } from './pipeline/predict.ts';
import { rank } from './pipeline/rank.ts';
import { classify } from './pipeline/classify.ts';
import { aggregate } from './pipeline/aggregate.ts';
import { retention } from './pipeline/retention.ts';
import { satisfaction } from './pipeline/satisfaction.ts';
import { holdout } from './pipeline/holdout.ts';
import { roundMs } from './pipeline/timings.ts';

export type { ScoreExtra, ScoreInput, FitStage };
export { checkAsOf, prepareInput } from './pipeline/input.ts';
export { fit } from './pipeline/fit.ts';
export { MIN_FIT_CUSTOMERS, MIN_SPEND_CUSTOMERS } from './pipeline/fit.ts';
export { WARNING_LIST_SIZE } from './pipeline/retention.ts';

export function scoreCustomers(summaries: CustomerSummary[], profile: Profile, extra: ScoreExtra = {}): ScoreRun {
  const start = extra.clock?.();
  const input = prepareInput(summaries, profile, extra);
  if (start !== undefined) input.watch.timings.prepare = roundMs((extra.clock!() - start) / 1000);
  return scoreFitted(input, fit(input));
}

/** Stages timed in run.timings (seconds, when ScoreExtra.clock is given): `prepare` (sorting by id, master data), `fit.<model>` per purchase-model fit on all customers, `choice` for the holdout refits of an automatic choice, `fit.gammaGamma`, `score` for every stage after the fits (`score.intervals` is the part of it spent on the intervals). */
export type { Timings, Clock } from './pipeline/timings.ts';

/** Every stage after `fit`: scores an input with given models (fitted here, or stored parameters). */
export function scoreFitted(input: ScoreInput, fitted: FitStage): ScoreRun {
  const run = input.watch.time('score', () => scoreStages(input, fitted));
  // The same object the stopwatch fills: it holds every stage once this returns.
  return Object.keys(input.watch.timings).length ? { ...run, timings: input.watch.timings } : run;
}

function scoreStages(input: ScoreInput, fitted: FitStage): ScoreRun {
  const { profile } = input;
  const predictions = predict(input, fitted);
  const ranking = rank(input, predictions);
  const customers = classify(input, predictions, ranking);
  const totals = aggregate(input, customers, ranking);
  const checked = holdout(input, fitted);
  return {
    asOf: profile.asOf,
    timeUnit: profile.timeUnit,
    customers,
    models: predictions.intervals ? { ...fitted.models, intervals: predictions.intervals.report } : fitted.models,
    customerEquity: totals.customerEquity,
    tiers: totals.tiers,
    segments: totals.segments,
    classes: totals.classes,
    retention: retention(input, customers),
    satisfaction: satisfaction(input, customers),
    concentration: totals.concentration,
    ...(checked ? { holdout: checked } : {}),
    warnings: input.warnings,
  };
}
