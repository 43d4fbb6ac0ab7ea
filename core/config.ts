/**
 * One configuration profile shared by every entry point (CLI, Lambda, Sheets add-on), defined once
 * as a valibot schema: the schema gives the TypeScript type, the defaults and the validation.
 * `resolveProfile` validates a partial profile (e.g. parsed JSON) and fills every default.
 * Every object is strict: an unknown key anywhere is an error naming its path (usually a typo).
 */
import * as v from 'valibot';
import { InputError } from './ingest/errors.ts';
import { ONE_YEAR } from './time-units.ts';
import { parseIsoDay } from './dates.ts';

/**
 * Default interval budget: (x, T) × draw evaluations, about 5 s of work on one core of a small
 * cloud machine (≈ 3,000 distinct (frequency, T) pairs at 20 draws, some 10,000 customers).
 */
export const INTERVAL_BUDGET = 100_000;

export const COLUMN_ROLES = [
  'customer', 'date', 'amount', 'quantity', 'unitPrice', 'orderId', 'status', 'refund',
  'cost', 'margin', 'productCode', 'description', 'channel', 'cancelledAt',
  // customers table
  'name', 'type', 'industry', 'region', 'country', 'segment', 'settlement', 'receivable',
  'overdueDays', 'pipelineStage', 'size', 'acquisitionCost', 'serviceCost', 'signupDate', 'churnDate',
  // surveys table
  'csat', 'nps', 'willReturn', 'willRecommend', 'surveyDate',
] as const;
export type ColumnRole = (typeof COLUMN_ROLES)[number];
export type TierScheme = 'zeithaml' | 'ibm' | 'pareto' | 'custom';
export type PurchaseModelKind = 'bgnbd' | 'paretonbd' | 'mbgnbd';
/** What the profile may ask for: one purchase model, or `auto` to let the fits decide. */
export type ModelSetting = 'auto' | PurchaseModelKind;
export type StatusMeaning = 'kept' | 'cancelled' | 'refunded' | 'unpaid';
export type StatusClass = StatusMeaning;


