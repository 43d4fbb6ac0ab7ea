/**
 * One configuration profile shared by every entry point (CLI, Lambda, Sheets add-on).
 * Every field has a default; `resolveProfile` validates a partial profile and fills the rest.
 */
import type { Locale, TimeUnit } from './types.ts';

export type ColumnRole =
  | 'customer' | 'date' | 'amount' | 'quantity' | 'unitPrice' | 'orderId' | 'status' | 'refund'
  | 'cost' | 'margin' | 'productCode' | 'description' | 'channel'
  // customers table
  | 'name' | 'type' | 'industry' | 'region' | 'country' | 'segment' | 'settlement' | 'receivable'
  | 'overdueDays' | 'pipelineStage' | 'size' | 'acquisitionCost' | 'serviceCost' | 'signupDate' | 'churnDate'
  // surveys table
  | 'csat' | 'nps' | 'willReturn' | 'willRecommend' | 'surveyDate';

export type TierScheme = 'zeithaml' | 'ibm' | 'pareto' | 'custom';
export type PurchaseModelKind = 'bgnbd' | 'paretonbd' | 'mbgnbd';
/** `auto`: fit all three, score them on a holdout of each customer's own history, keep the best (core/models/select.ts). */
export type ModelSetting = 'auto' | PurchaseModelKind;

export interface Profile {
  /** The day scores are computed as of, `YYYY-MM-DD`. Required to score. */
  asOf: string;
  /** Unit of recency, T, horizon and model parameters. */
  timeUnit: TimeUnit;
  /** IANA zone used to turn timestamps with an offset into calendar days. */
  timeZone: string;
  locale: Locale;
  /** Explicit column map (role → header text, or 1-based column number for headerless files). Overrides detection. */
  columns: Partial<Record<ColumnRole, string | number>>;
  /** Whether the file has a header row. `auto` guesses from the first row. */
  header: 'auto' | boolean;
  dateOrder: 'auto' | 'YMD' | 'MDY' | 'DMY';
  encoding: 'auto' | 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';
  delimiter: 'auto' | ',' | ';' | '\t' | '|' | 'whitespace';
  /** XLSX sheet name; first sheet when absent. */
  sheet?: string;
  /** Non-purchase lines (postage, bank charges, fees, adjustments), matched on product code or description (case-insensitive, exact). */
  exclusions: { codes: string[]; descriptions: string[] };
  /** Reject exact duplicate lines. */
  dedupe: boolean;
  /** Split calibration / holdout at this day (`YYYY-MM-DD`): models fit up to it, holdout counts after it. */
  calibrationEnd?: string;
  /** Period used for retention / churn rates and cohorts. */
  retentionPeriod: 'week' | 'month' | 'quarter' | 'year';

  // models and value
  model: ModelSetting;
  /** Intervals from parameter uncertainty (core/models/intervals.ts); draws = 0 turns them off. */
  intervals: { level: number; draws: number; seed: number };
  /** CLV horizon, in `timeUnit` periods. */
  horizon: number;
  /** Annual discount rate (0.1 = 10 %/year); converted to the time unit for CLV. */
  discountRate: number;
  /** Gross margin applied to spend (0–1). */
  margin: number;

  // tiers
  tierScheme: TierScheme;
  tierBy: 'clv' | 'historic' | 'margin';
  /** For `custom`: cut points, highest tier first, by top-percentile (e.g. [1, 5, 20]) or by value. */
  customTiers?: { by: 'percentile' | 'value'; cuts: number[]; labels: string[] };

  // RFM
  /**
   * bins: scores 1..bins by quantile. cuts: ascending cut points per dimension instead (R in days since
   * the last purchase). segments: R × FM rules, first match wins (see core/scores/rfm.ts).
   */
  rfm: {
    bins: number;
    cuts?: { r?: number[]; f?: number[]; m?: number[] };
    segments?: { segment: string; r: [number, number]; fm: [number, number] }[];
  };

