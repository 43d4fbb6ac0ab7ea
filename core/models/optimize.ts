/**
 * Quasi-Newton minimizer (BFGS with a backtracking line search; analytic gradient when the caller
 * has one, central differences otherwise). Written here because the installed `fmin` 0.0.4 exports
 * nothing when loaded as an ES module under Node 20 (its UMD build sits in a "type": "module"
 * package); bench/models.bench.ts compares it with a plain Nelder–Mead simplex on the same
 * likelihood (BFGS with the analytic gradient needs about a tenth of the likelihood evaluations).
 */

export interface MinimizeResult {
  x: number[];
  fx: number;
  iterations: number;
  converged: boolean;
}

export interface MinimizeOptions {
  maxIterations?: number;
  /** Stop when the largest gradient component is below this. */
  gradientTolerance?: number;
  /** Analytic gradient of f, written into `out`; central differences when absent. */
  gradient?: (x: number[], out: number[]) => void;
  /** Checked after every accepted step: true ends the search (reported as not converged). */
  shouldStop?: (x: number[]) => boolean;
}

export function numericGradient(f: (x: number[]) => number, x: number[], fx: number, out: number[]): void {
  const p = x.slice();
  for (let i = 0; i < x.length; i++) {
    const h = 1e-6 * Math.max(1, Math.abs(x[i]));
    p[i] = x[i] + h;
    const up = f(p);
    p[i] = x[i] - h;
    const down = f(p);
    p[i] = x[i];
    out[i] = Number.isFinite(up) && Number.isFinite(down) ? (up - down) / (2 * h) : Number.isFinite(up) ? (up - fx) / h : (fx - down) / h;
  }
}

/** Minimizes f from x0. Non-finite values of f are treated as walls (the line search backs off). */
export function minimizeBfgs(f: (x: number[]) => number, x0: number[], opts: MinimizeOptions = {}): MinimizeResult {
  const n = x0.length;
  const maxIterations = opts.maxIterations ?? 500;
  const gtol = opts.gradientTolerance ?? 1e-7;
  let x = x0.slice();
  let fx = f(x);
  if (!Number.isFinite(fx)) return { x, fx, iterations: 0, converged: false };
  let g = new Array<number>(n).fill(0);
  if (opts.gradient) opts.gradient(x, g);
  else numericGradient(f, x, fx, g);
  // Inverse Hessian approximation, starting from the identity.
  let H = identity(n);
  const gNew = new Array<number>(n).fill(0);
  for (let it = 1; it <= maxIterations; it++) {
    if (maxAbs(g) < gtol) return { x, fx, iterations: it - 1, converged: true };
    let d = matVec(H, g).map((v) => -v);
    let slope = dot(g, d);
    if (!(slope < 0)) {
      H = identity(n);
      d = g.map((v) => -v);
      slope = dot(g, d);
    }
    // Backtracking (Armijo) line search, with the step capped so log-parameters move at most 5 per step.
    let step = Math.min(1, 5 / Math.max(1e-300, maxAbs(d)));
    let xNew = x;
    let fNew = Infinity;
    for (let k = 0; k < 60; k++) {
      xNew = x.map((v, i) => v + step * d[i]);
      fNew = f(xNew);
      if (Number.isFinite(fNew) && fNew <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(Number.isFinite(fNew) && fNew <= fx)) {
      // No progress along d: retry once as steepest descent, otherwise we are at the optimum to working precision.
      if (!isIdentity(H)) {
        H = identity(n);
        continue;
      }
      return { x, fx, iterations: it, converged: maxAbs(g) < gtol * 1e3 };
    }
    if (opts.gradient) opts.gradient(xNew, gNew);
    else numericGradient(f, xNew, fNew, gNew);
    const s = xNew.map((v, i) => v - x[i]);
    const y = gNew.map((v, i) => v - g[i]);
    const sy = dot(s, y);
    const progress = fx - fNew;
    x = xNew;
    fx = fNew;
    g = gNew.slice();
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) H = bfgsUpdate(H, s, y, sy);
    if (opts.shouldStop?.(x)) return { x, fx, iterations: it, converged: false };
    if (progress <= 1e-15 * Math.max(1, Math.abs(fx)) && maxAbs(s) < 1e-10) {
      return { x, fx, iterations: it, converged: maxAbs(g) < gtol * 1e3 };
    }
  }
  return { x, fx, iterations: maxIterations, converged: maxAbs(g) < gtol };
}

function bfgsUpdate(H: number[][], s: number[], y: number[], sy: number): number[][] {
  const n = s.length;
  const rho = 1 / sy;
  const Hy = matVec(H, y);
  const yHy = dot(y, Hy);
  const out = identity(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      out[i][j] = H[i][j] - rho * (Hy[i] * s[j] + s[i] * Hy[j]) + (rho * rho * yHy + rho) * s[i] * s[j];
    }
  }
  return out;
}

