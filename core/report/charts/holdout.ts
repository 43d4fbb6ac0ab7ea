/** Holdout calibration: actual vs predicted repeat purchases after the calibration end, by calibration frequency. */
import type { Locale, ScoreRun, TimeUnit } from '../../types.ts';

const UNIT: Record<TimeUnit, [string, string]> = { day: ['day', '天'], week: ['week', '周'], month: ['month', '个月'] };
import { base, tr, type Chart } from './common.ts';

export function holdoutChart(holdout: ScoreRun['holdout'], timeUnit: TimeUnit, locale: Locale): Chart | null {
  if (!holdout || !holdout.buckets.length) return null;
  const len = Math.round(holdout.length);
  const actual = tr(locale, 'actual', '实际');
  const predicted = tr(locale, 'predicted', '预测');
  const values = holdout.buckets.flatMap((b, i) => [
    { frequency: b.frequency, order: i, kind: actual, purchases: b.actual },
    { frequency: b.frequency, order: i, kind: predicted, purchases: b.predicted },
  ]);
  const x = { field: 'frequency', type: 'ordinal', sort: { field: 'order' }, title: tr(locale, 'repeat purchases before the calibration end', '校准期内重复购买次数') };
  const y = { field: 'purchases', type: 'quantitative', title: tr(locale, 'mean purchases in the holdout', '验证期平均购买次数') };
  return {
    id: 'holdout',
    title: tr(locale, 'Holdout check: predicted vs actual', '验证期检验：预测与实际'),
    reading: tr(locale,
      `Over the ${len}-${UNIT[timeUnit][0]} holdout the model misses by ${holdout.mae.toFixed(2)} purchases per customer on average.`,
      `在 ${len} ${UNIT[timeUnit][1]}的验证期内，模型对每位客户的平均误差为 ${holdout.mae.toFixed(2)} 次购买。`),
    spec: base({
      data: { values },
      layer: [
        { mark: { type: 'line', point: true }, encoding: { x, y, color: { field: 'kind', type: 'nominal', title: null, scale: { range: ['#111827', '#f59e0b'] } }, strokeDash: { field: 'kind', type: 'nominal', legend: null } } },
      ],
    }),
  };
}
