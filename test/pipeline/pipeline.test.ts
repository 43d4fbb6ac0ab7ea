import { describe, expect, it } from 'vitest';
import { scoreCustomers } from '../../core/pipeline.ts';
import { DEFAULT_PROFILE, type Profile } from '../../core/config.ts';
import type { CustomerSummary } from '../../core/types.ts';
import { isoToDay } from '../../core/report/format.ts';
import { pyramidText, scoreTable, segmentText, summaryJson } from '../../core/report/index.ts';
import { simulate, shuffled } from './simulate.ts';
import { brokenRules } from '../scores/invariants.ts';

const AS_OF = '2024-06-30';
const asOfDay = isoToDay(AS_OF);
const profile: Profile = { ...DEFAULT_PROFILE, asOf: AS_OF };
const sim = simulate(4000, 42, asOfDay);

function noNaN(x: unknown, path = '$'): void {
  if (typeof x === 'number') expect(Number.isNaN(x), path).toBe(false);
  else if (Array.isArray(x)) x.forEach((v, i) => noNaN(v, `${path}[${i}]`));
  else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) noNaN(v, `${path}.${k}`);
}

describe('scoring pipeline on a simulated BG/NBD + Gamma-Gamma base', () => {
  const run = scoreCustomers(sim.summaries, profile);

  it('fits both purchase models and the spend model', () => {
    expect(run.models.bgnbd?.converged).toBe(true);
    expect(run.models.paretoNbd).toBeDefined();
    expect(run.models.gammaGamma?.finiteMean).toBe(true);
    // simulated with r = 0.25, α = 4, a = 0.8, b = 2.5 on 4,000 customers: loose recovery
    expect(run.models.bgnbd!.params.r).toBeGreaterThan(0.15);
    expect(run.models.bgnbd!.params.r).toBeLessThan(0.4);
  });

  it('gives sensible P(alive), CLV ≥ 0 and customer equity = Σ CLV', () => {
    let equity = 0;
    let aliveSum = 0, aliveN = 0, deadSum = 0, deadN = 0;
    const byId = new Map(sim.summaries.map((s, i) => [s.id, sim.alive[i]]));
    for (const c of run.customers) {
      expect(c.pAlive).toBeGreaterThanOrEqual(0);
      expect(c.pAlive).toBeLessThanOrEqual(1);
      expect(c.clv).toBeGreaterThanOrEqual(0);
      expect(c.expectedPurchases).toBeGreaterThanOrEqual(0);
      equity += c.clv;
      if (c.summary.frequency > 0) {
        if (byId.get(c.id)) { aliveSum += c.pAlive; aliveN++; } else { deadSum += c.pAlive; deadN++; }
      }
    }
    expect(run.customerEquity).toBeCloseTo(equity, 6);
    // repeat buyers still alive in the simulation get a clearly higher P(alive) than those who dropped out
    expect(aliveSum / aliveN).toBeGreaterThan(deadSum / deadN + 0.2);
    expect(run.customers.map((c) => c.id)).toEqual(sim.summaries.map((s) => s.id).sort());
    noNaN(run);
  });

  it('explains every tier and sums up the groups', () => {
    const n = run.customers.length;
    expect(run.tiers.map((t) => t.key)).toEqual(['platinum', 'gold', 'iron', 'lead']);
    expect(run.tiers.reduce((s, t) => s + t.customers, 0)).toBe(n);
    expect(run.segments.reduce((s, t) => s + t.customers, 0)).toBe(n);
    const top = run.customers.find((c) => c.tierReason.rank === 1)!;
    expect(top.tier).toBe('platinum');
    expect(top.clv).toBe(Math.max(...run.customers.map((c) => c.clv)));
    expect(run.concentration).toHaveLength(100);
    expect(run.concentration[99].share).toBeCloseTo(1, 9);
    expect(run.concentration[19].share).toBeGreaterThan(0.2);
    expect(run.classes.valueClass.reduce((s, g) => s + g.customers, 0)).toBe(n);
  });

  it('keeps every consistency rule with the fitted BG/NBD', () => {
    expect(brokenRules(run, profile)).toEqual([]);
  });

  it('does not depend on row order or sharding', () => {
    const again = scoreCustomers(shuffled(sim.summaries, 9), profile);
    expect(JSON.stringify(again)).toBe(JSON.stringify(run));
    const shards = [0, 1, 2].map((k) => sim.summaries.filter((_, i) => i % 3 === k));
    const resharded = scoreCustomers([...shards[2], ...shards[0], ...shards[1]], profile);
    expect(JSON.stringify(resharded)).toBe(JSON.stringify(run));
  });

  it('scores with Pareto/NBD when asked, and reports both models', () => {
    const p = scoreCustomers(sim.summaries, { ...profile, model: 'paretonbd' });
    // Only the model asked for is fitted (others only when it does not converge).
    expect(p.models.bgnbd).toBeUndefined();
    expect(p.models.paretoNbd).toBeDefined();
    expect(p.models.choice?.chosen).toBe('paretonbd');
    expect(p.customers[0].pAlive).not.toBe(run.customers[0].pAlive);
  });

  it('writes the customers table and summary JSON', () => {
    const t = scoreTable(run, 'en');
    expect(t.header.slice(0, 3)).toEqual(['customer_id', 'first_purchase', 'last_purchase']);
    expect(t.header).toContain('satisfaction_level');
    expect(t.header).toContain('class_frequency');
    expect(t.rows).toHaveLength(run.customers.length);
    expect(t.rows[0][1]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const zh = scoreTable(run, 'zh-CN');
    const tierCol = zh.columns.indexOf('tier');
    expect(zh.header[tierCol]).toBe('金字塔层级');
    expect(new Set(zh.rows.map((r) => r[tierCol]))).toEqual(new Set(['铂金', '黄金', '铁质', '铅质']));
    const j = JSON.parse(JSON.stringify(summaryJson(run)));
    expect(Object.keys(j.models.bgnbd)).toEqual(expect.arrayContaining(['r', 'alpha', 'a', 'b', 'logLikelihood', 'converged', 'standardErrors']));
    expect(Object.keys(j.models.paretoNbd)).toEqual(expect.arrayContaining(['r', 'alpha', 's', 'beta', 'logLikelihood']));
    expect(Object.keys(j.models.gammaGamma)).toEqual(expect.arrayContaining(['p', 'q', 'v', 'logLikelihood']));
    expect(j.customerEquity).toBeCloseTo(run.customerEquity, 6);
    expect(j.concentration.gini).toBeGreaterThan(0);
    expect(j.concentration.gini).toBeLessThan(1);
    expect(pyramidText(run, 'zh-CN')).toContain('铂金');
    expect(segmentText(run, 'en')).toContain('customers');
  });
});

describe('scoring pipeline with master data and surveys', () => {
  const base = sim.summaries.slice(0, 400);
  const [a, b, c] = [base[0].id, base[1].id, base[2].id];
  const customers = [
    { id: a, type: '企业', region: '浙江省', settlement: '赊销', receivable: 1000, overdueDays: 400, channel: '线上', serviceCostPerPeriod: 5 },
    { id: b, type: '个人', region: '上海', channel: '门店' },
    { id: 'prospect-1', type: '企业', pipelineStage: '潜在' },
  ];
  const surveys = [
    { customerId: a, day: base[0].lastDay - 1, csat: 5, nps: 10 },
    { customerId: b, day: base[1].lastDay, csat: 2, nps: 3 },
    { customerId: c, day: base[2].lastDay, willReturn: true },
  ];
  const p = { ...profile, homeRegion: '浙江' };
  const run = scoreCustomers(base, p, { customers, surveys });
  const byId = new Map(run.customers.map((x) => [x.id, x]));

  it('derives classes and levels', () => {
    expect(byId.get(a)!.classes).toMatchObject({ type: 'enterprise', region: 'local', settlement: 'credit', receivables: 'badDebt', channel: '线上' });
    expect(byId.get(b)!.classes).toMatchObject({ type: 'individual', region: 'nonLocal' });
    expect(byId.get(a)!.satisfactionLevel).toBe(3); // promoter, and bought after the survey
    expect(byId.get(b)!.satisfactionLevel).toBe(0);
    expect(byId.get(c)!.satisfactionLevel).toBe(2);
    expect(byId.get(base[3].id)!.satisfactionLevel).toBeNull();
    const sat = run.satisfaction!;
    expect(sat.overall.responses).toBe(3);
    expect(sat.overall.nps).toBe(0); // one promoter, one detractor of two NPS answers
    expect(run.retention.lifecycle.exploration).toBe(1);
    expect(run.classes.type.find((g) => g.key === 'enterprise')!.customers).toBe(1);
    expect(Object.keys(run.retention.cohortsByChannel!)).toEqual(['线上', '门店']);
  });

  it('writes class columns with Chinese labels', () => {
    const t = scoreTable(run, 'zh-CN');
    expect(t.columns.slice(-7)).toEqual(['class_frequency', 'class_type', 'class_region', 'class_settlement', 'class_receivables', 'class_pipeline', 'class_channel']);
    const row = t.rows.find((r) => r[0] === a)!;
    expect(row.slice(-6)).toEqual(['企业', '本地', '赊销', '呆死账', '未知', '线上']);
    expect(row[t.columns.indexOf('satisfaction_level')]).toBe(3);
  });

  it('nets the cost to serve out of CLV', () => {
    const plain = scoreCustomers(base, p, { customers: customers.map((x) => ({ ...x, serviceCostPerPeriod: undefined })) });
    const withCost = byId.get(a)!.clv;
    const without = plain.customers.find((x) => x.id === a)!.clv;
    // cost 5 per week for up to 52 weeks, discounted and weighted by P(alive): between 0 and 5 × 52
    expect(without - withCost).toBeGreaterThan(0);
    expect(without - withCost).toBeLessThanOrEqual(5 * 52);
  });
});

describe('calibration and holdout', () => {
  it('checks the model against the purchases after the calibration end', () => {
    // first purchases 26–52 weeks before as-of; calibration ends 13 weeks before as-of
    const cut = asOfDay - 91;
    const cal = simulate(4000, 11, asOfDay, undefined, 26, 26, cut).summaries;
    const run = scoreCustomers(cal, { ...profile, calibrationEnd: '2024-03-31' });
    expect(isoToDay('2024-03-31')).toBe(cut);
    const h = run.holdout!;
    expect(h.length).toBe(13);
    expect(h.buckets.reduce((s, b) => s + b.customers, 0)).toBe(4000);
    // simulated from BG/NBD: predictions per bucket track the actual holdout purchases
    expect(h.mae).toBeLessThan(0.05); // 0.019 with this seed
    const b0 = h.buckets[0];
    expect(Math.abs(b0.predicted - b0.actual)).toBeLessThan(0.02);
    // days since last purchase are counted from the calibration end
    const c = run.customers[0];
    expect(c.tierReason).toBeDefined();
    expect((summaryJson(run) as { holdout: unknown }).holdout).toEqual(h);
  });
});

describe('degenerate inputs', () => {
  const one = (id: string, over: Partial<CustomerSummary> = {}): CustomerSummary => ({
    id, firstDay: asOfDay - 70, lastDay: asOfDay - 70, transactions: 1, frequency: 0, recency: 0, T: 10,
    firstSpend: 20, repeatSpend: 0, meanRepeatSpend: 0, totalSpend: 20, returns: 0, netSpend: 20, activePeriods: [0], ...over,
  });

  it('0 customers', () => {
    const run = scoreCustomers([], profile);
    expect(run.customers).toEqual([]);
    expect(run.customerEquity).toBe(0);
    expect(run.warnings.length).toBeGreaterThan(0);
    noNaN(run);
    expect(scoreTable(run, 'zh-CN').rows).toEqual([]);
    expect(pyramidText(run, 'en')).toContain('Lead');
  });

  it('1 customer', () => {
    const run = scoreCustomers([one('x', { transactions: 3, frequency: 2, recency: 5, lastDay: asOfDay - 35, repeatSpend: 40, meanRepeatSpend: 20, totalSpend: 60, netSpend: 60 })], profile);
    expect(run.customers).toHaveLength(1);
    expect(run.warnings.join(' ')).toMatch(/too few/);
    noNaN(run);
    expect(run.customers[0].clv).toBeGreaterThan(0);
  });

  it('all one-time buyers', () => {
    const rows = Array.from({ length: 50 }, (_, i) => one(`c${i}`, { firstSpend: 10 + i, totalSpend: 10 + i, netSpend: 10 + i }));
    const run = scoreCustomers(rows, profile);
    expect(run.customers).toHaveLength(50);
    expect(run.warnings.join(' ')).toMatch(/bought twice/);
    noNaN(run);
    for (const c of run.customers) expect(c.clv).toBe(0);
    expect(JSON.stringify(summaryJson(run))).not.toContain('NaN');
  });
});
