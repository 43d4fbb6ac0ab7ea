/**
 * The byte fast lane (io/bytes.ts) against the text path (io/lines.ts + io/delimited.ts): for
 * generated exports — plain and odd amounts and dates, blank and missing ids, statuses, quoted
 * fields, stray quotes, wrong field counts, blank lines, LF / CRLF / CR ends, lines over the record
 * limit, a last line without a break, non-ASCII bytes (UTF-8 or GBK) anywhere, arbitrary chunking —
 * both give the same summaries, rejects (every one, in order), counts, detections and warnings.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { resolveProfile } from '../../core/config.ts';
import { createIngest, type TableIngest } from '../../core/ingest/tables.ts';
import { InputError } from '../../core/ingest/errors.ts';
import type { Reject } from '../../core/types.ts';
import { feedInput } from '../../io/read.ts';
import { streamOf } from './stream-of.ts';

async function read(bytes: Uint8Array, cuts: number[], extra: Record<string, unknown>, fastLane: boolean) {
  const profile = resolveProfile({ asOf: '2024-12-31', timeUnit: 'day', maxRecordBytes: 120, ...extra });
  const all: Reject[] = [];
  const ing = createIngest('transactions', profile, (r) => all.push({ ...r }));
  try {
    const detection = await feedInput(streamOf(bytes, cuts), ing as TableIngest<unknown>, 'transactions', profile, undefined, { fastLane });
    return { detection, result: ing.finish(), all };
  } catch (e) {
    if (e instanceof InputError) return { error: e.message };
    throw e;
  }
}

const ids = fc.constantFrom('C1', 'C2', 'C10', 'c1', ' C1 ', '', 'NA', '17850.0', '17850', 'x"y');
const dates = fc.constantFrom(
  '2024-01-05', '2024-01-05 10:00:00', '2024-01-05 10:00', '2024-02-30', '2024-01-05 25:00:00', '1/2/2024', '13/2/2024', '2/13/2024',
  '2024/3/4', '20240105', '45000', '2025-06-01', '1980-01-01', 'yesterday', '', '2024-01-05T10:00:00Z', '2024-1-5',
);
const amounts = fc.oneof(
  fc.constantFrom('12.50', '0', '-3', '-0', '007.5', '1.', '.5', '1,234.50', '(12.00)', '12.00-', '1e3', '', 'NA', '1e400', '999999999999', '1000000000000', '12.3.4', '0x10'),
  fc.tuple(fc.boolean(), fc.nat({ max: 1e9 }), fc.nat({ max: 6 })).map(([neg, m, k]) => `${neg ? '-' : ''}${(m / 10 ** k).toFixed(k)}`),
);
const statuses = fc.constantFrom('paid', 'refunded', 'cancelled', '', 'Paid ', 'weird', '已付款');
const quoted = fc.constantFrom('"O1"', '"a,b"', 'x"y', '"open', '"bad"x', '"""', '"');

const line = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.nat({ max: 99 }), ids, dates, amounts, statuses).map(([o, c, d, a, s]) => `${o % 7 === 0 ? 'C' : 'O'}${o},${c},${d},${a},${s}`) },
  { weight: 1, arbitrary: fc.tuple(quoted, ids, dates, amounts).map(([q, c, d, a]) => `${q},${c},${d},${a},paid`) },
  { weight: 1, arbitrary: fc.constantFrom('', ',,,,', ',,,,,,', 'only,three,fields', 'O1,C1,2024-01-05,1,paid,extra', 'O1,C1,2024-01-05,1,000,paid', `O1,C1,2024-01-05,${'9'.repeat(130)},paid`, 'O1,Müller,2024-01-05,1,paid', 'O1,张三,2024-01-05,1,paid') },
);
const ending = fc.constantFrom('\n', '\r\n', '\r');

const file = fc.record({
  lines: fc.array(fc.tuple(line, ending), { maxLength: 40 }),
  lastBreak: fc.boolean(),
  gbk: fc.boolean(),
  header: fc.constantFrom('order_id,customer_id,order_date,amount,status', 'order_id,customer_id,order_date,amount,status,note'),
  cuts: fc.array(fc.nat({ max: 4000 }), { maxLength: 6 }),
});

function bytesOf(f: { lines: [string, string][]; lastBreak: boolean; gbk: boolean; header: string }): Uint8Array {
  let text = `${f.header}\n`;
  f.lines.forEach(([l, e], i) => { text += l + (i < f.lines.length - 1 || f.lastBreak ? e : ''); });
  return f.gbk ? iconv.encode(text, 'gb18030') : Buffer.from(text, 'utf8');
}

describe('fast lane', () => {
  it('reads every generated export exactly as the text path does', async () => {
    await fc.assert(fc.asyncProperty(file, fc.constantFrom<Record<string, unknown>>({}, { encoding: 'gb18030' }, { encoding: 'utf-8' }, { timeZone: 'Asia/Shanghai' }), async (f, extra) => {
      const bytes = bytesOf(f);
      const fast = await read(bytes, f.cuts, extra, true);
      const text = await read(bytes, f.cuts, extra, false);
      expect(fast).toEqual(text);
    }), { numRuns: 300 });
  });

  it('hands over to the decoder at the first non-ASCII chunk, far into the file', async () => {
    const ascii = Array.from({ length: 3000 }, (_, i) => `O${i},C${i % 97},2024-01-${String(1 + (i % 28)).padStart(2, '0')} 10:00:00,${i % 50}.25,${i % 20 ? 'paid' : 'refunded'}`);
    for (const tail of ['O1,Müller,2024-01-05,1,paid', 'O1,\uFEFFC1,2024-01-05,1,paid']) {
      for (const enc of ['utf8', 'gb18030'] as const) {
        const text = `order_id,customer_id,order_date,amount,status\n${ascii.join('\n')}\n${tail}\n${ascii.slice(0, 50).join('\r\n')}`;
        const bytes = enc === 'utf8' ? Buffer.from(text, 'utf8') : iconv.encode(text, 'gb18030');
        for (const cuts of [[], [70_000], [4096, 8192, 100_000]]) {
          for (const extra of [{}, { encoding: 'utf-8' }]) {
            const fast = await read(bytes, cuts, extra, true);
            expect(fast).toEqual(await read(bytes, cuts, extra, false));
          }
        }
      }
    }
  });
});
