/** The customer pyramid: tiers as stacked trapezoids, top tier first, with customers, revenue and CLV shares. */
import type { Locale, ScoreRun } from '../../types.ts';
import { base, pct, tr, type Chart } from './common.ts';

export function pyramidChart(run: ScoreRun, locale: Locale): Chart | null {
  const tiers = run.tiers;
  const k = tiers.length;
  if (!k) return null;
  const total = tiers.reduce((s, t) => s + t.customers, 0) || 1;
  // Tier i spans y ∈ [i, i + 0.92]; its half-width grows from (i + 0.5)/k to (i + 1.5)/k.
  const shape = tiers.flatMap((t, i) => [i, i + 0.92].map((y, j) => {
    const w = (i + 0.5 + j) / (k + 0.5);
    return { tier: t.label[locale], order: i, y, left: -w, right: w };
  }));
  const labels = tiers.map((t, i) => ({
    tier: t.label[locale], y: i + 0.46,
    facts: tr(locale,
      `${t.customers.toLocaleString('en')} customers (${pct(t.customers / total)}) · revenue ${pct(t.revenueShare)} · CLV ${pct(t.clvShare)}`,
      `${t.customers.toLocaleString('en')} 位客户（${pct(t.customers / total)}）· 收入 ${pct(t.revenueShare)} · CLV ${pct(t.clvShare)}`),
  }));
  const top = tiers[0];
  const y = { field: 'y', type: 'quantitative', scale: { domain: [0, k], reverse: true }, axis: null };
  return {
    id: 'pyramid',
    title: tr(locale, 'Customer pyramid', '客户金字塔'),
    reading: tr(locale,
      `The top tier (${top.label.en}) is ${pct(top.customers / total)} of customers and brings ${pct(top.revenueShare)} of revenue and ${pct(top.clvShare)} of expected lifetime value.`,
      `顶层（${top.label['zh-CN']}）占客户的 ${pct(top.customers / total)}，贡献 ${pct(top.revenueShare)} 的收入和 ${pct(top.clvShare)} 的预期终身价值。`),
    spec: base({
      height: Math.max(160, 48 * k),
      layer: [
        {
          data: { values: shape },
          mark: { type: 'area', orient: 'horizontal', opacity: 0.9 },
          encoding: {
            y,
            x: { field: 'left', type: 'quantitative', scale: { domain: [-1, 1] }, axis: null },
            x2: { field: 'right' },
            color: { field: 'tier', type: 'nominal', sort: { field: 'order' }, legend: null, scale: { range: ['#fcd34d', '#93c5fd', '#6ee7b7', '#fca5a5', '#c4b5fd', '#7dd3fc', '#d9f99d'] } },
            detail: { field: 'tier' },
          },
        },
        {
          data: { values: labels },
          mark: { type: 'text', fontWeight: 'bold', fontSize: 12, dy: -7, color: '#111827' },
          encoding: { y, x: { datum: 0, type: 'quantitative' }, text: { field: 'tier' } },
        },
        {
          data: { values: labels },
          mark: { type: 'text', fontSize: 10, dy: 8, color: '#111827' },
          encoding: { y, x: { datum: 0, type: 'quantitative' }, text: { field: 'facts' } },
        },
      ],
    }),
  };
}
