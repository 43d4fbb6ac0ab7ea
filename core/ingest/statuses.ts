/**
 * Order status semantics: which status values mean the order was not a sale.
 *
 * Classes: `kept` (a sale), `cancelled`, `refunded`, `unpaid`. The profile's `statuses` map (exact
 * value after trim + case-fold, numeric POS codes included) wins; otherwise keyword rules in
 * Chinese and English are tried in order, first match wins, so Taobao's
 * `付款以后用户退款成功，交易自动关闭` (refund, then close) reads as refunded. A value no rule knows
 * is kept and reported, with the flag that settles it.
 */
import type { StatusClass } from '../config.ts';

export interface StatusRule {
  cls: StatusClass;
  /** The rule's name, shown in rejects and summary.json. */
  rule: string;
  /** True when no rule matched (kept by default, reported as a warning). */
  unknown?: boolean;
}

/** [class, keyword or word-start pattern] — order matters: specific phrases before generic words. */
const RULES: [StatusClass, RegExp | string][] = [
  // Not a cancellation although a cancel word appears.
  ['kept', '部分退款'], ['kept', /\bpartial(ly)? refund/], ['kept', '退款关闭'], ['kept', '无退款'], ['kept', '未退款'], ['kept', '没有退款'],
  ['kept', /\bno (refund|return)/], ['kept', /\bclosed? won\b/], ['kept', /\bwon\b/],
  // Refunds and returns.
  ['refunded', '退款'], ['refunded', '退货'], ['refunded', '退单'], ['refunded', /\brefund/], ['refunded', /\breturn/], ['refunded', /\bchargeback/],
  // Never paid.
  ['unpaid', '未付款'], ['unpaid', '待付款'], ['unpaid', '未支付'], ['unpaid', '待支付'], ['unpaid', '等待买家付款'], ['unpaid', '等待付款'],
  ['unpaid', /\bunpaid\b/], ['unpaid', /\bnot paid\b/], ['unpaid', /\b(pending|awaiting|waiting for) payment\b/], ['unpaid', /\bpayment pending\b/],
  // Cancelled, closed, failed, void.
  ['cancelled', '取消'], ['cancelled', '关闭'], ['cancelled', '作废'], ['cancelled', '失败'], ['cancelled', '撤销'], ['cancelled', '拒收'],
  ['cancelled', /\bcancel/], ['cancelled', /\bvoid/], ['cancelled', /\bclosed?\b/], ['cancelled', /\bfail/], ['cancelled', /\bdeclined?\b/],
  ['cancelled', /\brejected\b/], ['cancelled', /\bclosed? lost\b/], ['cancelled', /\blost\b/], ['cancelled', /\bunavailable\b/], ['cancelled', /\bexpired\b/],
  // Recognised sales (kept without a warning).
  ['kept', '成功'], ['kept', '完成'], ['kept', '已付款'], ['kept', '已支付'], ['kept', '付款'], ['kept', '发货'], ['kept', '签收'], ['kept', '收货'],
  ['kept', '已结账'], ['kept', '已结算'], ['kept', '正常'], ['kept', '有效'],
  ['kept', /\b(completed?|paid|deliver(ed)?|shipped|shipping|fulfill?(ed)?|success(ful)?|processing|invoiced|approved|authori[sz]ed|done|ok|active|confirmed|settled|sold|closed won|partially paid)\b/],
];

const fold = (s: string): string => s.trim().toLowerCase().replace(/[_\-]+/g, ' ').replace(/\s+/g, ' ');

/** Lower-cased, trimmed keys of a profile `statuses` map. */
export function statusMap(map: Record<string, StatusClass>): Map<string, StatusClass> {
  return new Map(Object.entries(map).map(([k, v]) => [k.trim().toLowerCase(), v]));
}

