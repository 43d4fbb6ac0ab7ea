/** Special functions the models need. Pure, no dependencies. */
import { predictionSteps } from './betamix.ts';

// Lanczos approximation, g = 7, n = 9: relative error below 1e-15 for positive arguments.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.9189385332046728;

/** log Γ(x) for x > 0 (reflection for x < 0.5 gives log |Γ(x)|). */
export function lgamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  x -= 1;
  let s = LANCZOS[0];
  for (let i = 1; i < 9; i++) s += LANCZOS[i] / (x + i);
  const t = x + 7.5;
  return HALF_LOG_2PI + (x + 0.5) * Math.log(t) - t + Math.log(s);
}

/** log B(a, b). */
export function lbeta(a: number, b: number): number {
  return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/** log(e^a + e^b) without overflow; −∞ terms are fine. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** log(e^a − e^b) for a ≥ b; −∞ when equal. */
export function logSubExp(a: number, b: number): number {
  if (b === -Infinity) return a;
  if (!(a > b)) return -Infinity;
  return a + Math.log(-Math.expm1(b - a));
}

/** log Σ e^{v_i}. */
export function logSumExp(values: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] > m) m = values[i];
  if (m === -Infinity || m === Infinity) return m;
  let s = 0;
  for (let i = 0; i < values.length; i++) s += Math.exp(values[i] - m);
  return m + Math.log(s);
}

const MAX_TERMS = 1_000_000;

/**
 * Gaussian hypergeometric ₂F₁(a, b; c; z) for 0 ≤ z < 1 by its power series.
 * Callers pick parameters (via Euler's transformation) so the terms shrink; the series then
 * converges geometrically with ratio → z.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (z === 0) return 1;
  if (!(z > 0 && z < 1)) {
    if (z < 0 && z > -1) return hyp2f1Series(a, b, c, z);
    // Pfaff: ₂F₁(a,b;c;z) = (1−z)^(−a) ₂F₁(a, c−b; c; z/(z−1)) maps z ≤ −1 into [1/2, 1).
    if (z <= -1) return Math.pow(1 - z, -a) * hyp2f1(a, c - b, c, z / (z - 1));
    return NaN;
  }
  return hyp2f1Series(a, b, c, z);
}

function hyp2f1Series(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < MAX_TERMS; n++) {
    term *= ((a + n) * (b + n)) / ((c + n) * (n + 1)) * z;
    sum += term;
    if (Math.abs(term) <= 1e-16 * Math.abs(sum) && n > 2) return sum;
    if (term === 0) return sum;
  }
  return sum;
}

/**
 * log ₂F₁(a, b; a + 1; z) for 0 ≤ z < 1 and b > 0, the form in the Pareto/NBD likelihood.
 * Euler's transformation gives (1 − z)^(1−b) Σ_n z^n Π_{k<n} (a + 1 − b + k)/(a + 1 + k): every
 * factor is below 1, so no term overflows however large a and b are.
 */
export function logHyp2f1APlus1(a: number, b: number, z: number): number {
  if (z === 0) return 0;
  let term = 1;
  let sum = 1;
  const c1 = a + 1 - b;
  // The Pareto/NBD always has b < a + 1; otherwise use the plain series.
  if (!(c1 > 0)) return Math.log(hyp2f1(a, b, a + 1, z));
  for (let n = 0; n < MAX_TERMS; n++) {
    term *= ((c1 + n) / (a + 1 + n)) * z;
    sum += term;
    if (term <= 1e-17 * sum) break;
  }
  return (1 - b) * Math.log1p(-z) + Math.log(sum);
}

/** Digamma ψ(x) = d/dx log Γ(x) for x > 0: recurrence up to x ≥ 10, then the asymptotic series. */
export function digamma(x: number): number {
  let acc = 0;
  while (x < 10) {
    acc -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  return acc + Math.log(x) - 0.5 / x - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))));
}

