/**
 * Shifted-beta-geometric retention model (Fader & Hardie 2007, "How to project customer retention").
 * Contractual setting: at the end of each period a customer renews with probability 1 − θ,
 * θ ~ Beta(α, β). Period t = 1, 2, …; survivors at t = 0 is the cohort size.
 */
import type { FitReport } from '../types.ts';
import { hyp2f1, lbeta } from './special.ts';
import { maximizeLikelihood } from './mle.ts';

export interface SbgModel {
  fit: FitReport;
  /** S(t): share of the cohort still a customer after t periods. */
  survival(t: number): number;
  /** r_t = S(t)/S(t−1) = (β + t − 1)/(α + β + t − 1): share of period t−1's customers who renew in t. */
  retentionRate(t: number): number;
  expectedSurvivors(n0: number, t: number): number;
  /** DERL of a customer with `renewalsSoFar` renewals, just before the next renewal decision (Fader & Hardie 2010). */
  discountedExpectedResidualLifetime(discountPerPeriod: number, renewalsSoFar: number): number;
  /** E[CLV] of a just-acquired customer paying marginPerPeriod at the start of every period alive. */
  clv(marginPerPeriod: number, discountPerPeriod: number): number;
}

/** log P(T = t) (churn in period t) and log S(t), t ≥ 1. */
const logP = (a: number, b: number, t: number) => lbeta(a + 1, b + t - 1) - lbeta(a, b);
const logS = (a: number, b: number, t: number) => lbeta(a, b + t) - lbeta(a, b);

/** Model at given α, β. */
export function sbgModel(alpha: number, beta: number, fit?: FitReport): SbgModel {
  const report: FitReport = fit ?? { params: { alpha, beta }, logLikelihood: NaN, converged: true, iterations: 0, standardErrors: { alpha: NaN, beta: NaN }, customers: 0, warnings: [] };
  const survival = (t: number) => (t <= 0 ? 1 : Math.exp(logS(alpha, beta, t)));
  return {
    fit: report,
    survival,
    retentionRate: (t: number) => (beta + t - 1) / (alpha + beta + t - 1),
    expectedSurvivors: (n0: number, t: number) => n0 * survival(t),
    discountedExpectedResidualLifetime(d: number, renewalsSoFar: number): number {
      const n = renewalsSoFar + 1;
      return ((beta + n - 1) / (alpha + beta + n - 1)) * hyp2f1(1, beta + n, alpha + beta + n, 1 / (1 + d));
    },
    clv(m: number, d: number): number {
      return m * hyp2f1(1, beta, alpha + beta, 1 / (1 + d));
    },
  };
}

/** Fits on a survival series: survivors[t] customers left after t periods, survivors[0] = cohort size. */
export function fitSbg(survivors: ArrayLike<number>): SbgModel {
  const n = survivors.length - 1;
  if (n < 1) throw new Error('fitSbg needs survivors for at least periods 0 and 1');
  const churn = new Map<number, number>();
  for (let t = 1; t <= n; t++) churn.set(t, survivors[t - 1] - survivors[t]);
  return fitCounts(churn, new Map([[n, survivors[n]]]), survivors[0]);
}

/**
 * Fits on per-customer tenure in whole periods. A churned customer with tenure t left in period t
 * (tenure below 1 counts as 1); a customer not churned has survived t periods so far (right-censored).
 */
export function fitSbgFromTenure(tenure: ArrayLike<number>, churned: ArrayLike<boolean | number>): SbgModel {
  const lost = new Map<number, number>();
  const alive = new Map<number, number>();
  for (let i = 0; i < tenure.length; i++) {
    const t = Math.max(0, Math.floor(tenure[i]));
    if (churned[i]) lost.set(Math.max(1, t), (lost.get(Math.max(1, t)) ?? 0) + 1);
    else if (t > 0) alive.set(t, (alive.get(t) ?? 0) + 1);
  }
  return fitCounts(lost, alive, tenure.length);
}

function fitCounts(lost: Map<number, number>, alive: Map<number, number>, customers: number): SbgModel {
  // Sorted keys so the sum (and so the fit) does not depend on input order.
  const L = [...lost.entries()].filter(([, c]) => c > 0).sort((a, b) => a[0] - b[0]);
  const A = [...alive.entries()].filter(([, c]) => c > 0).sort((a, b) => a[0] - b[0]);
  const ll = ([a, b]: number[]) => {
    let s = 0;
    for (const [t, c] of L) s += c * logP(a, b, t);
    for (const [t, c] of A) s += c * logS(a, b, t);
    return s;
  };
  const warnings: string[] = [];
  if (L.length === 0) warnings.push('No churn observed: sBG parameters are not identified.');
  const fit = maximizeLikelihood(['alpha', 'beta'], ll, [1, 1], customers, warnings);
  if (fit.params.alpha + fit.params.beta > 1000) {
    // The data fits a single churn rate θ = α/(α+β) for everyone: α and β drift off together.
    fit.warnings.push(
      `Churn looks the same for every customer (about ${((100 * fit.params.alpha) / (fit.params.alpha + fit.params.beta)).toFixed(2)} % a period): α and β are not separately identified, but survival and retention projections remain valid.`,
    );
  }
  return sbgModel(fit.params.alpha, fit.params.beta, fit);
}