  // retention and lifecycle thresholds
  churn: {
    /** P(alive) at or above → low risk. */
    lowRiskPAlive: number;
    /** P(alive) below → high risk. */
    highRiskPAlive: number;
    /** Days without purchase after which a customer counts as lost, whatever the model says. */
    lostAfterDays: number;
  };

  // master data classes
  homeRegion?: string;
  homeCountry?: string;
  /** Receivables ageing thresholds in days: above `short` is long-term, above `bad` is bad debt. */
  receivables: { shortTermDays: number; badDebtDays: number };
}

export const DEFAULT_PROFILE: Profile = {
  asOf: '',
  timeUnit: 'week',
  timeZone: 'Asia/Shanghai',
  locale: 'en',
  columns: {},
  header: 'auto',
  dateOrder: 'auto',
  encoding: 'auto',
  delimiter: 'auto',
  exclusions: {
    codes: ['POST', 'DOT', 'M', 'BANK CHARGES', 'C2', 'CRUK', 'D', 'S', 'AMAZONFEE', 'ADJUST', 'ADJUST2', 'B', 'PADS'],
    descriptions: ['postage', 'carriage', 'manual', 'bank charges', 'discount', 'amazon fee', 'adjust bad debt', '运费', '邮费', '手续费', '调整'],
  },
  dedupe: false,
  retentionPeriod: 'month',
  model: 'auto',
  intervals: { level: 0.8, draws: 200, seed: 1 },
  horizon: 52,
  discountRate: 0.1,
  margin: 1,
  tierScheme: 'zeithaml',
  tierBy: 'clv',
  rfm: { bins: 5 },
  churn: { lowRiskPAlive: 0.7, highRiskPAlive: 0.3, lostAfterDays: 365 },
  receivables: { shortTermDays: 90, badDebtDays: 365 },
};

const TIME_UNITS = ['day', 'week', 'month'];
const ALL_ROLES: ColumnRole[] = [
  'customer', 'date', 'amount', 'quantity', 'unitPrice', 'orderId', 'status', 'refund', 'cost', 'margin', 'productCode', 'description', 'channel',
  'name', 'type', 'industry', 'region', 'country', 'segment', 'settlement', 'receivable', 'overdueDays', 'pipelineStage', 'size', 'acquisitionCost',
  'serviceCost', 'signupDate', 'churnDate', 'csat', 'nps', 'willReturn', 'willRecommend', 'surveyDate',
];

/**
 * Validate a partial profile (e.g. parsed JSON) and fill every default. Throws one Error whose
 * message lists every bad field; unknown fields are errors too (they are usually typos).
 */
