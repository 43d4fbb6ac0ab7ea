/**
 * The default (model auto) on the bundled sample: it must not keep long-inactive one-time buyers
 * alive, and it says which model scored and why.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE, resolveProfile } from '../../core/config.ts';
import { ingestTable } from '../../core/ingest/index.ts';
import { scoreCustomers } from '../../core/pipeline.ts';
import { scoreTable, summaryJson } from '../../core/report/index.ts';
import type { Cell } from '../../core/types.ts';

const AS_OF = '2025-07-01';
const file = path.resolve(import.meta.dirname, '../../examples/sample/orders.csv');
const rows = Papa.parse<Cell[]>(readFileSync(file, 'utf8'), { skipEmptyLines: true }).data;
const profile = resolveProfile({ asOf: AS_OF });
const summaries = ingestTable('transactions', rows, profile, 'orders.csv').summaries;
const run = scoreCustomers(summaries, profile);
const asOfDay = Date.UTC(2025, 6, 1) / 86_400_000;

describe('model auto on the bundled sample', () => {
  it('is the default', () => {
    expect(DEFAULT_PROFILE.model).toBe('auto');
    expect(run.models.choice?.requested).toBe('auto');
  });

  it('chooses a converged model that lets one-time buyers drop out, with every candidate reported', () => {
    const choice = run.models.choice!;
    expect(choice.chosen).not.toBeNull();
    expect(choice.chosen).not.toBe('bgnbd');
    expect('share' in choice.holdout).toBe(true);
    expect(choice.candidates.map((c) => c.model)).toEqual(['bgnbd', 'mbgnbd', 'paretonbd']);
    const chosen = choice.candidates.find((c) => c.model === choice.chosen)!;
    expect(chosen.converged && chosen.eligible).toBe(true);
    for (const c of choice.candidates) if (c.eligible) expect(c.holdoutError).toBeGreaterThanOrEqual(chosen.holdoutError!);
    expect(choice.reason).toMatch(/smallest holdout error/);
    const j = summaryJson(run) as { models: { choice: unknown } };
    expect(j.models.choice).toEqual(choice);
  });

  it('gives no one-time buyer whose purchase is more than a year old P(alive) above 0.2', () => {
    const old = run.customers.filter((c) => c.summary.transactions === 1 && asOfDay - c.summary.lastDay > 365);
    expect(old.length).toBeGreaterThan(50);
    for (const c of old) expect(c.pAlive, c.id).toBeLessThanOrEqual(0.2);
  });

  it('gives no lost or hibernating customer P(alive) above 0.5', () => {
    const gone = run.customers.filter((c) => c.lifecycleStage === 'lost' || c.rfm.segment === 'lost' || c.rfm.segment === 'hibernating');
    expect(gone.length).toBeGreaterThan(0);
    for (const c of gone) expect(c.pAlive, c.id).toBeLessThanOrEqual(0.5);
  });

  it('writes interval columns around each point estimate', () => {
    const t = scoreTable(run, 'en');
    const col = (name: string) => t.header.indexOf(name);
    for (const k of ['clv_low', 'clv_high', 'expected_purchases_low', 'expected_purchases_high']) expect(col(k)).toBeGreaterThan(0);
    let inside = 0;
    for (const r of t.rows) {
      expect(r[col('clv_low')] as number).toBeLessThanOrEqual(r[col('clv_high')] as number);
      if ((r[col('clv_low')] as number) <= (r[col('clv')] as number) + 0.01 && (r[col('clv')] as number) <= (r[col('clv_high')] as number) + 0.01) inside++;
    }
    expect(inside / t.rows.length).toBeGreaterThan(0.95);
    const iv = run.models.intervals!;
    expect('level' in iv && iv.level).toBe(0.8);
  });
});
