/** The satisfaction ladder (satisfied → will return → will recommend) and CSAT / NPS per tier, when surveys exist. */
import type { Locale, SatisfactionReport, ScoreRun } from '../../types.ts';
import { label } from '../../labels.ts';
import { base, pct, tr, type Chart } from './common.ts';

export function satisfactionChart(s: SatisfactionReport | null, tiers: ScoreRun['tiers'], locale: Locale): Chart | null {
  if (!s || !s.overall.responses) return null;
  const levels = ['0', '1', '2', '3'];
  const n = levels.reduce((a, k) => a + (s.overall.levels[k] ?? 0), 0);
  // "at least this level" shares: the ladder's rungs (satisfied, will return, will recommend).
  const ladder = levels.map((k, i) => ({
    rung: label('satisfaction', k, locale), order: i,
    share: n ? levels.slice(i).reduce((a, j) => a + (s.overall.levels[j] ?? 0), 0) / n : 0,
  })).slice(1);
  const byTier = tiers.flatMap((t, i) => {
    const st = s.byTier[t.key];
    if (!st) return [];
    return [
      ...(st.csat !== null ? [{ tier: t.label[locale], order: i, metric: 'CSAT', value: st.csat }] : []),
      ...(st.nps !== null ? [{ tier: t.label[locale], order: i, metric: 'NPS', value: st.nps }] : []),
    ];
  });
  const rec = ladder[2]?.share ?? 0;
  const y = { field: 'rung', type: 'nominal', sort: { field: 'order' }, title: null };
  const ladderSpec = {
    data: { values: ladder },
    title: tr(locale, 'ladder: at least this level', '阶梯：至少达到该级别'),
    layer: [
      { mark: { type: 'bar', color: '#10b981' }, encoding: { y, x: { field: 'share', type: 'quantitative', axis: { format: '.0%' }, scale: { domain: [0, 1] }, title: tr(locale, 'surveyed customers', '受访客户') } } },
      { mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 }, encoding: { y, x: { field: 'share', type: 'quantitative' }, text: { field: 'share', format: '.0%' } } },
    ],
    width: 440, height: 130,
  };
  const tierSpec = {
    data: { values: byTier },
    title: tr(locale, 'CSAT (% satisfied) and NPS by tier', '各层级 CSAT（满意比例）与 NPS'),
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'tier', type: 'nominal', sort: { field: 'order' }, title: null },
      yOffset: { field: 'metric' },
      x: { field: 'value', type: 'quantitative', title: null, scale: { domain: [-100, 100] } },
      color: { field: 'metric', type: 'nominal', title: null, scale: { range: ['#1d4ed8', '#f59e0b'] } },
    },
    width: 440, height: Math.max(80, 36 * tiers.length),
  };
  const { width: _w, height: _h, ...rest } = base({ vconcat: byTier.length ? [ladderSpec, tierSpec] : [ladderSpec] });
  return {
    id: 'satisfaction',
    title: tr(locale, 'Satisfaction ladder, CSAT and NPS', '满意度阶梯、CSAT 与 NPS'),
    reading: tr(locale,
      `${pct(rec)} of surveyed customers would recommend you; overall CSAT ${s.overall.csat === null ? '–' : pct(s.overall.csat / 100)}, NPS ${s.overall.nps === null ? '–' : s.overall.nps.toFixed(0)}.`,
      `${pct(rec)} 的受访客户愿意推荐；整体 CSAT ${s.overall.csat === null ? '–' : pct(s.overall.csat / 100)}，NPS ${s.overall.nps === null ? '–' : s.overall.nps.toFixed(0)}。`),
    spec: rest,
  };
}
