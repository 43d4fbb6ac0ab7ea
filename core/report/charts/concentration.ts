/** The concentration (Pareto / Lorenz) curve of revenue, with the 80/20 point marked. */
import type { Locale } from '../../types.ts';
import { base, pct, tr, type Chart } from './common.ts';

export function concentrationChart(curve: { topPercent: number; share: number }[], locale: Locale): Chart | null {
  if (curve.length < 2) return null;
  const at20 = curve.find((p) => p.topPercent === 20)?.share ?? 0;
  const points = curve.map((p) => ({ x: p.topPercent / 100, share: p.share }));
  const equal = [{ x: 0, share: 0 }, { x: 1, share: 1 }];
  const mark = [{ x: 0.2, share: at20, zero: 0, text: tr(locale, `top 20% → ${pct(at20)}`, `前 20% → ${pct(at20)}`) }];
  const x = { field: 'x', type: 'quantitative', title: tr(locale, 'share of customers, most valuable first', '客户占比（价值从高到低）'), axis: { format: '.0%' } };
  const y = { field: 'share', type: 'quantitative', title: tr(locale, 'share of revenue', '收入占比'), axis: { format: '.0%' }, scale: { domain: [0, 1] } };
  return {
    id: 'concentration',
    title: tr(locale, 'Revenue concentration (80/20)', '收入集中度（二八法则）'),
    reading: tr(locale,
      `The top 20% of customers bring ${pct(at20)} of revenue.`,
      `前 20% 的客户贡献了 ${pct(at20)} 的收入。`),
    spec: base({
      layer: [
        { data: { values: equal }, mark: { type: 'line', strokeDash: [4, 4], color: '#9ca3af' }, encoding: { x, y } },
        { data: { values: points }, mark: { type: 'line', color: '#1d4ed8', strokeWidth: 2 }, encoding: { x, y } },
        { data: { values: mark }, mark: { type: 'rule', strokeDash: [2, 2], color: '#ef4444' }, encoding: { x, y: { field: 'zero', type: 'quantitative' }, y2: { field: 'share' } } },
        { data: { values: mark }, mark: { type: 'point', filled: true, size: 60, color: '#ef4444' }, encoding: { x, y } },
        { data: { values: mark }, mark: { type: 'text', align: 'left', dx: 6, dy: 12, color: '#b91c1c', fontWeight: 'bold' }, encoding: { x, y, text: { field: 'text' } } },
      ],
    }),
  };
}
