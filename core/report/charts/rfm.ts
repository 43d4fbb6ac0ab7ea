/** RFM grid: recency score × frequency score, customers per cell and mean monetary score. */
import type { Locale } from '../../types.ts';
import { base, pct, tr, type Chart } from './common.ts';

export interface RfmCell { r: number; f: number; customers: number; meanM: number; revenue: number }

export function rfmChart(cells: RfmCell[], locale: Locale): Chart | null {
  if (!cells.length) return null;
  const total = cells.reduce((s, c) => s + c.customers, 0) || 1;
  const best = cells.filter((c) => c.r >= 4 && c.f >= 4).reduce((s, c) => s + c.customers, 0);
  const lost = cells.filter((c) => c.r <= 2 && c.f <= 2).reduce((s, c) => s + c.customers, 0);
  const values = cells.map((c) => ({ ...c, text: `${c.customers}\nM ${c.meanM.toFixed(1)}`, label: `${c.customers.toLocaleString('en')} · M ${c.meanM.toFixed(1)}` }));
  const x = { field: 'r', type: 'ordinal', title: tr(locale, 'R score (5 = bought most recently)', 'R 得分（5 = 最近购买）') };
  const y = { field: 'f', type: 'ordinal', sort: 'descending', title: tr(locale, 'F score (5 = buys most often)', 'F 得分（5 = 购买最频繁）') };
  return {
    id: 'rfm',
    title: tr(locale, 'RFM grid: recency × frequency', 'RFM 网格：最近购买 × 购买频次'),
    reading: tr(locale,
      `${pct(best / total)} of customers bought recently and often (R and F ≥ 4); ${pct(lost / total)} neither (R and F ≤ 2).`,
      `${pct(best / total)} 的客户近期且频繁购买（R、F ≥ 4）；${pct(lost / total)} 的客户两者皆无（R、F ≤ 2）。`),
    spec: base({
      data: { values },
      height: 300,
      layer: [
        {
          mark: { type: 'rect', stroke: 'white', strokeWidth: 2 },
          encoding: { x, y, color: { field: 'customers', type: 'quantitative', scale: { scheme: 'blues' }, title: tr(locale, 'customers', '客户数') } },
        },
        {
          mark: { type: 'text', fontSize: 10 },
          encoding: {
            x, y, text: { field: 'label' },
            color: { condition: { test: `datum.customers > ${0.6 * Math.max(...cells.map((c) => c.customers))}`, value: 'white' }, value: '#111827' },
          },
        },
      ],
    }),
  };
}
