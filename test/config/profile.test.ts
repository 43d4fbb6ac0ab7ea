import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_PROFILE, INTERVAL_BUDGET, ProfileError, resolveProfile } from '../../core/config.ts';
import { InputError } from '../../core/ingest/errors.ts';

/** The message of the error resolveProfile throws ('' when it accepts). */
function problem(p: unknown): string {
  try { resolveProfile(p); return ''; } catch (e) { return (e as Error).message; }
}

describe('profile defaults', () => {
  it('fills every field of the contract', () => {
    const p = resolveProfile({});
    expect(p).toMatchObject({
      asOf: '', timeUnit: 'week', timeZone: 'Asia/Shanghai', locale: 'en', header: 'auto',
      dateOrder: 'auto', encoding: 'auto', delimiter: 'auto', columns: {}, customerColumns: {}, surveyColumns: {},
      statuses: {}, dateWindow: { from: '1990-01-01' }, maxRecordBytes: 4_194_304, rejectExamples: 100, bom: true,
      model: 'auto', horizon: 52, discountRate: 0.1, margin: 1, intervals: { level: 0.8, draws: 200, seed: 1 },
      tierScheme: 'zeithaml', tierBy: 'clv', rfm: { bins: 5 }, dedupe: false, retentionPeriod: 'month',
      churn: { lowRiskPAlive: 0.7, highRiskPAlive: 0.3, lostAfterDays: 365 },
      receivables: { shortTermDays: 90, badDebtDays: 365 },
    });
    expect(p.dateWindow.to).toBeUndefined();
    expect(p.exclusions.codes).toContain('POST');
    expect(DEFAULT_PROFILE).toEqual(p);
  });

  it('fills nested defaults beside the fields given', () => {
    expect(resolveProfile({ churn: { lostAfterDays: 90 } }).churn).toEqual({ lowRiskPAlive: 0.7, highRiskPAlive: 0.3, lostAfterDays: 90 });
    expect(resolveProfile({ intervals: { seed: 7 } }).intervals).toEqual({ level: 0.8, draws: 200, seed: 7, budget: INTERVAL_BUDGET });
  });

  it('gives each call its own default lists', () => {
    const a = resolveProfile({});
    a.exclusions.codes.push('X');
    a.columns.customer = 'id';
    expect(resolveProfile({}).exclusions.codes).not.toContain('X');
    expect(resolveProfile({}).columns).toEqual({});
  });

  it('horizon: one year in the time unit unless given', () => {
    expect(resolveProfile({ timeUnit: 'week' }).horizon).toBe(52);
    expect(resolveProfile({ timeUnit: 'day' }).horizon).toBe(365);
    expect(resolveProfile({ timeUnit: 'month' }).horizon).toBe(12);
    expect(resolveProfile({ timeUnit: 'month', horizon: 24 }).horizon).toBe(24);
    expect(resolveProfile({ timeUnit: 'day', horizon: 0 }).horizon).toBe(0);
  });

  it('accepts gbk as gb18030, model auto, status codes', () => {
    const p = resolveProfile({ encoding: 'gbk', model: 'auto', statuses: { '0': 'unpaid', 2: 'cancelled', 交易关闭: 'cancelled' } });
    expect(p.encoding).toBe('gb18030');
    expect(p.model).toBe('auto');
    expect(p.statuses).toEqual({ '0': 'unpaid', '2': 'cancelled', 交易关闭: 'cancelled' });
    expect(resolveProfile({ encoding: 'latin1' }).encoding).toBe('latin1');
    expect(resolveProfile({ dateWindow: { from: '2000-01-01', to: '2024-12-31' } }).dateWindow).toEqual({ from: '2000-01-01', to: '2024-12-31' });
  });
});

