/** Small plain-text views for terminals: the tier pyramid and the segment table. */
import type { GroupAggregate, Locale, ScoreRun } from '../types.ts';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** Display width: CJK characters take two columns. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}
const padEnd = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - width(s)));
const padStart = (s: string, n: number) => ' '.repeat(Math.max(0, n - width(s))) + s;

/** A centred pyramid, top tier first, each line: name, customers, shares of revenue and CLV. */
export function pyramidText(run: ScoreRun, locale: Locale): string {
  const tiers = run.tiers;
  const k = tiers.length;
  const names = tiers.map((t) => t.label[locale]);
  const nameW = Math.max(0, ...names.map(width));
  const lines = [locale === 'zh-CN' ? '客户金字塔' : 'Customer pyramid'];
  tiers.forEach((t, i) => {
    // each level is two columns wider on both sides than the one above
    const inner = nameW + 2 + 4 * i;
    const left = Math.floor((inner - width(names[i])) / 2);
    const block = '/' + ' '.repeat(left) + padEnd(names[i], inner - left) + '\\';
    const share = locale === 'zh-CN'
      ? `${t.customers} 位客户，收入 ${pct(t.revenueShare)}，CLV ${pct(t.clvShare)}`
      : `${t.customers} customers, ${pct(t.revenueShare)} of revenue, ${pct(t.clvShare)} of CLV`;
    lines.push(' '.repeat(2 * (k - 1 - i)) + padEnd(block, nameW + 4 + 4 * (k - 1)  - 2 * (k - 1 - i)) + '  ' + share);
  });
  return lines.join('\n') + '\n';
}

/** A table of groups: name, customers, revenue share, CLV share, mean P(alive), NPS. */
export function groupText(groups: GroupAggregate[], locale: Locale, title: string): string {
  const head = locale === 'zh-CN'
    ? [title, '客户数', '收入占比', 'CLV 占比', '平均活跃概率', 'NPS']
    : [title, 'customers', 'revenue', 'CLV', 'mean P(alive)', 'NPS'];
  const body = groups
    .filter((g) => g.customers > 0)
    .map((g) => [g.label[locale], String(g.customers), pct(g.revenueShare), pct(g.clvShare), g.meanPAlive.toFixed(2), g.nps === null ? '' : g.nps.toFixed(0)]);
  const all = [head, ...body];
  const w = head.map((_, j) => Math.max(...all.map((r) => width(r[j]))));
  return all.map((r) => r.map((c, j) => (j === 0 ? padEnd(c, w[j]) : padStart(c, w[j]))).join('  ').trimEnd()).join('\n') + '\n';
}

export function segmentText(run: ScoreRun, locale: Locale): string {
  return groupText(run.segments, locale, locale === 'zh-CN' ? 'RFM 分群' : 'RFM segment');
}
