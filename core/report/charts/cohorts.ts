/** Cohort retention heatmap: share of each first-purchase cohort buying again j periods later. */
import type { CohortRow, Locale } from '../../types.ts';
import { base, pct, tr, type Chart } from './common.ts';

/** At most this many cohorts (the latest) and period offsets: the heatmap stays readable and bounded. */
export const MAX_COHORTS = 36;

export function cohortChart(cohorts: CohortRow[], locale: Locale, id = 'cohorts', suffix = ''): Chart | null {
  const rows = cohorts.filter((c) => c.size > 0).slice(-MAX_COHORTS);
  if (!rows.length) return null;
  const cells = rows.flatMap((c) => c.retention.slice(0, MAX_COHORTS).map((r, j) => ({
    cohort: `${c.cohort} (${c.size})`, offset: j, retention: r, partial: c.partial && j === c.retention.length - 1,
  })));
  // The manager's number: weighted share of a cohort active in its second period (complete cells only).
  let n = 0, kept = 0;
  for (const c of rows) {
    if (c.retention.length > 1 && !(c.partial && c.retention.length === 2)) { n += c.size; kept += c.size * c.retention[1]; }
  }
  const next = n ? kept / n : NaN;
  return {
    id,
    title: tr(locale, 'Cohort retention', '同期群留存') + suffix,
    reading: Number.isFinite(next)
      ? tr(locale, `On average ${pct(next)} of a cohort buys again in the period after its first purchase.`, `平均每个同期群有 ${pct(next)} 的客户在首次购买后的下一期再次购买。`)
      : tr(locale, 'No cohort has a complete second period yet.', '尚无同期群经历完整的第二期。'),
    spec: base({
      data: { values: cells },
      height: Math.min(520, Math.max(120, 16 * rows.length)),
      mark: { type: 'rect' },
      encoding: {
        x: { field: 'offset', type: 'ordinal', title: tr(locale, 'periods after the first purchase', '首次购买后的期数') },
        y: { field: 'cohort', type: 'ordinal', sort: null, title: tr(locale, 'first-purchase period (customers)', '首次购买期（客户数）') },
        color: { field: 'retention', type: 'quantitative', scale: { scheme: 'greens', domain: [0, 1] }, legend: { format: '.0%' }, title: tr(locale, 'active', '活跃比例') },
        opacity: { condition: { test: 'datum.partial', value: 0.45 }, value: 1 },
      },
    }),
  };
}