/** Class of one status value under the profile map and the keyword rules. */
export function classifyStatus(value: string, map: Map<string, StatusClass>): StatusRule {
  const key = value.trim().toLowerCase();
  if (key === '') return { cls: 'kept', rule: 'empty' };
  const mapped = map.get(key);
  if (mapped) return { cls: mapped, rule: `profile statuses "${value.trim()}"` };
  const t = fold(value);
  for (const [cls, pat] of RULES) {
    if (typeof pat === 'string' ? t.includes(pat) : pat.test(t)) {
      return { cls, rule: typeof pat === 'string' ? `contains "${pat}"` : `matches ${pat.source.replace(/\\b/g, '')}` };
    }
  }
  return { cls: 'kept', rule: 'unknown', unknown: true };
}

export interface StatusCount { value: string; class: StatusClass; rule: string; rows: number }

/** Longer status values are not tracked one by one (hostile input cannot grow the tally). */
const MAX_TRACKED_LENGTH = 200;

/**
 * Per-value row counts, bounded: at most `maxValues` distinct values of at most 200 characters
 * are tracked (their classification cached); other values are classified each time and counted
 * under "(other)".
 */
export class StatusTally {
  private byValue = new Map<string, StatusCount & { unknown: boolean; result: StatusRule }>();
  private other = new Map<StatusClass, number>();
  /** The tracked entry of the last value counted (consecutive lines mostly repeat the status). */
  private lastValue: string | null = null;
  private lastEntry: (StatusCount & { result: StatusRule }) | null = null;
  constructor(private map: Map<string, StatusClass>, private maxValues = 1000) {}

  /** Classify a value and count one row for it (the result is shared between rows of that value: read it, do not change it). */
  add(value: string): StatusRule {
    const last = this.lastEntry;
    if (last !== null && this.lastValue === value) { last.rows++; return last.result; }
    const hit = this.byValue.get(value);
    if (hit) { hit.rows++; this.lastValue = value; this.lastEntry = hit; return hit.result; }
    const r = classifyStatus(value, this.map);
    if (this.byValue.size < this.maxValues && value.length <= MAX_TRACKED_LENGTH) {
      this.byValue.set(value, { value, class: r.cls, rule: r.rule, rows: 1, unknown: !!r.unknown, result: { cls: r.cls, rule: r.rule, unknown: !!r.unknown } });
    }
    else this.other.set(r.cls, (this.other.get(r.cls) ?? 0) + 1);
    return r;
  }

  /** The `top` values by rows (ties by value), then one "other" line per class for the rest. */
  report(top = 20): StatusCount[] {
    const all = [...this.byValue.values()].sort((a, b) => b.rows - a.rows || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    const out: StatusCount[] = all.slice(0, top).map(({ value, class: c, rule, rows }) => ({ value, class: c, rule, rows }));
    const rest = new Map(this.other);
    for (const s of all.slice(top)) rest.set(s.class, (rest.get(s.class) ?? 0) + s.rows);
    for (const [c, rows] of [...rest].sort()) out.push({ value: '(other)', class: c, rule: 'several', rows });
    return out;
  }

  /** Values no rule knows, most frequent first (at most `top`), with their row counts. */
  unknown(top = 10): { values: { value: string; rows: number }[]; more: number } {
    const u = [...this.byValue.values()].filter((s) => s.unknown).sort((a, b) => b.rows - a.rows || (a.value < b.value ? -1 : 1));
    return { values: u.slice(0, top).map((s) => ({ value: s.value, rows: s.rows })), more: Math.max(0, u.length - top) };
  }
}

/** The warning for status values no rule knows. */
export function unknownStatusWarning(source: string, u: { values: { value: string; rows: number }[]; more: number }): string | undefined {
  if (!u.values.length) return undefined;
  const list = u.values.map((v) => `"${v.value.slice(0, 40)}" (${v.rows} rows)`).join(', ') + (u.more ? ` and ${u.more} more` : '');
  return `${source}: status values not recognised, counted as sales: ${list}; declare them with --status-map VALUE=kept|cancelled|refunded|unpaid`;
}
