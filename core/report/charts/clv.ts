/** CLV distribution: customers per CLV bin (the last bin holds everything above the 99th percentile). */
import type { Locale } from '../../types.ts';
import { amount, base, tr, type Chart } from './common.ts';

export interface ClvBin { start: number; end: number; customers: number; open: boolean }

export function clvChart(bins: ClvBin[], median: number, p90: number, locale: Locale): Chart | null {
  if (!bins.length) return null;
  return {
    id: 'clv',
    title: tr(locale, 'Customer lifetime value (CLV) distribution', '客户终身价值（CLV）分布'),
    reading: tr(locale,
      `Half of the customers have an expected CLV below ${amount(median)}; the top 10% are above ${amount(p90)}.`,
      `一半客户的预期 CLV 低于 ${amount(median)}；前 10% 的客户高于 ${amount(p90)}。`),
    spec: base({
      data: { values: bins },
      mark: { type: 'bar', color: '#1d4ed8', binSpacing: 1 },
      encoding: {
        x: { field: 'start', type: 'quantitative', bin: { binned: true }, title: 'CLV' },
        x2: { field: 'end' },
        y: { field: 'customers', type: 'quantitative', title: tr(locale, 'customers', '客户数') },
        opacity: { condition: { test: 'datum.open', value: 0.55 }, value: 1 },
      },
    }),
  };
}
