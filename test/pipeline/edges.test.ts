/**
 * Edges of the scoring pipeline: the default horizon per time unit, the one time-unit table, an
 * as-of date before every purchase, partial retention periods and cohort columns, ISO period
 * labels, and the Gamma-Gamma q ≤ 1 fallback.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE, resolveProfile, type Profile } from '../../core/config.ts';
import { scoreCustomers } from '../../core/pipeline.ts';
import { InputError } from '../../core/ingest/errors.ts';
import { civilToDay, periodIndex, unitDays as datesUnitDays } from '../../core/dates.ts';
import { periodComplete, periodLabel, periodStart } from '../../core/periods.ts';
import { periodDiscountRate } from '../../core/models/index.ts';
import { isoToDay } from '../../core/report/format.ts';
import { UNIT_DAYS } from '../../core/time-units.ts';
import { runScore } from '../../cli/score.ts';
import { simulate, SIM_DEFAULT } from './simulate.ts';

const root = resolve(import.meta.dirname, '../..');

describe('default horizon: one year in the time unit', () => {
  it('resolves 52 weeks, 365 days or 12 months unless given', () => {
    expect(resolveProfile({ asOf: '2024-06-30' }).horizon).toBe(52);
    expect(resolveProfile({ asOf: '2024-06-30', timeUnit: 'day' }).horizon).toBe(365);
    expect(resolveProfile({ asOf: '2024-06-30', timeUnit: 'month' }).horizon).toBe(12);
    expect(resolveProfile({ asOf: '2024-06-30', timeUnit: 'month', horizon: 24 }).horizon).toBe(24);
  });

  it('the pipeline scores over the resolved horizon', () => {
    const sim = simulate(300, 5, isoToDay('2024-06-30'));
    const months = sim.summaries.map((s) => ({ ...s, recency: s.recency * 7 / UNIT_DAYS.month, T: s.T * 7 / UNIT_DAYS.month }));
    const byDefault = scoreCustomers(months, resolveProfile({ asOf: '2024-06-30', timeUnit: 'month' }));
    const explicit = scoreCustomers(months, resolveProfile({ asOf: '2024-06-30', timeUnit: 'month', horizon: 12 }));
    expect(byDefault.customers.map((c) => c.expectedPurchases)).toEqual(explicit.customers.map((c) => c.expectedPurchases));
    expect(byDefault.customerEquity).toBe(explicit.customerEquity);
  });
});

describe('one time-unit table', () => {
  it('a month is 365.25 / 12 days wherever the core counts time', () => {
    expect(UNIT_DAYS.month).toBe(365.25 / 12);
    expect(datesUnitDays('month')).toBe(UNIT_DAYS.month);
    // twelve monthly discount periods make exactly one year
    expect(Math.pow(1 + periodDiscountRate(0.1, 'month'), 12)).toBeCloseTo(1.1, 12);
  });

  it('no other file of the core defines the length of a unit', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts')) files.push(p);
      }
    };
    walk(join(root, 'core'));
    const code = (f: string) => readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    const defining = files.filter((f) => /365\.25\s*\/\s*12|month:\s*30(\.\d+)?\b|week:\s*7\b/.test(code(f)));
    expect(defining.map((f) => f.slice(root.length + 1))).toEqual(['core/time-units.ts']);
  });
});

describe('an as-of date before every purchase', () => {
  let dir = '';
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'pyramid-asof-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const orders = 'customer,date,amount\nA,2024-03-01,10\nB,2024-04-02,20\nA,2024-05-03,15\n';

  it('is an InputError, not an empty result', async () => {
    const f = join(dir, 'orders.csv');
    writeFileSync(f, orders);
    await expect(runScore({ files: [f], overrides: { asOf: '2023-12-31' }, out: join(dir, 'out') })).rejects.toThrow(InputError);
    await expect(runScore({ files: [f], overrides: { asOf: '2023-12-31' }, out: join(dir, 'out') })).rejects.toThrow(/as-of date 2023-12-31 is before every purchase/);
    // Like any unusable input, it leaves no output behind (not even the rejects.csv of its rows).
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('makes the CLI exit with code 2 and one line', () => {
    const f = join(dir, 'orders2.csv');
    writeFileSync(f, orders);
    const r = spawnSync(process.execPath, [join(root, 'bin/pyramid.mjs'), 'score', f, '--as-of', '2023-12-31', '--out', join(dir, 'out2')], { encoding: 'utf8', cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/before every purchase/);
  });

  it('is refused by scoreCustomers too', () => {
    const sim = simulate(30, 1, isoToDay('2024-06-30'));
    expect(() => scoreCustomers(sim.summaries, { ...DEFAULT_PROFILE, asOf: '2022-01-01' })).toThrow(InputError);
  });
});

describe('retention periods: ISO labels, partial periods flagged', () => {
  it('labels weeks, months, quarters and years the ISO way', () => {
    const at = (y: number, m: number, d: number, p: 'week' | 'month' | 'quarter' | 'year') => periodLabel(periodIndex(civilToDay(y, m, d), p), p);
    expect(at(2024, 1, 1, 'week')).toBe('2024-W01');
    expect(at(2024, 1, 31, 'week')).toBe('2024-W05');
    expect(at(2021, 1, 1, 'week')).toBe('2020-W53'); // a Friday: its week's Thursday is in 2020
    expect(at(2019, 12, 30, 'week')).toBe('2020-W01');
    expect(at(2024, 3, 9, 'month')).toBe('2024-03');
    expect(at(2024, 2, 29, 'quarter')).toBe('2024-Q1');
    expect(at(2024, 12, 31, 'quarter')).toBe('2024-Q4');
    expect(at(2024, 7, 1, 'year')).toBe('2024');
    expect(at(1969, 12, 31, 'month')).toBe('1969-12');
    expect(periodStart(periodIndex(civilToDay(2024, 5, 17), 'quarter'), 'quarter')).toBe(civilToDay(2024, 4, 1));
    expect(periodComplete(periodIndex(civilToDay(2024, 3, 31), 'month'), 'month', civilToDay(2024, 3, 31))).toBe(true);
    expect(periodComplete(periodIndex(civilToDay(2024, 3, 30), 'month'), 'month', civilToDay(2024, 3, 30))).toBe(false);
  });

  const summariesAt = (asOf: string) => {
    const day = isoToDay(asOf);
    return simulate(400, 3, day).summaries.map((s) => ({
      ...s,
      activePeriods: [...new Set([s.firstDay, s.lastDay].map((d) => periodIndex(d, 'month')))],
    }));
  };

  it('mid-month: the last rate waits on a running month and the last cohort column is that month', () => {
    const profile: Profile = { ...DEFAULT_PROFILE, asOf: '2024-06-15' };
    const run = scoreCustomers(summariesAt(profile.asOf), profile);
    const periods = run.retention.periods;
    expect(periods.at(-1)).toMatchObject({ period: '2024-05', partial: true });
    expect(periods.slice(0, -1).every((p) => !p.partial)).toBe(true);
    expect(periods.every((p) => /^\d{4}-\d{2}$/.test(p.period))).toBe(true);
    const cohorts = run.retention.cohorts;
    expect(cohorts.every((c) => c.partial)).toBe(true);
    // every cohort's last column is June 2024
    for (const c of cohorts) expect(periodLabel(periodIndex(civilToDay(+c.cohort.slice(0, 4), +c.cohort.slice(5), 1), 'month') + c.retention.length - 1, 'month')).toBe('2024-06');
  });

  it('at a month end every reported period is complete', () => {
    const profile: Profile = { ...DEFAULT_PROFILE, asOf: '2024-06-30' };
    const run = scoreCustomers(summariesAt(profile.asOf), profile);
    expect(run.retention.periods.at(-1)).toMatchObject({ period: '2024-05', partial: false });
    expect(run.retention.cohorts.every((c) => !c.partial)).toBe(true);
  });
});

describe('Gamma-Gamma with q ≤ 1', () => {
  // Heavy-tailed spend across customers (ν ~ Gamma(0.6, 5)) makes the fitted q < 1.
  const asOf = '2024-06-30';
  const { summaries } = simulate(1000, 1, isoToDay(asOf), { ...SIM_DEFAULT, p: 2, q: 0.6, v: 5 });
  const run = scoreCustomers(summaries, { ...DEFAULT_PROFILE, asOf });

  it('is not used, and the run says once what expected spend falls back to', () => {
    expect(run.models.gammaGamma!.finiteMean).toBe(false);
    const about = run.warnings.filter((w) => /own mean|q ≤ 1|q = /.test(w));
    const fallback = about.filter((w) => /expected spend/.test(w));
    expect(fallback).toHaveLength(1);
    expect(fallback[0]).toMatch(/own mean spend per purchase \(all purchases, the first included\)/);
    expect(about.join(' ')).not.toMatch(/repeat spend/);
  });

  it('expected spend is exactly that fallback: total spend / purchases', () => {
    for (const c of run.customers) expect(c.expectedSpend).toBe(c.summary.totalSpend / c.summary.transactions);
  });
});
