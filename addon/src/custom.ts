/**
 * The PYRAMID_* custom functions. Each takes whole ranges (one call per range, not per cell),
 * returns a 2-D array that spills, and scores through the same core as the CLI.
 */
import { DEFAULT_PROFILE } from '../../core/config.ts';
import type { SurveyResponse, TimeUnit } from '../../core/types.ts';
import { label } from '../../core/labels.ts';
import { oneYearHorizon } from '../../core/time-units.ts';
import { isoToDay } from '../../core/report/format.ts';
import { assignTiers } from '../../core/scores/tiers.ts';
import { periodRetention } from '../../core/scores/retention.ts';
import { satisfactionLevel, surveyStats } from '../../core/scores/satisfaction.ts';
import { ArgError, asOfArg, choiceArg, column, columns, localeArg, numberArg, sheetTimeZone } from './args.ts';
import { profileFor, score, summarize } from './engine.ts';

type Out = (string | number)[][];

const HEAD = {
  rfm: { en: ['Customer', 'R', 'F', 'M', 'Segment'], 'zh-CN': ['客户', 'R', 'F', 'M', '客户分群'] },
  clv: {
    en: ['Customer', 'P(alive)', 'Expected purchases', 'Expected spend', 'CLV'],
    'zh-CN': ['客户', '存活概率', '预期购买次数', '预期单次消费', '客户终身价值'],
  },
  retention: {
    en: ['Period', 'Active', 'Retained', 'Retention rate', 'Churn rate'],
    'zh-CN': ['期间', '活跃客户', '保持客户', '客户保持率', '客户流失率'],
  },
};

export function PYRAMID_RFM(ids: unknown, dates: unknown, amounts: unknown, as_of: unknown, bins?: unknown, locale?: unknown): Out {
  const fn = 'PYRAMID_RFM';
  const [idc, datec, amountc] = columns(fn, [['ids', ids], ['dates', dates], ['amounts', amounts]]);
  const tz = sheetTimeZone();
  const asOf = asOfArg(as_of, fn, tz);
  const loc = localeArg(locale, fn);
  const profile = profileFor(fn, { asOf, timeZone: tz, locale: loc, rfm: { bins: numberArg(bins, 'bins', fn, DEFAULT_PROFILE.rfm.bins, { min: 2, max: 10, integer: true }) } });
  const run = score(summarize(fn, idc, datec, amountc, profile, tz), profile);
  const out: Out = [HEAD.rfm[loc]];
  for (const c of run.customers) out.push([c.id, c.rfm.r, c.rfm.f, c.rfm.m, label('segment', c.rfm.segment, loc)]);
  return out;
}

export function PYRAMID_CLV(
  ids: unknown, dates: unknown, amounts: unknown, as_of: unknown,
  horizon?: unknown, discount_rate?: unknown, margin?: unknown, time_unit?: unknown, locale?: unknown,
): Out {
  const fn = 'PYRAMID_CLV';
  const [idc, datec, amountc] = columns(fn, [['ids', ids], ['dates', dates], ['amounts', amounts]]);
  const tz = sheetTimeZone();
  const asOf = asOfArg(as_of, fn, tz);
  const loc = localeArg(locale, fn);
  const timeUnit = choiceArg<TimeUnit>(time_unit, 'time_unit', fn, DEFAULT_PROFILE.timeUnit, ['day', 'week', 'month']);
  const profile = profileFor(fn, {
    asOf, timeZone: tz, locale: loc, timeUnit,
    horizon: numberArg(horizon, 'horizon', fn, oneYearHorizon(timeUnit), { min: 0 }),
    discountRate: numberArg(discount_rate, 'discount_rate', fn, DEFAULT_PROFILE.discountRate, { min: 0, max: 10 }),
    margin: numberArg(margin, 'margin', fn, DEFAULT_PROFILE.margin, { min: 0, max: 1 }),
  });
  const run = score(summarize(fn, idc, datec, amountc, profile, tz), profile);
  const out: Out = [HEAD.clv[loc]];
  for (const c of run.customers) out.push([c.id, c.pAlive, c.expectedPurchases, c.expectedSpend, c.clv]);
  return out;
}

export function PYRAMID_TIER(values: unknown, scheme?: unknown, locale?: unknown): Out {
  const fn = 'PYRAMID_TIER';
  const [vals] = columns(fn, [['values', values]]);
  const s = choiceArg(scheme, 'scheme', fn, 'zeithaml', ['zeithaml', 'ibm', 'pareto'] as const);
  const loc = localeArg(locale, fn);
  // Blank cells get a blank tier; the rest are ranked together.
  const idx: number[] = [];
  const nums: number[] = [];
  vals.forEach((v, i) => {
    if (v === null || v === undefined || v === '') return;
    const x = typeof v === 'number' ? v : Number(String(v).replace(/,/g, ''));
    if (!Number.isFinite(x)) throw new ArgError(`${fn}: values row ${i + 1} is not a number: ${JSON.stringify(v)}`);
    idx.push(i);
    nums.push(x);
  });
  const ids = idx.map((i) => String(i).padStart(9, '0'));
  const { tier } = assignTiers(nums, ids, s);
  const out: Out = vals.map(() => ['']);
  idx.forEach((i, k) => { out[i] = [label('tier', tier[k], loc)]; });
  return out.length ? out : [['']];
}