describe('bad profiles', () => {
  const cases: [string, unknown, RegExp][] = [
    ['null', null, /^Invalid profile: expected an object of settings, got null$/],
    ['a list', [1, 2], /expected an object of settings, got a list/],
    ['a number', 3, /expected an object of settings, got 3/],
    ['nested typo', { rfm: { bin: 3 } }, /rfm\.bin: unknown field \(did you mean bins\?\)/],
    ['nested typo deeper', { rfm: { cuts: { r: [1, 2], q: [1] } } }, /rfm\.cuts\.q: unknown dimension/],
    ['typo in a list item', { rfm: { segments: [{ segment: 'a', r: [1, 5], fm: [1, 5], rr: 1 }] } }, /rfm\.segments\.0\.rr: unknown field/],
    ['non-integer bins', { rfm: { bins: 3.5 } }, /rfm\.bins: expected an integer from 2 to 10, got 3\.5/],
    ['bins as text', { rfm: { bins: '5' } }, /rfm\.bins: expected an integer from 2 to 10, got "5"/],
    ['an array for an object', { rfm: [] }, /rfm: expected an object/],
    ['null for an object', { churn: null }, /churn: expected an object/],
    ['NaN', { margin: NaN }, /margin: expected a number from 0 to 1, got NaN/],
    ['Infinity', { discountRate: Infinity }, /discountRate: expected a number from 0 to 10, got Infinity/],
    ['-Infinity horizon', { horizon: -Infinity }, /horizon: expected a number from 0 to 10000, got -Infinity/],
    ['wrong type', { dedupe: 'yes' }, /dedupe: expected true or false, got "yes"/],
    ['inverted churn thresholds', { churn: { highRiskPAlive: 0.8, lowRiskPAlive: 0.5 } }, /churn\.highRiskPAlive: must not exceed churn\.lowRiskPAlive/],
    ['inverted churn against a default', { churn: { highRiskPAlive: 0.9 } }, /churn\.highRiskPAlive: must not exceed/],
    ['inverted receivables', { receivables: { shortTermDays: 400, badDebtDays: 200 } }, /receivables\.shortTermDays: must not exceed receivables\.badDebtDays/],
    ['inverted date window', { dateWindow: { from: '2024-01-01', to: '2023-01-01' } }, /dateWindow\.from: must not be after dateWindow\.to/],
    ['impossible date', { dateWindow: { from: '2023-02-30' } }, /dateWindow\.from: expected a date YYYY-MM-DD, got "2023-02-30"/],
    ['calibration after as-of', { asOf: '2024-01-01', calibrationEnd: '2024-06-01' }, /calibrationEnd: must be before asOf/],
    ['custom tiers missing', { tierScheme: 'custom' }, /customTiers: required when tierScheme is "custom"/],
    ['custom tiers labels', { tierScheme: 'custom', customTiers: { by: 'value', cuts: [10], labels: ['a'] } }, /customTiers\.labels: expected one label more than cuts/],
    ['unknown role', { columns: { customr: 'x' } }, /columns\.customr: unknown role \(did you mean customer\?\)/],
    ['column zero', { customerColumns: { customer: 0 } }, /customerColumns\.customer: expected a header text or a 1-based column number, got 0/],
    ['unknown status meaning', { statuses: { 已付款: 'paid' } }, /statuses\.已付款: expected one of "kept", "cancelled", "refunded", "unpaid", got "paid"/],
    ['interval level 1', { intervals: { level: 1 } }, /intervals\.level: expected a number between 0 and 1, got 1/],
    ['draws not an integer', { intervals: { draws: 2.5 } }, /intervals\.draws: expected an integer/],
    ['zero record bytes', { maxRecordBytes: 0 }, /maxRecordBytes: expected an integer from 1 to/],
    ['negative reject examples', { rejectExamples: -1 }, /rejectExamples: expected an integer from 0 to/],
    ['unknown encoding', { encoding: 'big5' }, /encoding: expected one of .*"latin1".*got "big5"/],
    ['bom as text', { bom: 'no' }, /bom: expected true or false, got "no"/],
  ];
  for (const [name, input, want] of cases) {
    it(name, () => expect(problem(input)).toMatch(want));
  }

  it('is a one-line user error listing every bad field', () => {
    let err: unknown;
    try { resolveProfile({ asOf: '2024-13-01', timeUnit: 'year', margin: 2, rfm: { bin: 3 }, bogus: 1, churn: { highRiskPAlive: 0.95 } }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ProfileError);
    expect(err).toBeInstanceOf(InputError);
    const e = err as ProfileError;
    expect(e.message).not.toMatch(/\n/);
    expect(e.issues.map((i) => i.path).sort()).toEqual(['asOf', 'bogus', 'churn.highRiskPAlive', 'margin', 'rfm.bin', 'timeUnit']);
  });

  it('never shows a long value in full', () => {
    expect(problem({ timeZone: 'x'.repeat(10_000) }).length).toBeLessThan(200);
  });
});

// The objects of the profile, with a valid value for each, and where an unknown key can go.
const NESTED: { path: (string | number)[]; profile: () => Record<string, unknown> }[] = [
  { path: [], profile: () => ({}) },
  { path: ['rfm'], profile: () => ({ rfm: {} }) },
  { path: ['rfm', 'cuts'], profile: () => ({ rfm: { cuts: {} } }) },
  { path: ['rfm', 'segments', 0], profile: () => ({ rfm: { segments: [{ segment: 's', r: [1, 5], fm: [1, 5] }] } }) },
  { path: ['churn'], profile: () => ({ churn: {} }) },
  { path: ['receivables'], profile: () => ({ receivables: {} }) },
  { path: ['exclusions'], profile: () => ({ exclusions: {} }) },
  { path: ['dateWindow'], profile: () => ({ dateWindow: {} }) },
  { path: ['intervals'], profile: () => ({ intervals: {} }) },
  { path: ['customTiers'], profile: () => ({ customTiers: { by: 'value', cuts: [1], labels: ['a', 'b'] } }) },
];

/** Every field name at any level (a random key must not be one). */
const KNOWN = new Set([
  ...Object.keys(DEFAULT_PROFILE), 'sheet', 'calibrationEnd', 'customTiers', 'homeRegion', 'homeCountry',
  'bins', 'cuts', 'segments', 'r', 'f', 'm', 'segment', 'fm', 'lowRiskPAlive', 'highRiskPAlive', 'lostAfterDays',
  'shortTermDays', 'badDebtDays', 'codes', 'descriptions', 'from', 'to', 'level', 'draws', 'seed', 'by', 'labels',
]);

function at(obj: Record<string, unknown>, path: (string | number)[]): Record<string, unknown> {
  let o: unknown = obj;
  for (const k of path) o = (o as Record<string | number, unknown>)[k];
  return o as Record<string, unknown>;
}

describe('property: the schema rejects unknown keys at any depth', () => {
  it('names the path of a random unknown key in any object', () => {
    const key = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !/[.]/.test(k));
    fc.assert(fc.property(fc.constantFrom(...NESTED), key, fc.jsonValue(), (where, k, value) => {
      const p = where.profile();
      const target = at(p, where.path);
      fc.pre(!KNOWN.has(k));
      Object.defineProperty(target, k, { value, enumerable: true, configurable: true, writable: true });
      const msg = problem(p);
      expect(msg).toContain(`${[...where.path, k].join('.')}: unknown`);
    }), { numRuns: 300 });
  });

  it('accepts any in-range number and rejects any out-of-range or non-finite one, naming the field', () => {
    const fields: { path: string[]; min: number; max: number; integer: boolean }[] = [
      { path: ['margin'], min: 0, max: 1, integer: false },
      { path: ['discountRate'], min: 0, max: 10, integer: false },
      { path: ['horizon'], min: 0, max: 10_000, integer: false },
      { path: ['rfm', 'bins'], min: 2, max: 10, integer: true },
      { path: ['churn', 'lostAfterDays'], min: 1, max: 36_500, integer: false },
      { path: ['rejectExamples'], min: 0, max: 1_000_000, integer: true },
    ];
    const build = (path: string[], x: unknown) => path.reduceRight<unknown>((inner, k) => ({ [k]: inner }), x) as Record<string, unknown>;
    fc.assert(fc.property(fc.constantFrom(...fields), fc.double(), (f, x) => {
      const ok = Number.isFinite(x) && x >= f.min && x <= f.max && (!f.integer || Number.isInteger(x));
      const msg = problem(build(f.path, x));
      if (ok) {
        expect(msg).toBe('');
        expect(at(resolveProfile(build(f.path, x)), f.path.slice(0, -1))[f.path.at(-1)!]).toBe(x);
      } else {
        expect(msg).toContain(`${f.path.join('.')}: expected a${f.integer ? 'n integer' : ' number'} from ${f.min} to ${f.max}`);
      }
    }), { numRuns: 500 });
  });
});

describe('long keys and values', () => {
  it('are shortened in messages', () => {
    const msg = problem({ ['k'.repeat(5000)]: 1, rfm: { ['b'.repeat(5000)]: 2 } });
    expect(msg.length).toBeLessThan(300);
    expect(msg).toMatch(/(^|; )k+…: unknown field/);
    expect(msg).toMatch(/rfm\.b+…: unknown field/);
  });
});
