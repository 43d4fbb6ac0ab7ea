/**
 * Model fits as independent jobs. A fit's result depends only on its input (a histogram, or the
 * spend rows), so whoever runs the core may compute several at once — the CLI's `--threads` runs
 * them on worker threads — and every number is the same double, wherever and in whatever order
 * the fits ran. Without a runner the pipeline fits one model after the other, as it needs them.
 */
import type { PurchaseModelKind } from '../config.ts';
import type { FitReport, SpendModel } from '../types.ts';
import type { Histogram } from './histogram.ts';
import { fitPurchaseModel, purchaseModelFromParams, type FactoredPurchaseModel } from './purchase.ts';
import { fitGammaGamma, gammaGammaModel } from './gammagamma.ts';

export type FitJob =
  | { kind: PurchaseModelKind; hist: Histogram }
  /** Gamma-Gamma on the customers' (frequency, mean repeat spend), one pair per index. */
  | { kind: 'gammaGamma'; frequency: Float64Array; meanRepeatSpend: Float64Array };

/** A fit's report, or the message of the error it threw. */
export type FitResult = { report: FitReport } | { error: string };

/** Waits for a started fit and gives its result. */
export type FitJoin = () => FitResult;

/** Starts fits (possibly elsewhere, at once) and joins them; results must equal runFitJob's. */
export interface FitRunner {
  start(job: FitJob): FitJoin;
  /** Called when the run will start no more fits (it may have left some unjoined): threads can stop. */
  finished?(): void;
}

/** The fit itself: what a thread runs, and what the pipeline runs without a runner. */
export function runFitJob(job: FitJob): FitResult {
  try {
    if (job.kind === 'gammaGamma') {
      return { report: fitGammaGamma(spendRows(job.frequency, job.meanRepeatSpend)).fit };
    }
    return { report: fitPurchaseModel(job.kind, job.hist).fit };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Each fit run here when it is joined: without threads, the pipeline's own order and work. */
export const LOCAL_RUNNER: FitRunner = { start: (job) => () => runFitJob(job) };

/** The spend rows of a Gamma-Gamma job, as fitGammaGamma reads them. */
function spendRows(frequency: Float64Array, meanRepeatSpend: Float64Array): { frequency: number; meanRepeatSpend: number }[] {
  const rows: { frequency: number; meanRepeatSpend: number }[] = [];
  for (let i = 0; i < frequency.length; i++) rows.push({ frequency: frequency[i], meanRepeatSpend: meanRepeatSpend[i] });
  return rows;
}

/** A Gamma-Gamma job over the customers' summaries. */
export function spendJob(rows: readonly { frequency: number; meanRepeatSpend: number }[]): FitJob {
  const frequency = new Float64Array(rows.length);
  const meanRepeatSpend = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) (frequency[i] = rows[i].frequency), (meanRepeatSpend[i] = rows[i].meanRepeatSpend);
  return { kind: 'gammaGamma', frequency, meanRepeatSpend };
}

/** The purchase model a joined result stands for: what fitPurchaseModel returned (or threw) on the thread. */
export function purchaseModelOf(kind: PurchaseModelKind, r: FitResult): FactoredPurchaseModel {
  if ('error' in r) throw new Error(r.error);
  return purchaseModelFromParams(kind, r.report.params, r.report);
}

/**
 * The spend model a joined result stands for, as fitGammaGamma builds it; undefined when the fit
 * had fewer than two customers (its fallback model is made by fitGammaGamma itself).
 */
export function spendModelOf(r: FitResult): SpendModel | undefined {
  if ('error' in r) throw new Error(r.error);
  if (r.report.customers < 2) return undefined;
  const { p, q, v } = r.report.params;
  return gammaGammaModel({ p, q, v }, r.report);
}
