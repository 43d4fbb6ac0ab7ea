/** Period retention and churn rate over time; a still-running period is drawn hollow. */
import type { Locale, PeriodRate } from '../../types.ts';
import { base, pct, tr, type Chart } from './common.ts';

export const MAX_PERIODS = 60;

export function periodChart(periods: PeriodRate[], locale: Locale): Chart | null {
  const rows = periods.filter((p) => p.active > 0).slice(-MAX_PERIODS);
  if (!rows.length) return null;
  const rLabel = tr(locale, 'retention', '留存率');
  const cLabel = tr(locale, 'churn', '流失率');
  const values = rows.flatMap((p) => [
    { period: p.period, rate: p.retention, kind: rLabel, partial: p.partial },
    { period: p.period, rate: p.churn, kind: cLabel, partial: p.partial },
  ]);
  const last = [...rows].reverse().find((p) => !p.partial);
  const x = { field: 'period', type: 'ordinal', sort: null, title: tr(locale, 'period', '期间'), axis: { labelAngle: -45, labelOverlap: true } };
  const y = { field: 'rate', type: 'quantitative', axis: { format: '.0%' }, scale: { domain: [0, 1] }, title: null };
  const color = { field: 'kind', type: 'nominal', scale: { range: ['#10b981', '#ef4444'] }, title: null };
  return {
    id: 'periods',
    title: tr(locale, 'Retention and churn by period', '各期留存率与流失率'),
    reading: last
      ? tr(locale,
        `Of the customers active in ${last.period}, ${pct(last.retention)} bought again in the next period and ${pct(last.churn)} did not.`,
        `${last.period} 活跃的客户中，${pct(last.retention)} 在下一期再次购买，${pct(last.churn)} 没有。`)
      : tr(locale, 'No complete period yet.', '尚无完整的期间。'),
    spec: base({
      data: { values },
      layer: [
        { mark: { type: 'line' }, encoding: { x, y, color } },
        { mark: { type: 'point', size: 30 }, encoding: { x, y, color, fill: { condition: { test: 'datum.partial', value: 'white' }, field: 'kind', type: 'nominal', legend: null, scale: { range: ['#10b981', '#ef4444'] } } } },
      ],
    }),
  };
}
