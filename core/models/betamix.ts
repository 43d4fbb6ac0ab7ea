/**
 * The BG/NBD family's expected purchases while alive, in bounded time for any finite parameters.
 *
 * Given alive at T, a customer's purchase rate is λ ~ Gamma(k, α+T) (k = r + x) and their drop-out
 * probability p ~ Beta(a, b′) (b′ = b + x for BG/NBD, b + x + 1 for MBG/NBD). Given (λ, p),
 * E[X(t)] = (1 − e^(−λpt))/p (Fader, Hardie & Lee 2005, eq. 7); integrating λ out leaves
 *
 *   E[X(t) | alive] = E_p[h(p)],   h(p) = (1 − (1 + p·u)^(−k)) / p,   u = t / (α + T),
 *
 * which is the paper's eq. 10 factor (a+b+x−1)/(a−1)·[1 − (…)^(r+x) ₂F₁(…)] in another form. Three ways
 * to compute it, chosen by cost (each has a fixed bound on its number of steps):
 * - the Euler-transformed ₂F₁ series where it converges in a few hundred terms (CDNOW-like fits);
 * - Gauss–Hermite on the logit of p when Beta(a, b′) is concentrated (a, b′ ≥ 1000: the limit
 *   a, b → ∞ with a/(a+b) fixed, where drop-out is the same for everyone);
 * - Gauss–Legendre panels on the logit of p elsewhere, with the far tails (p → 0, p → 1, where h is
 *   constant to first order) integrated in closed form.
 * The old series alone needed up to a million terms there and, cut short, returned wrong values.
 */
import { gaussHermite, gaussLegendre } from './quadrature.ts';

/** Terms and nodes evaluated by the prediction functions; tests assert a budget per call. */
export const predictionSteps = { count: 0 };

const SERIES_MAX_TERMS = 400;
const GH = gaussHermite(16);
const GL = gaussLegendre(16);
const MAX_PANELS = 96;
/** Beta(a, b′) counts as concentrated (Gauss–Hermite) when both shapes reach this. */
const CONCENTRATED = 1000;

/** E_{p ~ Beta(a, bPost)}[(1 − (1 + p·u)^(−k)) / p] for a, bPost, k > 0 and u ≥ 0. */
export function betaMixtureExpectation(a: number, bPost: number, k: number, u: number): number {
  if (!(u > 0)) return 0;
  if (u <= 4 && a * u <= 50 && k * u >= 1e-3 && k <= 1e3 && bPost <= 1e4 && Math.abs(a - 1) >= 1e-3) {
    const v = bySeries(a, bPost, k, u);
    if (v !== undefined) return v;
  }
  if (a >= CONCENTRATED && bPost >= CONCENTRATED) return byGaussHermite(a, bPost, k, u);
  return betaMixtureByPanels(a, bPost, k, u);
}

/**
 * (C/(a−1))·[1 − (1+u)^(−(a−1)) ₂F₁(C−k, a−1; C; u/(1+u))] with C = a + b′ − 1: eq. 10 after Euler's
 * transformation. Undefined when it would need more than SERIES_MAX_TERMS terms or cancel badly.
 */
function bySeries(a: number, bPost: number, k: number, u: number): number | undefined {
  const z = u / (1 + u);
  const C = a + bPost - 1;
  if (a !== ratioA || bPost !== ratioB || k !== ratioK) {
    ratioA = a;
    ratioB = bPost;
    ratioK = k;
    ratiosFilled = 0;
  }
  let term = 1;
  let sum = 1;
  let biggest = 1;
  for (let n = 0; n < SERIES_MAX_TERMS; n++) {
    if (n === ratiosFilled) ratios[ratiosFilled++] = ((C - k + n) * (a - 1 + n)) / ((C + n) * (n + 1));
    term *= ratios[n] * z;
    sum += term;
    const m = Math.abs(term);
    if (m > biggest) biggest = m;
    if (m <= 1e-17 * Math.abs(sum)) {
      predictionSteps.count += n + 1;
      if (biggest > 1e6 * Math.abs(sum)) return undefined; // cancellation would eat the digits
      const tail = Math.exp(-(a - 1) * Math.log1p(u)) * sum;
      return (C / (a - 1)) * (1 - tail);
    }
  }
  predictionSteps.count += SERIES_MAX_TERMS;
  return undefined;
}

/*
 * The series' term ratios without z, ((A + n)(B + n)) / ((C + n)(n + 1)) with A = C − k, B = a − 1,
 * depend on (a, b′, k) only. A customer's E[X(t)] is asked at every t of the horizon (CLV's
 * discounted sum, each interval draw), so the ratios of the last (a, b′, k) are kept and extended as
 * far as a call needs: the same doubles as computing them in the loop, with fewer operations a term.
 */
const ratios = new Float64Array(SERIES_MAX_TERMS);
let ratioA = NaN, ratioB = NaN, ratioK = NaN, ratiosFilled = 0;

/** h(p) = (1 − (1 + p·u)^(−k)) / p, accurate for tiny p·u. */
function h(p: number, k: number, u: number): number {
  return -Math.expm1(-k * Math.log1p(p * u)) / p;
}

