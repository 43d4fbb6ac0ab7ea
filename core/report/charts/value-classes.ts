/** Value classes (important / ordinary / potential): customers and share of CLV per class. */
import type { Locale } from '../../types.ts';
import { label } from '../../labels.ts';
import { groupBars, pct, tr, type Chart } from './common.ts';

export interface ClassTotal { key: string; customers: number; clv: number }

const ORDER = ['important', 'potential', 'ordinary'];

export function valueClassChart(totals: ClassTotal[], locale: Locale): Chart | null {
  const clv = totals.reduce((s, t) => s + Math.max(0, t.clv), 0);
  const n = totals.reduce((s, t) => s + t.customers, 0);
  if (!n) return null;
  const sorted = [...totals].sort((a, b) => ORDER.indexOf(a.key) - ORDER.indexOf(b.key));
  const rows = sorted.map((t) => ({ key: t.key, label: label('valueClass', t.key, locale), customers: t.customers, share: clv ? Math.max(0, t.clv) / clv : 0 }));
  const imp = rows.find((r) => r.key === 'important');
  return {
    id: 'value-classes',
    title: tr(locale, 'Value classes', '价值分类'),
    reading: imp
      ? tr(locale, `Important customers are ${pct(imp.customers / n)} of the base and hold ${pct(imp.share ?? 0)} of expected lifetime value.`,
        `重要客户占 ${pct(imp.customers / n)}，拥有 ${pct(imp.share ?? 0)} 的预期终身价值。`)
      : tr(locale, 'No customer is classed as important.', '没有客户被归为重要客户。'),
    spec: groupBars(rows, locale, 'CLV'),
  };
}
