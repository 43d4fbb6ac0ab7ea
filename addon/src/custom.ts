/**
 * The PYRAMID_* custom functions. Each takes whole ranges (one call per range, not per cell),
 * returns a 2-D array that spills, and scores through the same core as the CLI.
 */
import { DEFAULT_PROFILE } from '../../core/config.ts';
import type { ModelSetting, TierScheme } from '../../core/config.ts';
import type { Locale, ScoreRun, SurveyResponse, TimeUnit } from '../../core/types.ts';
import { label } from '../../core/labels.ts';
import { oneYearHorizon } from '../../core/time-units.ts';
import { isoToDay, scoreTable } from '../../core/report/index.ts';
import { parseAmount } from '../../core/amounts.ts';
import { yesNo as yesNoWord } from '../../core/yesno.ts';
import { assignTiers } from '../../core/scores/tiers.ts';
import { reconciledSegment, isLost } from '../../core/scores/consistency.ts';
import { periodRetention } from '../../core/scores/retention.ts';
import { satisfactionLevel, surveyStats } from '../../core/scores/satisfaction.ts';
import { rankRfm } from '../../core/pipeline/rank.ts';
import { predict } from '../../core/pipeline/predict.ts';
import { ArgError, asOfArg, choiceArg, column, columns, localeArg, numberArg, rateArg, sheetTimeZone } from './args.ts';
import { customerScores, idCell, prepare, profileFor, summarize } from './engine.ts';
import { cachedFit } from './fitcache.ts';
import { sheetHeaders } from './headers.ts';
import { parseOptions } from './options.ts';

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

const MODELS: readonly ModelSetting[] = ['auto', 'bgnbd', 'paretonbd', 'mbgnbd'];
const SCHEMES: readonly Exclude<TierScheme, 'custom'>[] = ['zeithaml', 'ibm', 'pareto'];

/** PYRAMID_RFM needs no model: R, F, M by quantile and the grid segment (customers past the lost window are lost). */
export function PYRAMID_RFM(ids: unknown, dates: unknown, amounts: unknown, as_of: unknown, bins?: unknown, locale?: unknown): Out {
  const fn = 'PYRAMID_RFM';
  const [idc, datec, amountc] = columns(fn, [['ids', ids], ['dates', dates], ['amounts', amounts]]);
  const tz = sheetTimeZone();
  const asOf = asOfArg(as_of, fn, tz);
  const loc = localeArg(locale, fn);
  const profile = profileFor(fn, { asOf, timeZone: tz, locale: loc, rfm: { bins: numberArg(bins, 'bins', fn, DEFAULT_PROFILE.rfm.bins, { min: 2, max: 10, integer: true }) } });
  const { summaries, numericIds } = summarize(fn, idc, datec, amountc, profile, tz);
  const input = prepare(summaries, profile);
  const { rfm, rfmOptions } = rankRfm(input);
  const out: Out = [HEAD.rfm[loc]];
  input.rows.forEach((s, i) => {
    // Without a model P(alive) is unknown, so a dormant grid segment is not lifted (pAlive 0).
    const lost = isLost(input.scoreDay - s.lastDay, profile.churn);
    const segment = reconciledSegment(rfm.r5[i], rfm.fm5[i], 0, lost, rfmOptions.segments);
    out.push([idCell(s.id, numericIds), rfm.r[i], rfm.f[i], rfm.m[i], label('segment', segment, loc)]);
  });
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
    discountRate: rateArg(discount_rate, 'discount_rate', fn, DEFAULT_PROFILE.discountRate),
    margin: rateArg(margin, 'margin', fn, DEFAULT_PROFILE.margin),
    // No uncertainty intervals: this function shows none, and they are most of predict's time.
    intervals: { ...DEFAULT_PROFILE.intervals, draws: 0 },
  });
  const { summaries, numericIds } = summarize(fn, idc, datec, amountc, profile, tz);
  const input = prepare(summaries, profile);
  const p = predict(input, cachedFit(input).fitted);
  const out: Out = [HEAD.clv[loc]];
  input.rows.forEach((s, i) => out.push([idCell(s.id, numericIds), p.pAlive[i], p.expectedPurchases[i], p.expectedSpend[i], p.clv[i]]));
  return out;
}

/**
 * Every per-customer score in one fit: the columns of the CLI's customers.csv, with headers in
 * the sheet's language. `options`: a two-column range or "key=value; …" text (see options.ts).
 */
export function PYRAMID_SCORES(ids: unknown, dates: unknown, amounts: unknown, as_of: unknown, options?: unknown): Out {
  const fn = 'PYRAMID_SCORES';
  const [idc, datec, amountc] = columns(fn, [['ids', ids], ['dates', dates], ['amounts', amounts]]);
  const tz = sheetTimeZone();
  const asOf = asOfArg(as_of, fn, tz);
  const o = parseOptions(options, fn);
  const loc: Locale = localeArg(o.locale, fn);
  const timeUnit = choiceArg<TimeUnit>(o.timeUnit, 'time_unit', fn, DEFAULT_PROFILE.timeUnit, ['day', 'week', 'month']);
  const profile = profileFor(fn, {
    asOf, timeZone: tz, locale: loc, timeUnit,
    horizon: numberArg(o.horizon, 'horizon', fn, oneYearHorizon(timeUnit), { min: 0 }),
    discountRate: rateArg(o.discount, 'discount', fn, DEFAULT_PROFILE.discountRate),
    margin: rateArg(o.margin, 'margin', fn, DEFAULT_PROFILE.margin),
    tierScheme: choiceArg(o.tier, 'tier', fn, DEFAULT_PROFILE.tierScheme === 'custom' ? 'zeithaml' : DEFAULT_PROFILE.tierScheme, SCHEMES),
    rfm: { bins: numberArg(o.bins, 'bins', fn, DEFAULT_PROFILE.rfm.bins, { min: 2, max: 10, integer: true }) },
    ...(o.model === undefined || o.model === '' ? {} : { model: choiceArg<ModelSetting>(o.model, 'model', fn, 'auto', MODELS) }),
  });
  const { summaries, numericIds } = summarize(fn, idc, datec, amountc, profile, tz);
  const input = prepare(summaries, profile);
  // scoreTable reads only the customers of a run.
  const table = scoreTable({ customers: customerScores(input) } as ScoreRun, loc);
  const out: Out = [sheetHeaders(table.columns, loc)];
  for (const row of table.rows) {
    row[0] = idCell(String(row[0]), numericIds);
    out.push(row);
  }
  return out;
}

/** Tiers of values given as numbers or as the amount column writes them (`¥50`, `1,234.50`). */
export function PYRAMID_TIER(values: unknown, scheme?: unknown, locale?: unknown): Out {
  const fn = 'PYRAMID_TIER';
  const [vals] = columns(fn, [['values', values]]);
  const s = choiceArg(scheme, 'scheme', fn, 'zeithaml', SCHEMES);
  const loc = localeArg(locale, fn);
  // Blank cells get a blank tier; the rest are ranked together.
  const idx: number[] = [];
  const nums: number[] = [];
  vals.forEach((v, i) => {
    if (v === null || v === undefined || v === '') return;
    const x = parseAmount(v);
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
  const rates = periodRetention(summarize(fn, idc, datec, null, profile, tz).summaries, { period: retentionPeriod, asOfDay: isoToDay(asOf) });
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

function yesNo(fn: string, name: string, v: unknown): (boolean | undefined)[] {
  return column(v, name, fn).map((c, i) => {
    const answer = yesNoWord(c);
    if (answer !== null) return answer;
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
