/**
 * The fan-out's merge, without services: ingesting each file on its own (finishLedger), splitting
 * the resolved ledgers by customer hash, passing the slices through their byte encoding and
 * summarizing each partition gives the single ingest's summaries, for any files, rows and
 * partition count (random customers, days, refunds, and d/m/yyyy files whose order each file's
 * own rows settle).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveProfile } from '../../core/config.ts';
import { createTransactionIngest, summaryOptions } from '../../core/ingest/transactions.ts';
import { summarizeLedger, mergeSummaries } from '../../core/summary/summarize.ts';
import { partitionOf } from '../../functions/fanout/layout.ts';
import { appendSlice, encodeSlice, LedgerSlice } from '../../functions/fanout/ledger-file.ts';

const HEADER = ['order_id', 'customer_id', 'order_date', 'amount'];
const profile = resolveProfile({ asOf: '2025-12-31' });

const row = fc.record({
  customer: fc.integer({ min: 1, max: 12 }),
  day: fc.integer({ min: 1, max: 28 }),
  month: fc.integer({ min: 1, max: 12 }),
  year: fc.integer({ min: 2023, max: 2025 }),
  cents: fc.integer({ min: -5000, max: 50000 }),
});
const file = fc.record({ slashes: fc.boolean(), rows: fc.array(row, { maxLength: 40 }) });

type Row = { customer: number; day: number; month: number; year: number; cents: number };

function cells(r: Row, slashes: boolean, i: number): string[] {
  const p = (n: number) => String(n).padStart(2, '0');
  const date = slashes ? `${r.day}/${r.month}/${r.year}` : `${r.year}-${p(r.month)}-${p(r.day)}`;
  return [`O${i}`, `C${r.customer}`, date, (r.cents / 100).toFixed(2)];
}

describe('fan-out merge = single ingest', () => {
  it('for any files and partition count', () => {
    fc.assert(fc.property(fc.array(file, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 6 }), (files, partitions) => {
      const feed = (ingest: ReturnType<typeof createTransactionIngest>, f: (typeof files)[number], n: number) => {
        ingest.beginSource(`f${n}.csv`, HEADER);
        f.rows.forEach((r, i) => ingest.row(cells(r, f.slashes, i), i + 2));
      };
      const single = createTransactionIngest(profile);
      files.forEach((f, n) => feed(single, f, n));
      const expected = single.finish();

      const slices = Array.from({ length: partitions }, () => new LedgerSlice());
      let hasMargin = false, read = 0, rejected = 0;
      files.forEach((f, n) => {
        const shard = createTransactionIngest(profile);
        feed(shard, f, n);
        const r = shard.finishLedger();
        hasMargin ||= r.hasMargin;
        read += r.counts.read;
        rejected += r.counts.rejected;
        const out = Array.from({ length: partitions }, () => new LedgerSlice());
        for (let i = 0; i < r.ledger.n; i++) {
          if (r.ledger.cust[i] < 0) continue;
          const id = r.ids[r.ledger.cust[i]];
          out[partitionOf(id, partitions)].add(id, r.ledger.code[i], r.ledger.gross[i], r.ledger.ret[i], r.ledger.buy[i], r.ledger.mar[i]);
        }
        out.forEach((s, p) => appendSlice(encodeSlice(s), slices[p]));
      });
      const merged = mergeSummaries(slices.map((s) => summarizeLedger(s.ledger, s.ids, summaryOptions(profile, hasMargin)).summaries));
      expect(merged).toEqual(expected.summaries);
      expect({ read, rejected }).toEqual({ read: expected.counts.read, rejected: expected.counts.rejected });
    }), { numRuns: 200 });
  });

  it('a customer always lands in the same partition', () => {
    fc.assert(fc.property(fc.string(), fc.integer({ min: 1, max: 256 }), (id, k) => {
      const p = partitionOf(id, k);
      expect(p).toBe(partitionOf(id, k));
      expect(p >= 0 && p < k).toBe(true);
    }));
  });
});
