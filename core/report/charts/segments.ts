/** RFM segments: customers and share of revenue per segment. */
import type { GroupAggregate, Locale } from '../../types.ts';
import { groupBars, pct, tr, type Chart } from './common.ts';

export function segmentChart(segments: GroupAggregate[], locale: Locale): Chart | null {
  const rows = segments.filter((s) => s.customers > 0)
    .map((s) => ({ key: s.key, label: s.label[locale], customers: s.customers, share: s.revenueShare }));
  if (!rows.length) return null;
  const top = [...rows].sort((a, b) => (b.share ?? 0) - (a.share ?? 0))[0];
  const n = rows.reduce((s, r) => s + r.customers, 0);
  return {
    id: 'segments',
    title: tr(locale, 'RFM segments', 'RFM 客户分群'),
    reading: tr(locale,
      `${top.label} (${pct(top.customers / n)} of customers) bring the largest share of revenue: ${pct(top.share ?? 0)}.`,
      `${top.label}（占客户 ${pct(top.customers / n)}）贡献最大的收入份额：${pct(top.share ?? 0)}。`),
    spec: groupBars(rows, locale, tr(locale, 'revenue', '收入')),
  };
}
