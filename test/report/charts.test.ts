/**
 * The report's aggregates (arquero verbs over the scores table) against the pipeline's own
 * aggregates and hand sums, and the chart specs' bounds: marks per chart never grow with customers.
 */
import { describe, expect, it } from 'vitest';
import { op } from 'arquero';
import { DEFAULT_PROFILE } from '../../core/config.ts';
import { scoreCustomers } from '../../core/pipeline.ts';
import { concentration } from '../../core/scores/aggregates.ts';
import { isoToDay } from '../../core/report/format.ts';
import { simulate } from '../pipeline/simulate.ts';
import { clvHistogram, groupTotals, pAliveMatrix, reportContent, reportTable, revenueConcentration, rfmGrid, scoresTable } from '../../core/index.ts';
import { modelRows } from '../../core/report/charts/models.ts';

const AS_OF = '2024-06-30';
function runOf(n: number, seed = 7) {
  const { summaries } = simulate(n, seed, isoToDay(AS_OF));
  return scoreCustomers(summaries, { ...DEFAULT_PROFILE, asOf: AS_OF, calibrationEnd: undefined });
}
const run = runOf(3000);
const t = scoresTable(run);

describe('report aggregates with arquero', () => {
  it('the scores table has one row per customer and serves groupby().rollup()', () => {
    expect(t.numRows()).toBe(run.customers.length);
    const byTier = t.groupby('tier').rollup({ n: op.count() }).objects() as { tier: string; n: number }[];
    expect(byTier.reduce((s, r) => s + r.n, 0)).toBe(run.customers.length);
  });

  it('per-tier totals equal the pipeline tier aggregates', () => {
    const totals = groupTotals(t, 'tier');
    for (const tier of run.tiers.filter((x) => x.customers > 0)) {
      const g = totals.find((x) => x.key === tier.key)!;
      expect(g.customers).toBe(tier.customers);
      expect(g.revenue).toBeCloseTo(tier.revenue, 6);
      expect(g.clv).toBeCloseTo(tier.clv, 6);
      expect(g.meanPAlive).toBeCloseTo(tier.meanPAlive, 10);
    }
  });

  it('the revenue concentration curve is core/scores concentration of net spend, from 0 % to 100 %', () => {
    const curve = revenueConcentration(reportTable(run).revenue);
    const want = concentration(run.customers.map((c) => c.summary.netSpend)).curve;
    expect(curve.length).toBe(101);
    expect(curve[0]).toEqual({ topPercent: 0, share: 0 });
    for (let x = 1; x <= 100; x++) expect(curve[x].share).toBeCloseTo(want[x - 1].share, 10);
  });

  it('RFM grid, P(alive) matrix and CLV histogram count every customer once, in bounded cells', () => {
    const n = run.customers.length;
    const grid = rfmGrid(t);
    expect(grid.length).toBeLessThanOrEqual(25);
    expect(grid.reduce((s, c) => s + c.customers, 0)).toBe(n);
    const cell = grid.find((c) => c.r === 5 && c.f === 5);
    const members = run.customers.filter((c) => c.rfm.r === 5 && c.rfm.f === 5);
    if (cell) expect(cell.meanM).toBeCloseTo(members.reduce((s, c) => s + c.rfm.m, 0) / members.length, 10);
    const rt = reportTable(run);
    expect(rfmGrid(rt.table)).toEqual(grid);
    const m = pAliveMatrix(rt.table, rt.recencyStep);
    const cell0 = m.find((c) => c.frequency === 0 && c.recency === 0)!;
    const zero = run.customers.filter((c) => c.summary.frequency === 0);
    expect(cell0.customers).toBe(zero.length);
    expect(cell0.meanPAlive).toBeCloseTo(zero.reduce((s, c) => s + c.pAlive, 0) / zero.length, 10);
    expect(m.length).toBeLessThanOrEqual(11 * 14);
    expect(m.reduce((s, c) => s + c.customers, 0)).toBe(n);
    const h = clvHistogram(rt.clv);
    expect(h.length).toBeLessThanOrEqual(20);
    expect(h.reduce((s, c) => s + c.customers, 0)).toBe(n);
  });
});

describe('chart specs', () => {
  it('have the same number of data points for 3,000 and 30,000 customers (aggregates, not customers)', () => {
    const points = (r: ReturnType<typeof runOf>) => {
      const json = reportContent(r, 'en').charts.map((c) => JSON.stringify(c.spec)).join('');
      return json.length;
    };
    const small = points(run);
    const big = points(runOf(30_000, 8));
    expect(big).toBeLessThan(small * 1.5);
  });

  it('every chart has a title and a one-sentence reading in both locales', () => {
    for (const locale of ['en', 'zh-CN'] as const) {
      for (const c of reportContent(run, locale).charts) {
        expect(c.title.length).toBeGreaterThan(3);
        expect(c.reading).toMatch(locale === 'en' ? /^[A-Z0-9].*\.$/ : /[\u4e00-\u9fff].*。$/);
      }
    }
  });

  it('reads a model choice defensively: candidates when given, the fits otherwise', () => {
    expect(modelRows(run, undefined).map((r) => r.model).sort()).toEqual(['BG/NBD', 'MBG/NBD', 'Pareto/NBD']);
    const rows = modelRows(run, { chosen: 'paretonbd', candidates: [{ model: 'bgnbd', logLikelihood: -10, bic: 30 }, { model: 'paretonbd', logLikelihood: -9, bic: 29, holdoutMae: 0.2 }, { junk: true }] });
    expect(rows).toEqual([
      { model: 'BG/NBD', logLikelihood: -10, bic: 30, holdoutError: null, chosen: false },
      { model: 'Pareto/NBD', logLikelihood: -9, bic: 29, holdoutError: 0.2, chosen: true },
    ]);
    expect(modelRows(run, { candidates: 'nope' }).length).toBe(3);
  });
});
