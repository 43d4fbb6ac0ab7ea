/**
 * Classes derived from master data (客户档案) and from the purchase history.
 * Matching of free-text master data is case-insensitive on the trimmed value, English or Chinese.
 *
 * value class:  important = top 20 % by historic value (percentile ≤ 20);
 *               potential = not important, historic value in the bottom half (percentile > 50)
 *                           but CLV in the top 20 % (low value now, high expected value);
 *               ordinary  = everyone else.
 * frequency:    one-time = 1 transaction; high = repeat purchases (x) at or above the median x
 *               of repeat buyers; low = other repeat buyers.
 * receivables:  no debt = receivable ≤ 0 (or 0 overdue days with no amount); otherwise by age of
 *               the oldest unpaid item: > badDebtDays bad debt, > shortTermDays long-term, else short-term.
 * region:       international when the country differs from profile.homeCountry; else local when
 *               the region matches profile.homeRegion (either contains the other), else non-local.
 */
import type { CustomerRecord, ValueClass } from '../types.ts';
import { topPercentiles } from './rank.ts';

export const VALUE_CLASS_CUTS = { importantTop: 20, potentialClvTop: 20, potentialHistoricBelow: 50 };

export function valueClasses(historic: ArrayLike<number>, clv: ArrayLike<number>, ids: ArrayLike<string>): ValueClass[] {
  const ph = topPercentiles(historic, ids);
  const pc = topPercentiles(clv, ids);
  const out = new Array<ValueClass>(historic.length);
  for (let i = 0; i < historic.length; i++) {
    if (ph[i] <= VALUE_CLASS_CUTS.importantTop && historic[i] > 0) out[i] = 'important';
    else if (ph[i] > VALUE_CLASS_CUTS.potentialHistoricBelow && pc[i] <= VALUE_CLASS_CUTS.potentialClvTop && clv[i] > 0)
      out[i] = 'potential';
    else out[i] = 'ordinary';
  }
  return out;
}

/** Median repeat count among repeat buyers (lower median), 0 when nobody repeated. */
export function repeatMedian(frequency: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < frequency.length; i++) if (frequency[i] > 0) m++;
  if (!m) return 0;
  const xs = new Float64Array(m);
  m = 0;
  for (let i = 0; i < frequency.length; i++) if (frequency[i] > 0) xs[m++] = frequency[i];
  xs.sort(); // numeric, ascending (no NaN: NaN > 0 is false)
  return xs[(m - 1) >> 1];
}

export function frequencyClass(transactions: number, frequency: number, median: number): string {
  if (transactions <= 1) return 'oneTime';
  return frequency >= median ? 'high' : 'low';
}

const norm = (s: string | undefined) => (s ?? '').trim().toLowerCase();

function matchWords(value: string | undefined, table: [string, string[]][]): string {
  const v = norm(value);
  if (!v) return 'unknown';
  for (const [key, words] of table) if (words.some((w) => v === w || v.includes(w))) return key;
  return 'other';
}

const TYPE_WORDS: [string, string[]][] = [
  ['government', ['government', 'gov', 'public sector', '政府', '机关', '事业单位', '公共']],
  ['enterprise', ['enterprise', 'company', 'business', 'corporate', 'corporation', 'b2b', 'firm', '企业', '公司', '单位']],
  ['individual', ['individual', 'person', 'personal', 'consumer', 'private', 'b2c', '个人', '消费者', '散客']],
];
const SETTLEMENT_WORDS: [string, string[]][] = [
  ['prepaid', ['prepaid', 'prepay', 'advance', 'deposit', '预付', '预收']],
  ['credit', ['credit', 'on account', 'net ', 'invoice', '赊销', '赊账', '挂账', '月结']],
  ['cash', ['cash', 'cod', 'cash on delivery', '现金', '现结', '现款']],
];
// "qualified signed" before "signed": the longer phrase contains the shorter.
const PIPELINE_WORDS: [string, string[]][] = [
  ['qualifiedSigned', ['qualified signed', 'qualified', '合格签约', '合格']],
  ['signed', ['signed', 'contract', 'won', 'closed', '签约', '成交']],
  ['target', ['target', 'opportunity', 'intent', '目标', '意向', '商机']],
  ['potential', ['potential', 'prospect', 'lead', '潜在', '线索']],
];

export const customerType = (v: string | undefined) => matchWords(v, TYPE_WORDS);
export const settlementClass = (v: string | undefined) => matchWords(v, SETTLEMENT_WORDS);
export const pipelineStage = (v: string | undefined) => matchWords(v, PIPELINE_WORDS);

export function regionClass(rec: CustomerRecord, homeRegion?: string, homeCountry?: string): string {
  const country = norm(rec.country);
  if (country && homeCountry && country !== norm(homeCountry)) return 'international';
  const region = norm(rec.region);
  const home = norm(homeRegion);
  if (!region || !home) return country && homeCountry ? 'local' : 'unknown';
  return region.includes(home) || home.includes(region) ? 'local' : 'nonLocal';
}

export function receivablesClass(rec: CustomerRecord, t: { shortTermDays: number; badDebtDays: number }): string {
  const amount = rec.receivable;
  const days = rec.overdueDays;
  if (amount === undefined && days === undefined) return 'unknown';
  if (amount !== undefined && amount <= 0) return 'noDebt';
  if (days === undefined) return 'shortTerm';
  if (days <= 0 && amount === undefined) return 'noDebt';
  if (days > t.badDebtDays) return 'badDebt';
  if (days > t.shortTermDays) return 'longTerm';
  return 'shortTerm';
}

export interface ClassOptions {
  homeRegion?: string;
  homeCountry?: string;
  receivables: { shortTermDays: number; badDebtDays: number };
}

/** Master-data classes of one customer; pass-through fields only when present. */
export function masterClasses(rec: CustomerRecord | undefined, opts: ClassOptions): Record<string, string> {
  if (!rec) return {};
  const out: Record<string, string> = {
    type: customerType(rec.type),
    region: regionClass(rec, opts.homeRegion, opts.homeCountry),
    settlement: settlementClass(rec.settlement),
    receivables: receivablesClass(rec, opts.receivables),
    pipeline: pipelineStage(rec.pipelineStage),
  };
  if (rec.channel?.trim()) out.channel = rec.channel.trim();
  if (rec.segment?.trim()) out.segment = rec.segment.trim();
  if (rec.industry?.trim()) out.industry = rec.industry.trim();
  return out;
}
