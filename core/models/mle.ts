/** Maximum likelihood in log-parameter space, with standard errors from the observed information. */
import type { FitReport } from '../types.ts';
import { invert, minimizeBfgs, numericHessian } from './optimize.ts';

/**
 * Maximizes logLik over positive parameters. The search runs on log-parameters (so every trial
 * point is valid) and on the mean log-likelihood per customer (so tolerances don't depend on the
 * data size). A second BFGS run from the first optimum, with a fresh curvature estimate, polishes it.
 */
export function maximizeLikelihood(
  names: string[],
  logLik: (params: number[]) => number,
  start: number[],
  customers: number,
  warnings: string[] = [],
  /** Optional analytic gradient of logLik with respect to the log-parameters. */
  logLikGradient?: (params: number[], out: number[]) => void,
  /** Parameters to check against the bounds: shapes are scale-free, scales are compared with `scaleRef`. */
  bounds?: { shapes: readonly string[]; scales: readonly string[]; scaleRef: number },
): FitReport {
  const scale = 1 / Math.max(1, customers);
  // A box of ±LOG_BOX around the start in log space: a fit running off along a flat ridge (a, b → ∞)
  // meets a wall there instead of walking on for hundreds of iterations; it is then reported at the bound.
  const z0 = start.map(Math.log);
  // The second search starts where the first stopped and the report needs the log-likelihood at the
  // optimum: points already evaluated are looked up instead of evaluated again (same numbers).
  const values = new PointMemo();
  const gradients = new PointMemo();
  const logLikAt = (z: number[]) => values.get(z)?.[0] ?? values.put(z, [logLik(z.map(Math.exp))])[0];
  const objective = (z: number[]) => {
    for (let i = 0; i < z.length; i++) if (Math.abs(z[i] - z0[i]) > LOG_BOX) return Infinity;
    const v = logLikAt(z);
    return Number.isFinite(v) ? -v * scale : Infinity;
  };
  const gradient = logLikGradient
    ? (z: number[], out: number[]) => {
        const known = gradients.get(z);
        if (known) {
          for (let i = 0; i < out.length; i++) out[i] = known[i];
          return;
        }
        logLikGradient(z.map(Math.exp), out);
        for (let i = 0; i < out.length; i++) out[i] *= -scale;
        gradients.put(z, out.slice());
      }
    : undefined;
  // A search that stays beyond the parameter bound for several steps is running off along a flat
  // ridge (e.g. a, b → ∞): it is stopped there and reported at the bound instead of walking on.
  let outside = 0;
  const shouldStop = bounds
    ? (z: number[]) => {
        outside = z.some((v, i) => Math.abs(v - z0[i]) > Math.log(PARAMETER_BOUND) + 1) ? outside + 1 : 0;
        return outside >= STEPS_BEYOND_BOUND;
      }
    : undefined;
  const first = minimizeBfgs(objective, z0, { gradient, maxIterations: MAX_ITERATIONS, shouldStop });
  outside = 0;
  const second = minimizeBfgs(objective, first.x, { gradient, maxIterations: MAX_ITERATIONS, shouldStop });
  const best = second.fx <= first.fx ? second : first;
  const theta = best.x.map(Math.exp);
  const ll = logLikAt(best.x);
  const params: Record<string, number> = {};
  const standardErrors: Record<string, number> = {};
  names.forEach((n, i) => (params[n] = theta[i]));
  const H = logLikGradient ? hessianFromGradient(logLikGradient, theta) : numericHessian(logLik, theta);
  const cov = invert(H.map((row) => row.map((v) => -v)));
  names.forEach((n, i) => {
    const v = cov ? cov[i][i] : NaN;
    standardErrors[n] = v > 0 ? Math.sqrt(v) : NaN;
  });
  const problems = convergenceProblems(names, params, standardErrors, first.converged || second.converged, cov !== null, bounds);
  const converged = problems.length === 0;
  for (const p of problems) warnings.push(PROBLEM_TEXT[p.code](p.names));
  return {
    params,
    logLikelihood: ll,
    converged,
    ...(converged ? {} : { problems: problems.map((p) => (p.names.length ? `${p.code}: ${p.names.join(', ')}` : p.code)) }),
    iterations: first.iterations + second.iterations,
    standardErrors,
    ...(cov && converged ? { logCovariance: cov.map((row, i) => row.map((v, j) => v / (theta[i] * theta[j]))) } : {}),
    customers,
    warnings,
  };
}

