/** Lifecycle stages (exploration → formation → stable → decline → lost): customers per stage. */
import type { LifecycleStage, Locale } from '../../types.ts';
import { label } from '../../labels.ts';
import { groupBars, pct, tr, type Chart } from './common.ts';

const STAGES: LifecycleStage[] = ['exploration', 'formation', 'stable', 'decline', 'lost'];

export function lifecycleChart(counts: Record<LifecycleStage, number>, locale: Locale): Chart | null {
  const rows = STAGES.map((s) => ({ key: s, label: label('lifecycle', s, locale), customers: counts[s] ?? 0 }));
  const total = rows.reduce((s, r) => s + r.customers, 0);
  if (!total) return null;
  const at = (s: LifecycleStage) => pct((counts[s] ?? 0) / total);
  return {
    id: 'lifecycle',
    title: tr(locale, 'Lifecycle stages', '生命周期阶段'),
    reading: tr(locale,
      `${at('stable')} of customers are in the stable stage, ${at('decline')} are declining and ${at('lost')} are lost.`,
      `${at('stable')} 的客户处于稳定期，${at('decline')} 处于退化期，${at('lost')} 已流失。`),
    spec: groupBars(rows, locale),
  };
}
