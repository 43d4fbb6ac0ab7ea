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
): FitReport {
  const scale = 1 / Math.max(1, customers);
  const objective = (z: number[]) => {
    const v = logLik(z.map(Math.exp));
    return Number.isFinite(v) ? -v * scale : Infinity;
  };
  const gradient = logLikGradient
    ? (z: number[], out: number[]) => {
        logLikGradient(z.map(Math.exp), out);
        for (let i = 0; i < out.length; i++) out[i] *= -scale;
      }
    : undefined;
  const first = minimizeBfgs(objective, start.map(Math.log), { gradient });
  const second = minimizeBfgs(objective, first.x, { gradient });
  const best = second.fx <= first.fx ? second : first;
  const theta = best.x.map(Math.exp);
  const ll = logLik(theta);
  const params: Record<string, number> = {};
  const standardErrors: Record<string, number> = {};
  names.forEach((n, i) => (params[n] = theta[i]));
  const H = logLikGradient ? hessianFromGradient(logLikGradient, theta) : numericHessian(logLik, theta);
  const cov = invert(H.map((row) => row.map((v) => -v)));
  names.forEach((n, i) => {
    const v = cov ? cov[i][i] : NaN;
    standardErrors[n] = v > 0 ? Math.sqrt(v) : NaN;
  });
  const converged = first.converged || second.converged;
  if (!converged) warnings.push('The optimizer stopped before the gradient vanished; estimates may be imprecise.');
  if (!cov) warnings.push('The information matrix is singular; standard errors are not available.');
  return {
    params,
    logLikelihood: ll,
    converged,
    iterations: first.iterations + second.iterations,
    standardErrors,
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
