/**
 * One typed description per purchase model: what fitting, predicting and model selection need,
 * so no code switches on the model's kind. Parameters are positive; the optimizer sees their logs.
 */
import type { PurchaseModelKind } from '../config.ts';
import type { Histogram } from './histogram.ts';

export interface PurchaseModelSpec<P extends object = Record<string, number>> {
  kind: PurchaseModelKind;
  /** Display name, e.g. "BG/NBD". */
  title: string;
  /** Parameter names, in the order the optimizer sees them. */
  names: readonly (keyof P & string)[];
  /** Deterministic start: unit shapes, scales at the mean customer age (so the time unit does not matter). */
  start(meanT: number): number[];
  /** Σ w · log L over the histogram. */
  logLikelihood(p: P, h: Histogram): number;
  /** Gradient of logLikelihood with respect to the log-parameters, written into `out`. */
  gradient(p: P, h: Histogram, out: number[]): void;
  pAlive(p: P, x: number, tx: number, T: number): number;
  /** E[X(t) | alive at T, x, T]; E[X(t) | x, t_x, T] = pAlive · expectedIfAlive. */
  expectedIfAlive(p: P, t: number, x: number, T: number): number;
  /** E[X(t)] for a customer who has just made a first purchase. */
  unconditional(p: P, t: number): number;
  /** Discounted expected residual transactions at continuous discount rate δ per time unit, where the model has a closed form (Pareto/NBD). */
  dert?(p: P, delta: number, x: number, tx: number, T: number): number;
  /** True when one-time buyers (x = 0) are certain to be alive whatever their age (BG/NBD's artefact). */
  oneTimeBuyersAlwaysAlive: boolean;
  /** Names of the shape parameters (scale-free) and of the scale parameters (in time units). */
  shapes: readonly string[];
  scales: readonly string[];
}