/**
 * Hessian in the natural parameters by central differences of the analytic gradient (given in
 * log-parameters, so divided by θ), symmetrized: 2n gradient passes instead of 2n² likelihood ones.
 */
function hessianFromGradient(gradLog: (params: number[], out: number[]) => void, theta: number[]): number[][] {
  const n = theta.length;
  const natural = (p: number[]) => {
    const g = new Array<number>(n).fill(0);
    gradLog(p, g);
    return g.map((v, i) => v / p[i]);
  };
  const H = theta.map(() => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    const h = 1e-5 * theta[j];
    const up = theta.slice();
    const down = theta.slice();
    up[j] += h;
    down[j] -= h;
    const gu = natural(up);
    const gd = natural(down);
    for (let i = 0; i < n; i++) H[i][j] = (gu[i] - gd[i]) / (2 * h);
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) H[i][j] = H[j][i] = (H[i][j] + H[j][i]) / 2;
  return H;
}

/**
 * Values computed at points of a search, looked up by the exact coordinates (String gives every
 * double exactly; −0 and 0 share a key, and exp(−0) = exp(0), so they give the same parameters).
 */
class PointMemo {
  private map = new Map<string, number[]>();
  get(z: number[]): number[] | undefined {
    return this.map.get(z.join(','));
  }
  put(z: number[], v: number[]): number[] {
    this.map.set(z.join(','), v);
    return v;
  }
}

/** Iterations per BFGS run: well-posed fits need a few dozen; more means a flat ridge (reported as not converged). */
const MAX_ITERATIONS = 200;

/** Consecutive steps beyond the bound after which a search is stopped. */
const STEPS_BEYOND_BOUND = 8;

/** Half-width of the search box around the start, in log units (a factor of 1e9 either way). */
const LOG_BOX = 9 * Math.LN10;

/** Whether every fitted parameter is a finite positive number (a fit that is not is never used). */
export function paramsFinite(fit: FitReport): boolean {
  return Object.values(fit.params).every((v) => Number.isFinite(v) && v > 0);
}

/** A shape beyond this factor from 1 (or a scale beyond it from the mean customer age) counts as run to a bound. */
export const PARAMETER_BOUND = 1e5;

type ProblemCode = 'optimizer-stopped' | 'parameter-at-bound' | 'singular-hessian' | 'nan-standard-errors';
const PROBLEM_TEXT: Record<ProblemCode, (names: string[]) => string> = {
  'optimizer-stopped': () => 'Not converged: the optimizer stopped before the gradient vanished.',
  'parameter-at-bound': (n) => `Not converged: ${n.join(', ')} ran to the bound (beyond ${PARAMETER_BOUND.toExponential(0)}× its natural scale); the data do not identify ${n.length > 1 ? 'them' : 'it'}.`,
  'singular-hessian': () => 'Not converged: the information matrix is singular; standard errors are not available.',
  'nan-standard-errors': (n) => `Not converged: the standard error of ${n.join(', ')} is not a number (flat likelihood).`,
};

/**
 * Why a maximum-likelihood fit cannot be trusted, if it cannot: the optimizer stopped early, a
 * parameter ran off towards 0 or ∞, or the observed information is singular or gives NaN standard errors.
 */
function convergenceProblems(
  names: string[],
  params: Record<string, number>,
  se: Record<string, number>,
  optimizerConverged: boolean,
  invertible: boolean,
  bounds?: { shapes: readonly string[]; scales: readonly string[]; scaleRef: number },
): { code: ProblemCode; names: string[] }[] {
  const out: { code: ProblemCode; names: string[] }[] = [];
  if (!optimizerConverged) out.push({ code: 'optimizer-stopped', names: [] });
  if (bounds) {
    const off = (v: number, ref: number) => !(v / ref < PARAMETER_BOUND && ref / v < PARAMETER_BOUND);
    const atBound = names.filter((n) => (bounds.shapes.includes(n) && off(params[n], 1)) || (bounds.scales.includes(n) && off(params[n], bounds.scaleRef)));
    if (atBound.length) out.push({ code: 'parameter-at-bound', names: atBound });
  }
  if (!invertible) out.push({ code: 'singular-hessian', names: [] });
  else {
    const nan = names.filter((n) => !Number.isFinite(se[n]));
    if (nan.length) out.push({ code: 'nan-standard-errors', names: nan });
  }
  return out;
}
