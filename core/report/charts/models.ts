/**
 * Model comparison: log-likelihood and BIC of each fitted purchase model (and the holdout error
 * when the run's model choice lists one). Reads `summary.models.choice.candidates` when present,
 * else the fits in the run.
 */
import type { FitReport, Locale, ScoreRun } from '../../types.ts';
import { base, tr, type Chart } from './common.ts';

export interface ModelRow { model: string; logLikelihood: number; bic: number; holdoutError: number | null; chosen: boolean }

const NAMES: Record<string, string> = { bgnbd: 'BG/NBD', paretoNbd: 'Pareto/NBD', paretonbd: 'Pareto/NBD', mbgnbd: 'MBG/NBD' };
const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

function bic(fit: FitReport): number {
  return Object.keys(fit.params).length * Math.log(Math.max(1, fit.customers)) - 2 * fit.logLikelihood;
}

/** The comparison rows: from `choice.candidates` (any of model/kind/name, logLikelihood, bic, holdout error) or from the fits. */
export function modelRows(run: ScoreRun | undefined, choice: unknown): ModelRow[] {
  const c = (choice ?? {}) as { chosen?: unknown; candidates?: unknown };
  if (Array.isArray(c.candidates) && c.candidates.length) {
    return c.candidates.flatMap((x: Record<string, unknown>) => {
      const key = String(x?.model ?? x?.kind ?? x?.name ?? '?');
      const ll = num(x?.logLikelihood);
      const b = num(x?.bic) ?? num(x?.BIC);
      if (ll === null && b === null) return [];
      const holdout = num(x?.holdoutError) ?? num(x?.holdoutMae) ?? num(x?.mae) ?? num((x?.holdout as Record<string, unknown> | undefined)?.mae);
      return [{ model: NAMES[key] ?? key, logLikelihood: ll ?? NaN, bic: b ?? NaN, holdoutError: holdout, chosen: key === c.chosen || x?.chosen === true }];
    });
  }
  if (!run) return [];
  const fits = (['bgnbd', 'paretoNbd', 'mbgnbd'] as const).flatMap((k) => { const f = run.models[k]; return f && Number.isFinite(f.logLikelihood) ? [[k, f] as [string, FitReport]] : []; });
  const best = fits.length ? Math.min(...fits.map(([, f]) => bic(f))) : NaN;
  return fits.map(([k, f]) => ({ model: NAMES[k] ?? k, logLikelihood: f.logLikelihood, bic: bic(f), holdoutError: null, chosen: bic(f) === best }));
}

export function modelChart(rows: ModelRow[], locale: Locale): Chart | null {
  const usable = rows.filter((r) => Number.isFinite(r.bic));
  if (usable.length < 1) return null;
  const best = usable.reduce((a, b) => (b.bic < a.bic ? b : a));
  const chosen = usable.find((r) => r.chosen);
  const values = usable.map((r) => ({ ...r, text: `BIC ${r.bic.toFixed(0)} · LL ${r.logLikelihood.toFixed(0)}${r.holdoutError !== null ? ` · ${tr(locale, 'holdout error', '验证误差')} ${r.holdoutError.toFixed(3)}` : ''}` }));
  const min = Math.min(...usable.map((r) => r.bic));
  const max = Math.max(...usable.map((r) => r.bic));
  const pad = Math.max(1, (max - min) * 0.5);
  const y = { field: 'model', type: 'nominal', title: null, sort: null };
  const x = { field: 'bic', type: 'quantitative', title: tr(locale, 'BIC (lower is better)', 'BIC（越低越好）'), scale: { domain: [min - pad, max + pad], zero: false } };
  return {
    id: 'models',
    title: tr(locale, 'Model comparison', '模型比较'),
    reading: chosen && chosen !== best && chosen.holdoutError !== null
      ? tr(locale,
        `${chosen.model} scores this run: it predicts the customers' own last months best (holdout error ${chosen.holdoutError.toFixed(3)}); ${best.model} has the lowest BIC.`,
        `本次评分使用 ${chosen.model}：它对客户最近几个月的预测最准（验证误差 ${chosen.holdoutError.toFixed(3)}）；BIC 最低的是 ${best.model}。`)
      : tr(locale,
        `${best.model} describes the purchases best (lowest BIC, ${best.bic.toFixed(0)}).`,
        `${best.model} 对购买行为的拟合最好（BIC 最低，${best.bic.toFixed(0)}）。`),
    spec: base({
      data: { values },
      height: Math.max(80, 36 * usable.length),
      layer: [
        { mark: { type: 'point', filled: true, size: 120 }, encoding: { y, x, color: { condition: { test: 'datum.chosen', value: '#10b981' }, value: '#1d4ed8' } } },
        { mark: { type: 'text', dy: -12, fontSize: 10, color: '#111827' }, encoding: { y, x, text: { field: 'text' } } },
      ],
    }),
  };
}
