import { describe, expect, it } from 'vitest';
import { compressSummaries, fitGammaGamma, fitPurchaseModel, fitSbgFromTenure, mergeHistograms } from '../../core/models/index.ts';
import { rng, simulateBgNbd } from './helpers/simulate.ts';

function shuffled<T>(a: T[], seed: number): T[] {
  const u = rng(seed);
  const out = a.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('determinism', () => {
  const rows = simulateBgNbd(9, 5000, { r: 0.5, alpha: 6, a: 0.8, b: 2.5 }, 10, 60);

  it('the histogram is sorted and independent of row order and sharding', () => {
    const a = compressSummaries(rows);
    const b = compressSummaries(shuffled(rows, 1));
    // Two shards concatenated in the other order.
    const c = compressSummaries([...rows.slice(2500), ...rows.slice(0, 2500)]);
    for (const h of [b, c]) {
      expect(h.size).toBe(a.size);
      expect([...h.x]).toEqual([...a.x]);
      expect([...h.tx]).toEqual([...a.tx]);
      expect([...h.T]).toEqual([...a.T]);
      expect([...h.w]).toEqual([...a.w]);
    }
    expect(a.customers).toBe(5000);
    expect(a.w.reduce((s, v) => s + v, 0)).toBe(5000);
    for (let i = 1; i < a.size; i++) expect(a.x[i] > a.x[i - 1] || (a.x[i] === a.x[i - 1] && (a.tx[i] > a.tx[i - 1] || (a.tx[i] === a.tx[i - 1] && a.T[i] > a.T[i - 1])))).toBe(true);
  });

  it('counts every distinct (x, t_x, T) exactly, as a plain string-keyed count does', () => {
    const h = compressSummaries(rows);
    const ref = new Map<string, number>();
    for (const r of rows) ref.set(`${r.frequency}|${r.recency}|${r.T}`, (ref.get(`${r.frequency}|${r.recency}|${r.T}`) ?? 0) + 1);
    expect(h.size).toBe(ref.size);
    for (let i = 0; i < h.size; i++) expect(h.w[i]).toBe(ref.get(`${h.x[i]}|${h.tx[i]}|${h.T[i]}`));
  });

  it('merging per-shard histograms equals compressing all customers at once', () => {
    const all = compressSummaries(rows);
    const shards = [rows.slice(0, 1234), rows.slice(1234, 4000), rows.slice(4000)].map(compressSummaries);
    for (const parts of [shards, [shards[2], shards[0], shards[1]]]) {
      const merged = mergeHistograms(parts);
      expect(merged.customers).toBe(all.customers);
      expect(merged.size).toBe(all.size);
      expect([...merged.x]).toEqual([...all.x]);
      expect([...merged.tx]).toEqual([...all.tx]);
      expect([...merged.T]).toEqual([...all.T]);
      expect([...merged.w]).toEqual([...all.w]);
    }
  });

  it('fits are bit-identical for shuffled input, and on repeated runs', () => {
    for (const kind of ['bgnbd', 'paretonbd', 'mbgnbd'] as const) {
      const a = fitPurchaseModel(kind, compressSummaries(rows)).fit;
      const b = fitPurchaseModel(kind, compressSummaries(shuffled(rows, 2))).fit;
      expect(b).toEqual(a);
    }
    const spend = rows.map((r, i) => ({ frequency: r.frequency, meanRepeatSpend: r.frequency ? 10 + (i % 17) : 0 }));
    expect(fitGammaGamma(shuffled(spend, 3)).fit).toEqual(fitGammaGamma(spend).fit);
    const tenure = rows.map((r) => Math.floor(r.T / 10));
    const churned = rows.map((r) => r.frequency === 0);
    const order = shuffled([...tenure.keys()], 4);
    expect(fitSbgFromTenure(order.map((i) => tenure[i]), order.map((i) => churned[i])).fit).toEqual(fitSbgFromTenure(tenure, churned).fit);
  });
});

describe('compressSummaries input checks', () => {
  it('leaves out rows no model can use and counts only the rows kept', () => {
    const h = compressSummaries([
      { frequency: 1, recency: 2, T: 5 },
      { frequency: 1, recency: 2, T: 5 },
      { frequency: NaN, recency: 0, T: 5 },
      { frequency: 2, recency: 6, T: 5 },
      { frequency: -1, recency: 0, T: 5 },
      { frequency: 0, recency: 0, T: 0 },
    ]);
    expect(h.customers).toBe(3);
    expect(h.size).toBe(2);
    expect([...h.w]).toEqual([1, 2]);
    expect([...h.x]).toEqual([0, 1]);
  });
});