/**
 * Log-density of y = logit(p), p ~ Beta(a, b′), without its normalizing constant: a·log p + b′·log(1−p)
 * = −a·softplus(−y) − b′·softplus(y), softplus(v) = log(1 + e^v). Both terms are built from the one L = log(1 + e^(−|y|)):
 * softplus(|y|) = |y| + L and softplus(−|y|) = L, the operations a separate softplus would do, so the bits are
 * the same with one exp and one log1p instead of two each. `expNegAbs` keeps e^(−|y|) for the caller.
 */
let expNegAbs = 0;
function logDensity(a: number, bPost: number, y: number): number {
  if (y > 0) {
    const L = Math.log1p((expNegAbs = Math.exp(-y)));
    return -a * L - bPost * (y + L);
  }
  const L = Math.log1p((expNegAbs = Math.exp(y)));
  return -a * (-y + L) - bPost * L;
}

const logistic = (y: number) => 1 / (1 + Math.exp(-y));

/** Gauss–Hermite around the mode of the logit density, normalized by the same nodes. */
function byGaussHermite(a: number, bPost: number, k: number, u: number): number {
  const mode = Math.log(a) - Math.log(bPost);
  const sd = Math.sqrt(1 / a + 1 / bPost);
  const top = logDensity(a, bPost, mode);
  let num = 0;
  let den = 0;
  for (let i = 0; i < GH.nodes.length; i++) {
    predictionSteps.count++;
    const xi = GH.nodes[i];
    const y = mode + Math.SQRT2 * sd * xi;
    const w = GH.weights[i] * Math.exp(xi * xi + logDensity(a, bPost, y) - top);
    num += w * h(logistic(y), k, u);
    den += w;
  }
  return num / den;
}

/**
 * Gauss–Legendre panels over the part of the logit axis that carries the mass, plus the two tails in
 * closed form (first order in p on the left, in 1 − p on the right; the dropped terms are below 1e−17).
 */
export function betaMixtureByPanels(a: number, bPost: number, k: number, u: number): number {
  const yL = -Math.log(Math.max(a + bPost, (k + 1) * u, 1)) - 21;
  const yR = Math.log(Math.max(a + bPost, k + 1, 1)) + 21;
  const ym = Math.min(yR, Math.max(yL, Math.log(a) - Math.log(bPost)));
  const top = logDensity(a, bPost, ym);
  // Mass where the density is e^−D below its top (h varies by at most a factor 1 + ku) is negligible.
  const D = 36 + Math.log1p(k * u);
  const y1 = logDensity(a, bPost, yL) >= top - D ? yL : crossing(a, bPost, yL, ym, top - D);
  const y2 = logDensity(a, bPost, yR) >= top - D ? yR : crossing(a, bPost, yR, ym, top - D);
  const panels = Math.min(MAX_PANELS, Math.max(1, Math.ceil(D / 3) + Math.ceil((y2 - y1) / 4)));
  const width = (y2 - y1) / panels;
  let num = 0;
  let den = 0;
  for (let j = 0; j < panels; j++) {
    const mid = y1 + (j + 0.5) * width;
    for (let i = 0; i < GL.nodes.length; i++) {
      predictionSteps.count++;
      const y = mid + 0.5 * width * GL.nodes[i];
      const w = GL.weights[i] * Math.exp(logDensity(a, bPost, y) - top);
      // logistic(y) = 1 / (1 + e^(−y)); for y > 0, e^(−y) is the e^(−|y|) logDensity just computed.
      num += w * h(1 / (1 + (y > 0 ? expNegAbs : Math.exp(-y))), k, u);
      den += w;
    }
  }
  num *= 0.5 * width;
  den *= 0.5 * width;
  if (y1 === yL) {
    // ∫_{−∞}^{yL} e^(a·y)(1 − (a+b′)e^y)·k·u·(1 − (k+1)·u·e^y/2) dy
    const e0 = Math.exp(a * yL - top) / a;
    const e1 = Math.exp((a + 1) * yL - top) / (a + 1);
    num += k * u * (e0 - (a + bPost + ((k + 1) * u) / 2) * e1);
    den += e0 - (a + bPost) * e1;
  }
  if (y2 === yR) {
    // ∫_{yR}^{∞} e^(−b′·y)(1 − (a+b′)e^−y)·(h(1) − h′(1)·e^−y) dy
    const h1 = -Math.expm1(-k * Math.log1p(u));
    const dh1 = k * u * Math.exp(-(k + 1) * Math.log1p(u)) - h1;
    const f0 = Math.exp(-bPost * yR - top) / bPost;
    const f1 = Math.exp(-(bPost + 1) * yR - top) / (bPost + 1);
    num += h1 * f0 - (dh1 + (a + bPost) * h1) * f1;
    den += f0 - (a + bPost) * f1;
  }
  return num / den;
}

/** The y between `from` and `mode` where the (concave) log-density equals `level`, by bisection. */
function crossing(a: number, bPost: number, from: number, mode: number, level: number): number {
  let outside = from;
  let inside = mode;
  for (let i = 0; i < 50; i++) {
    predictionSteps.count++;
    const mid = 0.5 * (outside + inside);
    if (logDensity(a, bPost, mid) >= level) inside = mid;
    else outside = mid;
  }
  return outside;
}