export function resolveProfile(partial: unknown): Profile {
  const errors: string[] = [];
  if (partial === null || partial === undefined) partial = {};
  if (typeof partial !== 'object' || Array.isArray(partial)) throw new Error('Invalid profile: expected an object');
  const p = partial as Record<string, unknown>;
  const out: Profile = JSON.parse(JSON.stringify(DEFAULT_PROFILE));
  const known = new Set<string>([...Object.keys(DEFAULT_PROFILE), 'sheet', 'calibrationEnd', 'customTiers', 'homeRegion', 'homeCountry']);
  for (const k of Object.keys(p)) if (!known.has(k)) errors.push(`${k}: unknown field`);
  const isoDate = (v: unknown): boolean => {
    const m = typeof v === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(v) : null;
    if (!m) return false;
    const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
  };
  const oneOf = (k: keyof Profile, allowed: unknown[]): void => {
    if (p[k] === undefined) return;
    if (allowed.includes(p[k])) (out as unknown as Record<string, unknown>)[k] = p[k];
    else errors.push(`${k}: must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(p[k])}`);
  };
  const num = (k: keyof Profile, min: number, max: number): void => {
    if (p[k] === undefined) return;
    const v = p[k];
    if (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max) (out as unknown as Record<string, unknown>)[k] = v;
    else errors.push(`${k}: must be a number from ${min} to ${max}, got ${JSON.stringify(v)}`);
  };
  const str = (k: keyof Profile): void => {
    if (p[k] === undefined) return;
    if (typeof p[k] === 'string') (out as unknown as Record<string, unknown>)[k] = p[k];
    else errors.push(`${k}: must be a string`);
  };
  if (p.asOf !== undefined && p.asOf !== '') {
    if (isoDate(p.asOf)) out.asOf = p.asOf as string; else errors.push(`asOf: must be a date YYYY-MM-DD, got ${JSON.stringify(p.asOf)}`);
  }
  if (p.calibrationEnd !== undefined) {
    if (isoDate(p.calibrationEnd)) out.calibrationEnd = p.calibrationEnd as string;
    else errors.push(`calibrationEnd: must be a date YYYY-MM-DD, got ${JSON.stringify(p.calibrationEnd)}`);
  }
  if (out.calibrationEnd && out.asOf && out.calibrationEnd >= out.asOf) errors.push('calibrationEnd: must be before asOf');
  oneOf('timeUnit', TIME_UNITS);
  if (p.timeZone !== undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: String(p.timeZone) });
      if (typeof p.timeZone !== 'string') throw new Error('not a string');
      out.timeZone = p.timeZone;
    } catch { errors.push(`timeZone: not an IANA time zone: ${JSON.stringify(p.timeZone)}`); }
  }
  oneOf('locale', ['en', 'zh-CN']);
  oneOf('header', ['auto', true, false]);
  oneOf('dateOrder', ['auto', 'YMD', 'MDY', 'DMY']);
  oneOf('encoding', ['auto', 'utf-8', 'utf-16le', 'utf-16be', 'gb18030']);
  oneOf('delimiter', ['auto', ',', ';', '\t', '|', 'whitespace']);
  oneOf('retentionPeriod', ['week', 'month', 'quarter', 'year']);
  oneOf('model', ['auto', 'bgnbd', 'paretonbd', 'mbgnbd']);
  if (p.intervals !== undefined) {
    const iv = p.intervals as Record<string, unknown>;
    const ok = typeof iv === 'object' && iv !== null
      && (iv.level === undefined || (typeof iv.level === 'number' && iv.level > 0 && iv.level < 1))
      && (iv.draws === undefined || (Number.isInteger(iv.draws) && (iv.draws as number) >= 0 && (iv.draws as number) <= 100_000))
      && (iv.seed === undefined || Number.isInteger(iv.seed));
    if (ok) out.intervals = { ...out.intervals, ...(iv as Partial<Profile['intervals']>) };
    else errors.push(`intervals: must be { level in (0, 1), draws: integer ≥ 0, seed: integer }, got ${JSON.stringify(p.intervals)}`);
  }
  oneOf('tierScheme', ['zeithaml', 'ibm', 'pareto', 'custom']);
  oneOf('tierBy', ['clv', 'historic', 'margin']);
  oneOf('dedupe', [true, false]);
  num('horizon', 0, 10_000);
  num('discountRate', 0, 10);
  num('margin', 0, 1);
  str('sheet'); str('homeRegion'); str('homeCountry');
  if (p.columns !== undefined) {
    if (typeof p.columns !== 'object' || p.columns === null || Array.isArray(p.columns)) errors.push('columns: must be an object role → header or column number');
    else for (const [role, ref] of Object.entries(p.columns)) {
      if (!ALL_ROLES.includes(role as ColumnRole)) errors.push(`columns.${role}: unknown role (known: ${ALL_ROLES.join(', ')})`);
      else if (!(typeof ref === 'string' && ref.trim() !== '') && !(typeof ref === 'number' && Number.isInteger(ref) && ref >= 1)) {
        errors.push(`columns.${role}: must be a header text or a 1-based column number`);
      } else out.columns[role as ColumnRole] = ref as string | number;
    }
  }
  if (p.exclusions !== undefined) {
    const e = p.exclusions as Record<string, unknown>;
    for (const k of ['codes', 'descriptions'] as const) {
      if (e?.[k] === undefined) continue;
      if (Array.isArray(e[k]) && (e[k] as unknown[]).every((x) => typeof x === 'string')) out.exclusions[k] = e[k] as string[];
      else errors.push(`exclusions.${k}: must be a list of strings`);
    }
  }
  const nested = <K extends 'rfm' | 'churn' | 'receivables'>(k: K, limits: Record<string, [number, number]>): void => {
    const v = p[k] as Record<string, unknown> | undefined;
    if (v === undefined) return;
    for (const [f, [min, max]] of Object.entries(limits)) {
      if (v[f] === undefined) continue;
      const x = v[f];
      if (typeof x === 'number' && Number.isFinite(x) && x >= min && x <= max) (out[k] as Record<string, number>)[f] = x;
      else errors.push(`${k}.${f}: must be a number from ${min} to ${max}, got ${JSON.stringify(x)}`);
    }
  };
  nested('rfm', { bins: [2, 10] });
  validateRfmExtras(p.rfm, out, errors);
  nested('churn', { lowRiskPAlive: [0, 1], highRiskPAlive: [0, 1], lostAfterDays: [1, 36_500] });
  nested('receivables', { shortTermDays: [0, 36_500], badDebtDays: [0, 36_500] });
  if (p.customTiers !== undefined) {
    const c = p.customTiers as { by?: unknown; cuts?: unknown; labels?: unknown };
    const ok = c && (c.by === 'percentile' || c.by === 'value') && Array.isArray(c.cuts) && c.cuts.every((x) => typeof x === 'number')
      && Array.isArray(c.labels) && c.labels.every((x) => typeof x === 'string') && c.labels.length === c.cuts.length + 1;
    if (ok) out.customTiers = c as Profile['customTiers'];
    else errors.push('customTiers: must be { by: "percentile"|"value", cuts: number[], labels: string[] (one more than cuts) }');
  }
  if (out.tierScheme === 'custom' && !out.customTiers) errors.push('customTiers: required when tierScheme is "custom"');
  if (errors.length) throw new Error(`Invalid profile: ${errors.join('; ')}`);
  return out;
}