/**
 * The z-free factors of logHyp2f1APlus1WithGradient's terms for the last (a, b): 1/(c₁ + n),
 * 1/(c₁ + n) − 1/(a + 1 + n) and (c₁ + n)/(a + 1 + n). A Pareto/NBD likelihood pass asks for the
 * same (a, b) for every row of one frequency, at many z; the table saves three divisions per term
 * (the same numbers as computing them, so the same results).
 */
class SeriesCoefficients {
  a = NaN;
  b = NaN;
  length = 0;
  inv = new Float64Array(64);
  dInc = new Float64Array(64);
  ratio = new Float64Array(64);
  append(inv: number, dInc: number, ratio: number): void {
    if (this.length === this.inv.length) {
      const grow = (v: Float64Array) => {
        const g = new Float64Array(2 * v.length);
        g.set(v);
        return g;
      };
      this.inv = grow(this.inv);
      this.dInc = grow(this.dInc);
      this.ratio = grow(this.ratio);
    }
    this.inv[this.length] = inv;
    this.dInc[this.length] = dInc;
    this.ratio[this.length] = ratio;
    this.length++;
  }
}
/** Longest table kept: beyond it (z near 1, up to a million terms) the factors are computed as they are used. */
const COEFFICIENTS_MAX = 4096;
const coefficients = new SeriesCoefficients();
function seriesCoefficients(a: number, b: number): SeriesCoefficients {
  if (!(Object.is(coefficients.a, a) && Object.is(coefficients.b, b))) {
    coefficients.a = a;
    coefficients.b = b;
    coefficients.length = 0;
  }
  return coefficients;
}

/** Outputs of logHyp2f1APlus1WithGradient, in module scope so hot loops allocate nothing. */
export const hypOut = { value: 0, dA: 0, dB: 0, dZ: 0 };

/**
 * log ₂F₁(a, b; a + 1; z) and its partial derivatives in a, b and z (written to `hypOut`), for
 * 0 ≤ z < 1 and 0 < b < a + 1. Same Euler-transformed series as logHyp2f1APlus1, differentiated
 * term by term: log t_n = Σ_{k<n} [log(c₁ + k) − log(a + 1 + k)] + n log z with c₁ = a + 1 − b.
 */
export function logHyp2f1APlus1WithGradient(a: number, b: number, z: number): void {
  const c1 = a + 1 - b;
  let term = 1;
  let sum = 1;
  let sumDa = 0;
  let sumDb = 0;
  let sumN = 0;
  // Running d log t_n / da and d log t_n / db.
  let da = 0;
  let db = 0;
  const k = seriesCoefficients(a, b);
  if (z > 0) {
    for (let n = 0; n < 1_000_000; n++) {
      let inv: number, dInc: number, ratio: number;
      if (n < k.length) (inv = k.inv[n]), (dInc = k.dInc[n]), (ratio = k.ratio[n]);
      else {
        inv = 1 / (c1 + n);
        dInc = inv - 1 / (a + 1 + n);
        ratio = (c1 + n) / (a + 1 + n);
        if (n === k.length && n < COEFFICIENTS_MAX) k.append(inv, dInc, ratio);
      }
      da += dInc;
      db -= inv;
      term *= ratio * z;
      sum += term;
      sumDa += term * da;
      sumDb += term * db;
      sumN += term * (n + 1);
      predictionSteps.count++;
      if (term <= 1e-17 * sum) break;
    }
  }
  const log1mz = Math.log1p(-z);
  hypOut.value = (1 - b) * log1mz + Math.log(sum);
  hypOut.dA = sumDa / sum;
  hypOut.dB = -log1mz + sumDb / sum;
  // Σ n t_n / z, whose limit at z = 0 is the first term's coefficient c₁/(a + 1).
  hypOut.dZ = -(1 - b) / (1 - z) + (z > 0 ? sumN / z / sum : c1 / (a + 1));
}
