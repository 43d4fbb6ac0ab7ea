/** Fitting and wrapping the buy-till-you-die purchase models behind one PurchaseModel interface. */
import type { FitReport, PurchaseModel } from '../types.ts';
import type { PurchaseModelKind } from '../config.ts';
import type { Histogram } from './histogram.ts';
import type { PurchaseModelSpec } from './spec.ts';
import { bgnbdSpec } from './bgnbd.ts';
import { mbgnbdSpec } from './mbgnbd.ts';
import { paretoNbdSpec } from './paretonbd.ts';
import { maximizeLikelihood } from './mle.ts';

/** The one spec per model (likelihood, gradient, predictions): see spec.ts. */
export const SPECS: Record<PurchaseModelKind, PurchaseModelSpec> = {
  bgnbd: bgnbdSpec as unknown as PurchaseModelSpec,
  mbgnbd: mbgnbdSpec as unknown as PurchaseModelSpec,
  paretonbd: paretoNbdSpec as unknown as PurchaseModelSpec,
};

function specOf(kind: PurchaseModelKind): PurchaseModelSpec {
  const spec = SPECS[kind];
  if (!spec) throw new Error(`Unknown purchase model: ${kind}`);
  return spec;
}

/** Parameter names per model, in the order the optimizer sees them. */
export const PARAM_NAMES = Object.fromEntries(Object.values(SPECS).map((s) => [s.kind, [...s.names]])) as Record<PurchaseModelKind, string[]>;

/** Σ w · log L over the histogram at the given parameters. */
export function purchaseLogLikelihood(kind: PurchaseModelKind, params: Record<string, number>, hist: Histogram): number {
  return specOf(kind).logLikelihood(params, hist);
}

/** Mean customer age T over the histogram (at least 1e−3), the natural scale of α and β. */
export function meanAge(hist: Histogram): number {
  let meanT = 0;
  for (let i = 0; i < hist.size; i++) meanT += hist.w[i] * hist.T[i];
  return Math.max(1e-3, meanT / Math.max(1, hist.customers));
}

/**
 * Fits BG/NBD, Pareto/NBD or MBG/NBD by maximum likelihood on the histogram. The report says
 * `converged: false`, with the cause in `problems` and `warnings`, when a parameter ran to a bound
 * or the standard errors are unavailable.
 */
export function fitPurchaseModel(kind: PurchaseModelKind, hist: Histogram): FactoredPurchaseModel {
  const spec = specOf(kind);
  const names = [...spec.names];
  if (hist.customers === 0) throw new Error('Cannot fit a purchase model on zero customers');
  const meanT = meanAge(hist);
  const ll = (theta: number[]) => spec.logLikelihood(toParams(names, theta), hist);
  // Analytic gradients (checked against central differences in the tests).
  const gradient = (theta: number[], out: number[]) => spec.gradient(toParams(names, theta), hist, out);
  const bounds = { shapes: spec.shapes, scales: spec.scales, scaleRef: meanT };
  const fit = maximizeLikelihood(names, ll, spec.start(meanT), hist.customers, [], gradient, bounds);
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
  const spec = specOf(kind);
  const report: FitReport = fit ?? {
    params: { ...params },
    logLikelihood: NaN,
    converged: true,
    iterations: 0,
    standardErrors: Object.fromEntries(spec.names.map((n) => [n, NaN])),
    customers: 0,
    warnings: [],
  };
  const p = toParams([...spec.names], spec.names.map((n) => params[n]));
  return {
    kind,
    fit: report,
    expectedPurchases: (t, x, tx, T) => (t > 0 ? spec.pAlive(p, x, tx, T) * spec.expectedIfAlive(p, t, x, T) : 0),
    pAlive: (x, tx, T) => spec.pAlive(p, x, tx, T),
    expectedIfAlive: (t, x, T) => spec.expectedIfAlive(p, t, x, T),
  };
}

/** E[X(t)] for a customer who has just made a first purchase (no history beyond it). */
export function unconditionalExpectedPurchases(model: PurchaseModel, t: number): number {
  return specOf(model.kind).unconditional(model.fit.params, t);
}

function toParams(names: string[], theta: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  names.forEach((n, i) => (out[n] = theta[i]));
  return out;
}
