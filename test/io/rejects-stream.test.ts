/** rejects.csv lists every reject while memory and summary.json keep counts and the first examples. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScore } from '../../cli/score.ts';

let dir = '';
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'pyramid-rejects-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('streamed rejects', () => {
  it('writes all 2,500 rejects to rejects.csv, keeps 100 examples and counts by reason in summary.json', async () => {
    const good = Array.from({ length: 30 }, (_, i) => `c${i % 7},2024-0${1 + (i % 9)}-1${i % 10},${10 + i}.00`);
    const bad = Array.from({ length: 2500 }, (_, i) => (i % 2 ? `,2024-01-01,1` : `c${i},2024-01-01,"1`));
    const p = join(dir, 'orders.csv');
    writeFileSync(p, ['customer,date,amount', ...good, ...bad].join('\n') + '\n');
    const { outDir, summary } = await runScore({ files: [p], overrides: { asOf: '2024-12-31' }, out: join(dir, 'out'), summaryOnly: true });
    const lines = readFileSync(join(outDir, 'rejects.csv'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(2501);
    expect(lines[1]).toBe(`orders.csv,32,,bad-quote,"A quote opened on this line never closes into a well-formed record (a stray "")","c0,2024-01-01,""1"`);
    expect(summary.rows).toEqual({ read: 2530, accepted: 30, rejected: 2500 });
    expect(summary.rejectReasons).toEqual({ 'bad-quote': 1250, 'missing-customer-id': 1250 });
    expect(summary.rejectExamples).toHaveLength(100);
  });
});
