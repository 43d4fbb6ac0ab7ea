/**
 * The core's most common warnings in the sidebar's language. The core writes them in English (the
 * CLI's and summary.json's language); a Chinese spreadsheet shows these in Chinese, with the
 * numbers and names of the English text. A warning not listed here (or one whose English wording
 * changes) is shown as the core wrote it: never dropped, at worst in English.
 */
import type { Locale } from '../../core/types.ts';

const ZH: [RegExp, (m: RegExpMatchArray) => string][] = [
  [
    /^(\d+) customers have not bought for more than (\d+) days, so they count as lost \(P\(alive\) 0, CLV 0\), although the (\w+) model gives them P\(alive\) above ([\d.]+) \(up to ([\d.]+)\); their value if still active is their value at risk/,
    (m) => `${m[1]} 位客户已超过 ${m[2]} 天未购买，按流失客户计（活跃概率 0，CLV 0），尽管 ${m[3]} 模型给出的活跃概率高于 ${m[4]}（最高 ${m[5]}）；他们“若仍活跃的价值”计入风险价值。`,
  ],
  [
    /^Only (\d+) customers: too few to fit a purchase model \(need (\d+)\)/,
    (m) => `仅有 ${m[1]} 位客户，不足以拟合购买模型（至少需要 ${m[2]} 位）；活跃概率和 CLV 使用简单估算。`,
  ],
  [
    /^No customer has bought twice: purchase models cannot be fitted/,
    () => '没有客户购买过两次，无法拟合购买模型；活跃概率和 CLV 使用简单估算。',
  ],
  [
    /^No CLV \/ expected-purchases intervals: (\d+) distinct \(frequency, T\) pairs × (\d+) draws exceed the interval budget of (\d+) evaluations/,
    (m) => `未计算 CLV 与预期购买次数的区间：${m[1]} 个不同的（复购次数，客户年龄）组合 × ${m[2]} 次参数抽样，超过区间计算上限 ${m[3]} 次（其余得分照常计算）。`,
  ],
  [
    /^Only (\d+) repeat buyers with spend: Gamma-Gamma not fitted/,
    (m) => `仅有 ${m[1]} 位有消费金额的复购客户，未拟合 Gamma-Gamma 消费模型；预期客单价取每位客户自己的平均每次消费金额（含首次购买）。`,
  ],
  [
    /^Gamma-Gamma is not used \(q ≤ 1\)/,
    () => '未使用 Gamma-Gamma 消费模型（q ≤ 1，均值不存在）；预期客单价取每位客户自己的平均每次消费金额（含首次购买）。',
  ],
  [
    /^Gamma-Gamma did not converge and is not used/,
    () => 'Gamma-Gamma 消费模型未收敛，未使用；预期客单价取每位客户自己的平均每次消费金额（含首次购买）。',
  ],
  [
    /^(.+): dates could be day-first or month-first; read as M\/D; pass --date-order DMY if wrong$/,
    (m) => `${m[1]}：日期既可读作“日/月”也可读作“月/日”，已按“月/日”读取；如不对，请把日期写成 年-月-日（如 2024-03-05）。`,
  ],
];

/** The warning in the locale: Chinese where it is one of the common ones above, else as written. */
export function localizeWarning(text: string, locale: Locale): string {
  if (locale !== 'zh-CN') return text;
  for (const [re, zh] of ZH) {
    const m = text.match(re);
    if (m) return zh(m);
  }
  return text;
}