const isAscending = (v: unknown): v is number[] =>
  Array.isArray(v) && v.every((x, i) => typeof x === 'number' && Number.isFinite(x) && (i === 0 || x > (v[i - 1] as number)));
const isRange = (v: unknown): v is [number, number] =>
  Array.isArray(v) && v.length === 2 && v.every((x) => Number.isInteger(x) && x >= 1 && x <= 5) && v[0] <= v[1];

/** Custom RFM cut points and segment rules: checked here so a typo fails loudly instead of scoring with defaults. */
function validateRfmExtras(rfm: unknown, out: Profile, errors: string[]): void {
  const v = rfm as { cuts?: Record<string, unknown>; segments?: unknown } | undefined;
  if (v?.cuts !== undefined) {
    const cuts: NonNullable<Profile['rfm']['cuts']> = {};
    for (const [k, c] of Object.entries(v.cuts ?? {})) {
      if (k !== 'r' && k !== 'f' && k !== 'm') errors.push(`rfm.cuts.${k}: unknown dimension (use r, f, m)`);
      else if (isAscending(c)) cuts[k] = c;
      else errors.push(`rfm.cuts.${k}: must be ascending numbers`);
    }
    out.rfm.cuts = cuts;
  }
  if (v?.segments !== undefined) {
    const segs = v.segments as { segment?: unknown; r?: unknown; fm?: unknown }[];
    if (Array.isArray(segs) && segs.length > 0 && segs.every((g) => typeof g?.segment === 'string' && isRange(g.r) && isRange(g.fm))) {
      out.rfm.segments = segs as NonNullable<Profile['rfm']['segments']>;
    } else errors.push('rfm.segments: must be a non-empty list of { segment: string, r: [lo, hi], fm: [lo, hi] } with scores 1–5');
  }
}
