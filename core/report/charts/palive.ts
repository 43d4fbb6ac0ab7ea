/** The probability-alive matrix: mean P(alive) by repeat frequency and recency. */
import type { Locale, TimeUnit } from '../../types.ts';
import { base, pct, tr, type Chart } from './common.ts';

export interface PAliveCell { frequency: number; recency: number; recencyEnd: number; customers: number; meanPAlive: number }

const UNIT: Record<TimeUnit, [string, string]> = { day: ['days', '天'], week: ['weeks', '周'], month: ['months', '月'] };

export function pAliveChart(cells: PAliveCell[], timeUnit: TimeUnit, locale: Locale): Chart | null {
  if (!cells.length) return null;
  const n = cells.reduce((s, c) => s + c.customers, 0) || 1;
  const mean = cells.reduce((s, c) => s + c.customers * c.meanPAlive, 0) / n;
  const low = cells.filter((c) => c.meanPAlive < 0.5).reduce((s, c) => s + c.customers, 0);
  const [en, zh] = UNIT[timeUnit];
  const values = cells.map((c) => ({ ...c, f: c.frequency >= 10 ? '10+' : String(c.frequency), r: `${c.recency}–${c.recencyEnd}` }));
  return {
    id: 'palive',
    title: tr(locale, 'Probability alive by frequency and recency', '按频次与最近购买的活跃概率'),
    reading: tr(locale,
      `Customers are on average ${pct(mean)} likely to still be active; ${pct(low / n)} sit in cells below 50%.`,
      `客户平均仍活跃的概率为 ${pct(mean)}；${pct(low / n)} 的客户所在格子低于 50%。`),
    spec: base({
      data: { values },
      height: 280,
      mark: { type: 'rect' },
      encoding: {
        x: { field: 'r', type: 'ordinal', sort: { field: 'recency' }, title: tr(locale, `recency: first to last purchase (${en})`, `首末购买间隔（${zh}）`), axis: { labelAngle: -45 } },
        y: { field: 'f', type: 'ordinal', sort: { field: 'frequency', order: 'descending' }, title: tr(locale, 'repeat purchases', '重复购买次数') },
        color: { field: 'meanPAlive', type: 'quantitative', scale: { scheme: 'redyellowgreen', domain: [0, 1] }, legend: { format: '.0%' }, title: 'P(alive)' },
      },
    }),
  };
}
