/** The fit cache's key: the same data in any row order shares a fit; any change in the data or fit settings does not. */
import { describe, expect, it } from 'vitest';
import { resolveProfile } from '../../core/config.ts';
import { ingestTable } from '../../core/ingest/index.ts';
import { prepareInput } from '../../core/pipeline.ts';
import { fitFingerprint } from '../../addon/src/fitcache.ts';
import { orderLines } from './data.ts';

const lines = orderLines(600, 17);
function key(rows: (string | number)[][], settings: Record<string, unknown> = {}) {
  const profile = resolveProfile({ asOf: '2024-07-01', ...settings });
  const t = ingestTable('transactions', [['customer', 'date', 'amount'], ...rows], { ...profile, columns: { customer: 'customer', date: 'date', amount: 'amount' }, header: true }, 'x');
  return fitFingerprint(prepareInput(t.summaries, profile, {}));
}
const base = lines.map((l) => [l.id, l.date, l.amount]);

describe('fit fingerprint', () => {
  it('depends on the data, not on row order', () => {
    expect(key(base.slice().reverse())).toBe(key(base));
    expect(key(base)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('changes with any amount, date, customer or fit setting', () => {
    const k = key(base);
    const changed = base.map((r, i) => (i === 100 ? [r[0], r[1], Number(r[2]) + 0.01] : r));
    expect(key(changed)).not.toBe(k);
    expect(key(base.slice(1))).not.toBe(k);
    expect(key(base, { timeUnit: 'day' })).not.toBe(k);
    expect(key(base, { model: 'paretonbd' })).not.toBe(k);
    expect(key(base, { asOf: '2024-07-02' })).not.toBe(k);
    // Settings the fit does not read share it.
    expect(key(base, { horizon: 13, discountRate: 0.2, margin: 0.5, tierScheme: 'ibm' })).toBe(k);
  });
});