/** Plain Nelder–Mead simplex, kept as the benchmark's comparison point. */
export function minimizeNelderMead(f: (x: number[]) => number, x0: number[], maxIterations = 4000, tol = 1e-10): MinimizeResult {
  const n = x0.length;
  const pts: number[][] = [x0.slice()];
  for (let i = 0; i < n; i++) {
    const p = x0.slice();
    p[i] += 0.1;
    pts.push(p);
  }
  let vals = pts.map((p) => finiteOr(f(p)));
  for (let it = 1; it <= maxIterations; it++) {
    const idx = vals.map((_, i) => i).sort((a, b) => vals[a] - vals[b] || a - b);
    const sorted = idx.map((i) => pts[i]);
    vals = idx.map((i) => vals[i]);
    pts.splice(0, pts.length, ...sorted);
    if (Math.abs(vals[n] - vals[0]) <= tol * (1 + Math.abs(vals[0]))) return { x: pts[0], fx: vals[0], iterations: it, converged: true };
    const c = new Array<number>(n).fill(0);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) c[i] += pts[k][i] / n;
    const at = (t: number) => c.map((v, i) => v + t * (pts[n][i] - v));
    const r = at(-1);
    const fr = finiteOr(f(r));
    if (fr < vals[0]) {
      const e = at(-2);
      const fe = finiteOr(f(e));
      if (fe < fr) [pts[n], vals[n]] = [e, fe];
      else [pts[n], vals[n]] = [r, fr];
    } else if (fr < vals[n - 1]) {
      [pts[n], vals[n]] = [r, fr];
    } else {
      const k = fr < vals[n] ? at(-0.5) : at(0.5);
      const fk = finiteOr(f(k));
      if (fk < Math.min(fr, vals[n])) [pts[n], vals[n]] = [k, fk];
      else {
        for (let j = 1; j <= n; j++) {
          pts[j] = pts[j].map((v, i) => pts[0][i] + 0.5 * (v - pts[0][i]));
          vals[j] = finiteOr(f(pts[j]));
        }
      }
    }
  }
  return { x: pts[0], fx: vals[0], iterations: maxIterations, converged: false };
}

function finiteOr(v: number): number {
  return Number.isFinite(v) ? v : Number.MAX_VALUE;
}

/** Central-difference Hessian of f at x (steps relative to each coordinate). */
export function numericHessian(f: (x: number[]) => number, x: number[]): number[][] {
  const n = x.length;
  const h = x.map((v) => 1e-4 * Math.max(Math.abs(v), 1e-3));
  const H = identity(n);
  const p = x.slice();
  const at = (i: number, di: number, j: number, dj: number) => {
    p[i] += di;
    p[j] += dj;
    const v = f(p);
    p[i] = x[i];
    p[j] = x[j];
    return v;
  };
  const f0 = f(x);
  for (let i = 0; i < n; i++) {
    H[i][i] = (at(i, h[i], i, 0) - 2 * f0 + at(i, -h[i], i, 0)) / (h[i] * h[i]);
    for (let j = 0; j < i; j++) {
      const v = (at(i, h[i], j, h[j]) - at(i, h[i], j, -h[j]) - at(i, -h[i], j, h[j]) + at(i, -h[i], j, -h[j])) / (4 * h[i] * h[j]);
      H[i][j] = v;
      H[j][i] = v;
    }
  }
  return H;
}

/** Inverse of a small symmetric matrix by Gauss–Jordan with partial pivoting; null when singular. */
export function invert(A: number[][]): number[][] | null {
  const n = A.length;
  const M = A.map((row, i) => [...row, ...identity(n)[i]]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[piv][c])) piv = r;
    if (!(Math.abs(M[piv][c]) > 1e-300) || !Number.isFinite(M[piv][c])) return null;
    [M[c], M[piv]] = [M[piv], M[c]];
    const d = M[c][c];
    for (let k = 0; k < 2 * n; k++) M[c][k] /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const m = M[r][c];
      if (m !== 0) for (let k = 0; k < 2 * n; k++) M[r][k] -= m * M[c][k];
    }
  }
  return M.map((row) => row.slice(n));
}

function identity(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}
function isIdentity(H: number[][]): boolean {
  return H.every((row, i) => row.every((v, j) => v === (i === j ? 1 : 0)));
}
function matVec(H: number[][], v: number[]): number[] {
  return H.map((row) => dot(row, v));
}
function dot(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
function maxAbs(a: number[]): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}
