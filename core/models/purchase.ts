/** Fitting and wrapping the buy-till-you-die purchase models behind one PurchaseModel interface. */
import type { FitReport, PurchaseModel } from '../types.ts';
import type { PurchaseModelKind } from '../config.ts';
import type { Histogram } from './histogram.ts';
import { bgnbdExpectedIfAlive, bgnbdExpectedPurchases, bgnbdLogLikelihood, bgnbdLogLikelihoodGradient, bgnbdPAlive, bgnbdUnconditional, type BgNbdParams } from './bgnbd.ts';
import { mbgnbdExpectedIfAlive, mbgnbdExpectedPurchases, mbgnbdLogLikelihood, mbgnbdLogLikelihoodGradient, mbgnbdPAlive, mbgnbdUnconditional } from './mbgnbd.ts';
import { paretoNbdExpectedIfAlive, paretoNbdExpectedPurchases, paretoNbdLogLikelihood, paretoNbdLogLikelihoodGradient, paretoNbdPAlive, paretoNbdUnconditional, type ParetoNbdParams } from './paretonbd.ts';
import { maximizeLikelihood } from './mle.ts';

/** Parameter names per model, in the order the optimizer sees them. */
export const PARAM_NAMES: Record<PurchaseModelKind, string[]> = {
  bgnbd: ['r', 'alpha', 'a', 'b'],
  mbgnbd: ['r', 'alpha', 'a', 'b'],
  paretonbd: ['r', 'alpha', 's', 'beta'],
};

/** Σ w · log L over the histogram at the given parameters. */
export function purchaseLogLikelihood(kind: PurchaseModelKind, params: Record<string, number>, hist: Histogram): number {
  if (kind === 'paretonbd') return paretoNbdLogLikelihood(params as unknown as ParetoNbdParams, hist);
  if (kind === 'mbgnbd') return mbgnbdLogLikelihood(params as unknown as BgNbdParams, hist);
  return bgnbdLogLikelihood(params as unknown as BgNbdParams, hist);
}

/** Fits BG/NBD, Pareto/NBD or MBG/NBD by maximum likelihood on the histogram. */
export function fitPurchaseModel(kind: PurchaseModelKind, hist: Histogram): FactoredPurchaseModel {
  const names = PARAM_NAMES[kind];
  if (!names) throw new Error(`Unknown purchase model: ${kind}`);
  const warnings: string[] = [];
  if (hist.customers === 0) throw new Error('Cannot fit a purchase model on zero customers');
  // Deterministic start: unit shapes, and α (β) at the mean customer age so the time unit doesn't matter.
  let meanT = 0;
  for (let i = 0; i < hist.size; i++) meanT += hist.w[i] * hist.T[i];
  meanT = Math.max(1e-3, meanT / hist.customers);
  const start = kind === 'paretonbd' ? [1, meanT, 1, meanT] : [1, meanT, 1, 1];
  const ll = (theta: number[]) => purchaseLogLikelihood(kind, toParams(names, theta), hist);
  // Analytic gradients (checked against central differences in the tests).
  const gradient =
    kind === 'bgnbd'
      ? (theta: number[], out: number[]) => bgnbdLogLikelihoodGradient({ r: theta[0], alpha: theta[1], a: theta[2], b: theta[3] }, hist, out)
      : kind === 'paretonbd'
        ? (theta: number[], out: number[]) => paretoNbdLogLikelihoodGradient({ r: theta[0], alpha: theta[1], s: theta[2], beta: theta[3] }, hist, out)
        : (theta: number[], out: number[]) => mbgnbdLogLikelihoodGradient({ r: theta[0], alpha: theta[1], a: theta[2], b: theta[3] }, hist, out);
  const fit = maximizeLikelihood(names, ll, start, hist.customers, warnings, gradient);
  return purchaseModelFromParams(kind, fit.params, fit);
}

/**
 * What our purchase models add to the shared interface: E[X(t)] = P(alive) · expectedIfAlive(t, x, T),
 * which lets CLV compute P(alive) once per customer and share the rest between customers alike in (x, T).
 */
export interface FactoredPurchaseModel extends PurchaseModel {
  expectedIfAlive(t: number, x: number, T: number): number;
}

/** A purchase model at given parameters (e.g. published ones, or stored from an earlier run). */
export function purchaseModelFromParams(kind: PurchaseModelKind, params: Record<string, number>, fit?: FitReport): FactoredPurchaseModel {
  const report: FitReport = fit ?? {
    params: { ...params },
    logLikelihood: NaN,
    converged: true,
    iterations: 0,
    standardErrors: Object.fromEntries(PARAM_NAMES[kind].map((n) => [n, NaN])),
    customers: 0,
    warnings: [],
  };
  if (kind === 'paretonbd') {
    const p = params as unknown as ParetoNbdParams;
    return {
      kind,
      fit: report,
      expectedPurchases: (t, x, tx, T) => paretoNbdExpectedPurchases(p, t, x, tx, T),
      pAlive: (x, tx, T) => paretoNbdPAlive(p, x, tx, T),
      expectedIfAlive: (t, x, T) => paretoNbdExpectedIfAlive(p, t, x, T),
    };
  }
  const p = nudgeA(params as unknown as BgNbdParams);
  if (kind === 'mbgnbd') {
    return {
      kind,
      fit: report,
      expectedPurchases: (t, x, tx, T) => mbgnbdExpectedPurchases(p, t, x, tx, T),
      pAlive: (x, tx, T) => mbgnbdPAlive(p, x, tx, T),
      expectedIfAlive: (t, x, T) => mbgnbdExpectedIfAlive(p, t, x, T),
    };
  }
  return {
    kind,
    fit: report,
    expectedPurchases: (t, x, tx, T) => bgnbdExpectedPurchases(p, t, x, tx, T),
    pAlive: (x, tx, T) => bgnbdPAlive(p, x, tx, T),
    expectedIfAlive: (t, x, T) => bgnbdExpectedIfAlive(p, t, x, T),
  };
}

/** E[X(t)] for a customer who has just made a first purchase (no history beyond it). */
export function unconditionalExpectedPurchases(model: PurchaseModel, t: number): number {
  const params = model.fit.params;
  if (model.kind === 'paretonbd') return paretoNbdUnconditional(params as unknown as ParetoNbdParams, t);
  const p = nudgeA(params as unknown as BgNbdParams);
  return model.kind === 'mbgnbd' ? mbgnbdUnconditional(p, t) : bgnbdUnconditional(p, t);
}

// The expectation formulas divide by (a − 1); at a = 1 exactly they have a removable singularity.
function nudgeA(p: BgNbdParams): BgNbdParams {
  return Math.abs(p.a - 1) < 1e-9 ? { ...p, a: 1 + 1e-9 } : { r: p.r, alpha: p.alpha, a: p.a, b: p.b };
}

function toParams(names: string[], theta: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  names.forEach((n, i) => (out[n] = theta[i]));
  return out;
}
