/**
 * The bundled sample export (examples/sample-en), scored as a new user would: the labels agree
 * with P(alive), and long-inactive one-time buyers are neither "alive" nor silently valuable.
 */
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveProfile } from '../../core/config.ts';
import { scoreCustomers } from '../../core/pipeline.ts';
import { isoToDay } from '../../core/report/format.ts';
import type { ScoreRun } from '../../core/types.ts';
import { loadDataset } from '../../io/read.ts';
import { brokenRules } from '../scores/invariants.ts';

const dir = resolve(import.meta.dirname, '../../examples/sample-en');
const profile = resolveProfile({ asOf: '2025-06-30' });
let run: ScoreRun;

beforeAll(async () => {
  const data = await loadDataset({ transactions: [join(dir, 'orders.csv')], customers: [join(dir, 'customers.csv')] }, profile);
  run = scoreCustomers(data.summaries, profile, { customers: data.customers });
});

describe('the bundled sample under the default profile', () => {
  it('keeps every consistency rule', () => {
    expect(brokenRules(run, profile)).toEqual([]);
  });

  it('gives no one-time buyer inactive for over a year P(alive) above 0.2, nor any share of customer equity', () => {
    const asOf = isoToDay(profile.asOf);
    const old = run.customers.filter((c) => c.summary.transactions === 1 && asOf - c.summary.lastDay > 365);
    expect(old.length).toBeGreaterThan(50);
    for (const c of old) {
      expect(c.pAlive).toBeLessThanOrEqual(0.2);
      expect(c.clv).toBe(0);
      expect(c.churnRisk).toBe('lost');
      // what they would bring back is at stake, so they can reach the churn-warning list
      expect(c.valueAtRisk).toBeGreaterThan(0);
    }
    expect(run.retention.warningList.some((w) => w.churnRisk === 'lost')).toBe(true);
    // The default model already lets them drop out, so the lost window overrides nobody the model keeps alive.
    expect(run.models.choice?.chosen).not.toBe('bgnbd');
    expect(run.warnings.join(' ')).not.toMatch(/count as lost/);
  });

  it('under BG/NBD, which keeps one-time buyers alive, says that the lost window overrides it', () => {
    const bg = resolveProfile({ asOf: '2025-06-30', model: 'bgnbd' });
    return loadDataset({ transactions: [join(dir, 'orders.csv')], customers: [join(dir, 'customers.csv')] }, bg).then((data) => {
      const r = scoreCustomers(data.summaries, bg, { customers: data.customers });
      expect(r.warnings.join(' ')).toMatch(/count as lost/);
      expect(brokenRules(r, bg)).toEqual([]);
    });
  });

  it('has no Lost or Hibernating customer with P(alive) above 0.5', () => {
    const dormant = run.customers.filter((c) => c.rfm.segment === 'lost' || c.rfm.segment === 'hibernating');
    expect(dormant.length).toBeGreaterThan(0);
    for (const c of dormant) expect(c.pAlive).toBeLessThanOrEqual(0.5);
  });
});