export function PYRAMID_RETENTION(ids: unknown, dates: unknown, as_of: unknown, period?: unknown, locale?: unknown): Out {
  const fn = 'PYRAMID_RETENTION';
  const [idc, datec] = columns(fn, [['ids', ids], ['dates', dates]]);
  const tz = sheetTimeZone();
  const asOf = asOfArg(as_of, fn, tz);
  const loc = localeArg(locale, fn);
  const retentionPeriod = choiceArg(period, 'period', fn, DEFAULT_PROFILE.retentionPeriod, ['week', 'month', 'quarter', 'year'] as const);
  const profile = profileFor(fn, { asOf, timeZone: tz, locale: loc, retentionPeriod });
  const rates = periodRetention(summarize(fn, idc, datec, null, profile, tz), { period: retentionPeriod, asOfDay: isoToDay(asOf) });
  const out: Out = [HEAD.retention[loc]];
  // Only complete periods: a period whose next one is still running could still gain retained customers.
  for (const r of rates) if (!r.partial) out.push([r.period, r.active, r.retained, r.retention, r.churn]);
  return out;
}

/** Survey answers on a fixed scale; blanks skipped, anything else named by row. */
function scale(fn: string, name: string, v: unknown, min: number, max: number): (number | undefined)[] {
  return column(v, name, fn).map((c, i) => {
    if (c === null || c === undefined || c === '') return undefined;
    const x = typeof c === 'number' ? c : Number(String(c).trim());
    if (!Number.isFinite(x) || x < min || x > max) {
      throw new ArgError(`${fn}: ${name} row ${i + 1} must be a number from ${min} to ${max}, got ${JSON.stringify(c)}`);
    }
    return x;
  });
}

function stats(responses: SurveyResponse[]) {
  return surveyStats(responses, []);
}

export function PYRAMID_NPS(scores: unknown): number | string {
  const fn = 'PYRAMID_NPS';
  const answers = scale(fn, 'scores', scores, 0, 10);
  const nps = stats(answers.flatMap((nps, i) => (nps === undefined ? [] : [{ customerId: String(i), day: 0, nps }]))).nps;
  if (nps === null) throw new ArgError(`${fn}: scores has no answers`);
  return nps;
}

export function PYRAMID_CSAT(scores: unknown): number | string {
  const fn = 'PYRAMID_CSAT';
  const answers = scale(fn, 'scores', scores, 1, 5);
  const csat = stats(answers.flatMap((csat, i) => (csat === undefined ? [] : [{ customerId: String(i), day: 0, csat }]))).csat;
  if (csat === null) throw new ArgError(`${fn}: scores has no answers`);
  return csat;
}

const YES = new Set(['yes', 'y', 'true', '1', '是', '会', '愿意', '是的']);
const NO = new Set(['no', 'n', 'false', '0', '否', '不会', '不愿意', '不是']);

function yesNo(fn: string, name: string, v: unknown): (boolean | undefined)[] {
  return column(v, name, fn).map((c, i) => {
    if (c === null || c === undefined || c === '') return undefined;
    if (typeof c === 'boolean') return c;
    const s = String(c).trim().toLowerCase();
    if (YES.has(s)) return true;
    if (NO.has(s)) return false;
    throw new ArgError(`${fn}: ${name} row ${i + 1} must be yes or no, got ${JSON.stringify(c)}`);
  });
}

export function PYRAMID_SATISFACTION(csat: unknown, nps: unknown, will_return: unknown, will_recommend: unknown, locale?: unknown): Out {
  const fn = 'PYRAMID_SATISFACTION';
  const given: [string, unknown[]][] = [
    ['csat', scale(fn, 'csat', csat, 1, 5)],
    ['nps', scale(fn, 'nps', nps, 0, 10)],
    ['will_return', yesNo(fn, 'will_return', will_return)],
    ['will_recommend', yesNo(fn, 'will_recommend', will_recommend)],
  ];
  // A blank argument means "not asked"; the others must line up row by row.
  const present = given.filter(([, c]) => c.length > 0);
  if (present.length === 0) throw new ArgError(`${fn}: give at least one of csat, nps, will_return, will_recommend`);
  const n = present[0][1].length;
  for (const [name, c] of present) {
    if (c.length !== n) throw new ArgError(`${fn}: ${name} has ${c.length} cells but ${present[0][0]} has ${n}; give ranges of the same size`);
  }
  const at = (k: number, i: number) => given[k][1][i];
  const loc = blankArg(locale) ? null : localeArg(locale, fn);
  const out: Out = [];
  for (let i = 0; i < n; i++) {
    const level = satisfactionLevel({
      customerId: String(i), day: 0,
      csat: at(0, i) as number | undefined, nps: at(1, i) as number | undefined,
      willReturn: at(2, i) as boolean | undefined, willRecommend: at(3, i) as boolean | undefined,
    });
    out.push([level === null ? '' : loc ? label('satisfaction', String(level), loc) : level]);
  }
  return out;
}

const blankArg = (v: unknown) => v === null || v === undefined || v === '';