// ---------------------------------------------------------------------------------------------
// Building blocks. Each carries one message, so a field reports one clear reason.

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Levenshtein distance, for "did you mean" on unknown keys (keys are short; bounded by their length). */
function distance(a: string, b: string): number {
  if (a.length > 64 || b.length > 64) return Infinity;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

function unknownKey(key: string, known: readonly string[], noun: string, listAll = known.length <= 12): string {
  const near = known.find((k) => {
    const d = distance(key.toLowerCase(), k.toLowerCase());
    return d <= 2 && d < Math.min(key.length, k.length) / 2;
  });
  if (near) return `unknown ${noun} (did you mean ${near}?)`;
  return listAll ? `unknown ${noun} (known: ${known.join(', ')})` : `unknown ${noun}`;
}

/** A strict object: not an array, not null, no key outside `entries`. */
function strict<const E extends v.ObjectEntries>(entries: E, noun = 'field') {
  const known = Object.keys(entries);
  return v.pipe(
    v.unknown(),
    v.check(isRecord, 'expected an object'),
    v.strictObject(entries, (issue) => {
      if (issue.expected === 'never') return unknownKey(String(issue.input), known, noun);
      if (issue.expected === 'Object') return 'expected an object';
      return 'required';
    }),
  );
}

/**
 * A rule between fields of one object, reported on field `at`. It runs as soon as `keys` are valid,
 * even when other fields are not, so one message lists every problem.
 */
function crossCheck<T extends Record<string, unknown>>(keys: (keyof T & string)[], at: keyof T & string, ok: (x: T) => boolean, message: string) {
  const check = v.partialCheck(keys.map((k) => [k]) as [[string]], ok as (x: unknown) => boolean, message);
  return v.forward(check as never, [at] as never) as v.BaseValidation<T, T, v.BaseIssue<unknown>>;
}

const numberIn = (min: number, max: number) => {
  const m = `expected a number from ${min} to ${max}`;
  return v.pipe(v.number(m), v.finite(m), v.minValue(min, m), v.maxValue(max, m));
};
const intIn = (min: number, max: number) => {
  const m = `expected an integer from ${min} to ${max}`;
  return v.pipe(v.number(m), v.integer(m), v.minValue(min, m), v.maxValue(max, m));
};
const oneOf = <const T extends readonly string[]>(options: T) =>
  v.picklist(options, `expected one of ${options.map((o) => JSON.stringify(o)).join(', ')}`);
const bool = v.boolean('expected true or false');
const text = v.string('expected a text');

/** A `YYYY-MM-DD` text naming a real calendar day (core/dates.ts `parseIsoDay`, untrimmed). */
export function isIsoDate(s: unknown): s is string {
  return typeof s === 'string' && s === s.trim() && Number.isFinite(parseIsoDay(s));
}
const isoDate = v.pipe(v.string('expected a date YYYY-MM-DD'), v.check((s: string) => isIsoDate(s), 'expected a date YYYY-MM-DD'));

function isTimeZone(z: string): boolean {
  try { new Intl.DateTimeFormat('en-US', { timeZone: z }); return true; } catch { return false; }
}

/** Role → header text or 1-based column number. */
const columnMap = (() => {
  const m = 'expected a header text or a 1-based column number';
  const ref = v.union([v.pipe(v.string(m), v.check((s) => s.trim() !== '', m)), v.pipe(v.number(m), v.integer(m), v.minValue(1, m))], m);
  const role = v.pipe(v.string(), v.check((k) => (COLUMN_ROLES as readonly string[]).includes(k), (i) => unknownKey(String(i.input), COLUMN_ROLES, 'role', true)));
  return v.optional(v.pipe(v.unknown(), v.check(isRecord, 'expected an object role → column'), v.record(role, ref),
    v.transform((r) => r as Partial<Record<ColumnRole, string | number>>)), () => ({}));
})();

const ascending = v.pipe(
  v.array(v.pipe(v.number('must be ascending numbers'), v.finite('must be ascending numbers')), 'must be ascending numbers'),
  v.check((a) => a.every((x, i) => i === 0 || x > a[i - 1]), 'must be ascending numbers'),
);
const scoreRange = v.pipe(
  v.strictTuple([intIn(1, 5), intIn(1, 5)], 'expected [low, high] scores from 1 to 5'),
  v.check(([a, b]) => a <= b, 'expected [low, high] with low ≤ high'),
);

const DEFAULT_EXCLUDED_CODES = ['POST', 'DOT', 'M', 'BANK CHARGES', 'C2', 'CRUK', 'D', 'S', 'AMAZONFEE', 'ADJUST', 'ADJUST2', 'B', 'PADS'];
const DEFAULT_EXCLUDED_DESCRIPTIONS = ['postage', 'carriage', 'manual', 'bank charges', 'discount', 'amazon fee', 'adjust bad debt', '运费', '邮费', '手续费', '调整'];
const ENCODINGS = ['auto', 'utf-8', 'utf-16le', 'utf-16be', 'gb18030', 'latin1', 'cp1252'] as const;
type Encoding = (typeof ENCODINGS)[number];

// ---------------------------------------------------------------------------------------------
// The profile.

const DateWindow = strict({ from: v.optional(isoDate, '1990-01-01'), to: v.optional(isoDate) });
const CustomTiers = strict({
  by: oneOf(['percentile', 'value']),
  cuts: v.array(v.pipe(v.number('expected a list of numbers'), v.finite('expected a list of numbers')), 'expected a list of numbers'),
  labels: v.array(text, 'expected a list of texts'),
});
const Churn = strict({
  /** P(alive) at or above → low risk. */
  lowRiskPAlive: v.optional(numberIn(0, 1), 0.7),
  /** P(alive) below → high risk. */
  highRiskPAlive: v.optional(numberIn(0, 1), 0.3),
  /** Days without purchase after which a customer counts as lost, whatever the model says. */
  lostAfterDays: v.optional(numberIn(1, 36_500), 365),
});
const Receivables = strict({ shortTermDays: v.optional(numberIn(0, 36_500), 90), badDebtDays: v.optional(numberIn(0, 36_500), 365) });

type Fields = v.InferOutput<typeof Fields>;
const Fields = strict({
    /** The day scores are computed as of, `YYYY-MM-DD`. Required to score (`''` = not given yet). */
    asOf: v.optional(v.pipe(v.string('expected a date YYYY-MM-DD'), v.check((s) => s === '' || isIsoDate(s), 'expected a date YYYY-MM-DD')), ''),
    /** Unit of recency, T, horizon and model parameters. */
    timeUnit: v.optional(oneOf(['day', 'week', 'month']), 'week'),
    /** IANA zone used to turn timestamps with an offset into calendar days. */
    timeZone: v.optional(v.pipe(text, v.check(isTimeZone, 'expected an IANA time zone such as Asia/Shanghai')), 'Asia/Shanghai'),
    /** Language of labels and of the customers.csv header row. */
    locale: v.optional(oneOf(['en', 'zh-CN']), 'en'),
    /** Column map for transaction files (role → header text, or 1-based column number). Overrides detection. */
    columns: columnMap,
    /** The same for customer master-data files. */
    customerColumns: columnMap,
    /** The same for survey files. */
    surveyColumns: columnMap,
    /** Whether the file has a header row. `auto` guesses from the first row. */
    header: v.optional(v.union([v.literal('auto'), v.boolean()], 'expected "auto", true or false'), 'auto'),
    dateOrder: v.optional(oneOf(['auto', 'YMD', 'MDY', 'DMY']), 'auto'),
    /** Text encoding of the inputs; `gbk` is accepted as another name of `gb18030`. */
    encoding: v.optional(v.pipe(oneOf([...ENCODINGS, 'gbk']), v.transform((e): Encoding => (e === 'gbk' ? 'gb18030' : e))), 'auto'),
    delimiter: v.optional(oneOf(['auto', ',', ';', '\t', '|', 'whitespace']), 'auto'),
    /** XLSX sheet name; first sheet when absent. */
    sheet: v.optional(text),
    /** Status text (or numeric code) → meaning, matched after trim and case-fold. */
    statuses: v.optional(v.pipe(
      v.unknown(), v.check(isRecord, 'expected an object status → kept | cancelled | refunded | unpaid'),
      v.record(v.pipe(v.string(), v.check((k) => k.trim() !== '', 'empty status')), oneOf(['kept', 'cancelled', 'refunded', 'unpaid'])),
    ), () => ({})),
    /** Plausible dates: rows dated outside are rejected. `to` defaults to asOf + 1 day. */
    dateWindow: v.optional(v.pipe(DateWindow, crossCheck<v.InferOutput<typeof DateWindow>>(['from', 'to'], 'from',
      (w) => w.to === undefined || w.from <= w.to, 'must not be after dateWindow.to')), () => ({})),
    /** Longest record (line) accepted, in bytes; a longer one is rejected as one line. */
    maxRecordBytes: v.optional(intIn(1, 1 << 30), 4_194_304),
    /** Rejects kept in memory as examples for the summary; all of them still go to rejects.csv. */
    rejectExamples: v.optional(intIn(0, 1_000_000), 100),
    /** UTF-8 byte order mark at the start of every CSV written (Excel needs it to read UTF-8). */
    bom: v.optional(bool, true),
    /** Non-purchase lines (postage, bank charges, fees, adjustments), matched on product code or description (case-insensitive, exact). */
    exclusions: v.optional(strict({
      codes: v.optional(v.array(text, 'expected a list of texts'), () => [...DEFAULT_EXCLUDED_CODES]),
      descriptions: v.optional(v.array(text, 'expected a list of texts'), () => [...DEFAULT_EXCLUDED_DESCRIPTIONS]),
    }), () => ({})),
    /** Reject exact duplicate lines. */
    dedupe: v.optional(bool, false),
    /** Split calibration / holdout at this day (`YYYY-MM-DD`): models fit up to it, holdout counts after it. */
    calibrationEnd: v.optional(isoDate),
    /** Period used for retention / churn rates and cohorts. */
    retentionPeriod: v.optional(oneOf(['week', 'month', 'quarter', 'year']), 'month'),

    // models and value
    /** `auto`: fit all three, score each on a holdout of the customers' own history, keep the best (core/models/select.ts). */
    model: v.optional(oneOf(['auto', 'bgnbd', 'paretonbd', 'mbgnbd']), 'auto'),
    /** CLV horizon, in `timeUnit` periods; absent → one year in the time unit (52 weeks, 365 days, 12 months). */
    horizon: v.optional(numberIn(0, 10_000)),
    /** Annual discount rate (0.1 = 10 %/year); converted to the time unit for CLV. */
    discountRate: v.optional(numberIn(0, 10), 0.1),
    /** Gross margin applied to spend (0–1). */
    margin: v.optional(numberIn(0, 1), 1),
    /** Uncertainty intervals: coverage level, parameter draws and the seed that makes them reproducible. */
    intervals: v.optional(strict({
      level: v.optional(v.pipe(v.number('expected a number between 0 and 1'), v.gtValue(0, 'expected a number between 0 and 1'), v.ltValue(1, 'expected a number between 0 and 1')), 0.8),
      draws: v.optional(intIn(0, 100_000), 200),
      seed: v.optional(intIn(0, 2 ** 32 - 1), 1),
      /** Most (x, T) × draw evaluations spent on intervals, 0 = no limit (core/models/intervals.ts). */
      budget: v.optional(intIn(0, 1_000_000_000), INTERVAL_BUDGET),
    }), () => ({})),

    // tiers
    tierScheme: v.optional(oneOf(['zeithaml', 'ibm', 'pareto', 'custom']), 'zeithaml'),
    tierBy: v.optional(oneOf(['clv', 'historic', 'margin']), 'clv'),
    /** For `custom`: cut points, highest tier first, by top-percentile (e.g. [1, 5, 20]) or by value. */
    customTiers: v.optional(v.pipe(CustomTiers, crossCheck<v.InferOutput<typeof CustomTiers>>(['cuts', 'labels'], 'labels',
      (c) => c.labels.length === c.cuts.length + 1, 'expected one label more than cuts'))),

    /**
     * RFM. bins: scores 1..bins by quantile. cuts: ascending cut points per dimension instead (R in days since
     * the last purchase). segments: R × FM rules, first match wins (see core/scores/rfm.ts).
     */
    rfm: v.optional(strict({
      bins: v.optional(intIn(2, 10), 5),
      cuts: v.optional(strict({ r: v.optional(ascending), f: v.optional(ascending), m: v.optional(ascending) }, 'dimension')),
      segments: v.optional(v.pipe(
        v.array(strict({ segment: text, r: scoreRange, fm: scoreRange }), 'expected a list of { segment, r, fm }'),
        v.minLength(1, 'expected at least one segment rule'),
      )),
    }), () => ({})),

    /** Churn-risk thresholds. */
    churn: v.optional(v.pipe(Churn, crossCheck<v.InferOutput<typeof Churn>>(['lowRiskPAlive', 'highRiskPAlive'], 'highRiskPAlive',
      (c) => c.highRiskPAlive <= c.lowRiskPAlive, 'must not exceed churn.lowRiskPAlive')), () => ({})),

    // master data classes
    homeRegion: v.optional(text),
    homeCountry: v.optional(text),
    /** Receivables ageing thresholds in days: above `short` is long-term, above `bad` is bad debt. */
    receivables: v.optional(v.pipe(Receivables, crossCheck<v.InferOutput<typeof Receivables>>(['shortTermDays', 'badDebtDays'], 'shortTermDays',
      (r) => r.shortTermDays <= r.badDebtDays, 'must not exceed receivables.badDebtDays')), () => ({})),
  });

export const ProfileSchema = v.pipe(
  Fields,
  crossCheck<Fields>(['asOf', 'calibrationEnd'], 'calibrationEnd', (p) => !p.asOf || !p.calibrationEnd || p.calibrationEnd < p.asOf, 'must be before asOf'),
  crossCheck<Fields>(['tierScheme', 'customTiers'], 'customTiers', (p) => p.tierScheme !== 'custom' || p.customTiers !== undefined,
    'required when tierScheme is "custom"'),
  v.transform((p: Fields) => ({ ...p, horizon: p.horizon ?? ONE_YEAR[p.timeUnit] })),
);

/** What a caller may pass (every field optional). */
export type ProfileInput = v.InferInput<typeof ProfileSchema>;
/** A validated profile with every default filled. */
export type Profile = v.InferOutput<typeof ProfileSchema>;

/** One bad field: its dotted path (`rfm.bins`; '' for the whole profile) and why. */
export interface ProfileIssue { path: string; message: string }

/** An invalid profile: a user error, reported in one line that names every bad field. */
export class ProfileError extends InputError {
  constructor(readonly issues: ProfileIssue[], prefix = 'Invalid profile') {
    super(`${prefix}: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`);
    this.name = 'ProfileError';
  }
}

/** A short, printable form of a bad value. */
function shown(x: unknown): string {
  const s = typeof x === 'string' ? JSON.stringify(x) : String(x);
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}

function issuesOf(issues: readonly v.BaseIssue<unknown>[]): ProfileIssue[] {
  const out = new Map<string, string>();
  for (const issue of issues) {
    const full = v.getDotPath(issue) ?? '';
    const path = full.length > 80 ? `${full.slice(0, 77)}…` : full;
    if (out.has(path)) continue; // one reason per field
    const last = issue.path?.[issue.path.length - 1] as { origin?: string } | undefined;
    const primitive = issue.input === null || ['string', 'number', 'boolean'].includes(typeof issue.input);
    out.set(path, last?.origin !== 'key' && primitive ? `${issue.message}, got ${shown(issue.input)}` : issue.message);
  }
  return [...out].map(([path, message]) => ({ path, message }));
}

/** Validate a partial profile and fill every default. Throws one ProfileError listing every bad field. */
export function resolveProfile(partial: unknown): Profile {
  if (partial === undefined) partial = {};
  if (!isRecord(partial)) {
    throw new ProfileError([{ path: '', message: `expected an object of settings, got ${Array.isArray(partial) ? 'a list' : shown(partial)}` }]);
  }
  const r = v.safeParse(ProfileSchema, partial);
  if (!r.success) throw new ProfileError(issuesOf(r.issues));
  return r.output;
}

/** Every default (asOf empty: it has none). */
export const DEFAULT_PROFILE: Profile = resolveProfile({});
