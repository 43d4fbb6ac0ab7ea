/** The core's common warnings in a Chinese sidebar: produced by the core itself, then localized. */
import { describe, expect, it } from 'vitest';
import { localizeWarning } from '../../addon/src/warnings.ts';
import { summarize, prepare } from '../../addon/src/engine.ts';
import { resolveProfile } from '../../core/config.ts';
import { fit } from '../../core/pipeline.ts';
import { predict } from '../../core/pipeline/predict.ts';
import { undecidedOrderWarning } from '../../core/dates.ts';
import { orderLines } from './data.ts';

const HAN = /[\u4e00-\u9fff]/;

function coreWarnings(lines: { id: string; date: string; amount: number }[], overrides: Record<string, unknown> = {}): string[] {
  const profile = resolveProfile({ asOf: '2024-07-01', timeZone: 'UTC', ...overrides });
  const { summaries } = summarize('t', lines.map((l) => l.id), lines.map((l) => l.date), lines.map((l) => l.amount), profile, 'UTC');
  const input = prepare(summaries, profile);
  predict(input, fit(input));
  return input.warnings;
}

describe('warnings in the sidebar language', () => {
  it('turns the pipeline\'s own warnings into Chinese, keeping their numbers', () => {
    const few = coreWarnings(orderLines(12, 3).map((l, i) => ({ ...l, id: `c${i % 5}` })));
    const tooFew = few.find((w) => w.startsWith('Only 5 customers'));
    expect(tooFew).toBeDefined();
    expect(localizeWarning(tooFew!, 'zh-CN')).toBe('仅有 5 位客户，不足以拟合购买模型（至少需要 20 位）；活跃概率和 CLV 使用简单估算。');

    const many = coreWarnings(orderLines(3000, 11), { intervals: { budget: 1 } });
    const skipped = many.find((w) => w.startsWith('No CLV / expected-purchases intervals'));
    expect(skipped).toBeDefined();
    const zh = localizeWarning(skipped!, 'zh-CN');
    expect(zh).toMatch(/^未计算 CLV 与预期购买次数的区间：\d+ 个不同的/);
    expect(zh).toContain('超过区间计算上限 1 次');
    for (const w of many) expect(localizeWarning(w, 'en')).toBe(w);
  });

  it('localizes the ingest\'s date-order warning and leaves unknown text as written', () => {
    expect(localizeWarning(undecidedOrderWarning('Orders'), 'zh-CN')).toBe('Orders：日期既可读作“日/月”也可读作“月/日”，已按“月/日”读取；如不对，请把日期写成 年-月-日（如 2024-03-05）。');
    const lost = '832 customers have not bought for more than 365 days, so they count as lost (P(alive) 0, CLV 0), although the mbgnbd model gives them P(alive) above 0.5 (up to 0.69); their value if still active is their value at risk (see docs/scores.md).';
    expect(localizeWarning(lost, 'zh-CN')).toMatch(/^832 位客户已超过 365 天未购买.*mbgnbd 模型.*高于 0\.5（最高 0\.69）/);
    const other = 'Something new the core says.';
    expect(localizeWarning(other, 'zh-CN')).toBe(other);
    expect(HAN.test(localizeWarning(lost, 'zh-CN'))).toBe(true);
  });
});
