/**
 * The main custom functions on 50,000 order lines, run as built (addon/dist Code.js) inside a
 * bare vm context with the Apps Script fakes, against the 30-second custom-function limit.
 * Usage: npm run bench -- addon
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAddon } from '../addon/build.ts';
import { FakeSpreadsheet, loadBundle, makeServices } from '../test/addon/fakes.ts';
import { orderLines, sheetDate } from '../test/addon/data.ts';

const ROWS = 50_000;
const LIMIT_MS = 30_000;
const distDir = mkdtempSync(join(tmpdir(), 'addon-bench-'));
const { code } = await buildAddon(distDir);
const book = new FakeSpreadsheet('en_US', 'Asia/Shanghai');
const g = loadBundle(code, makeServices(book, distDir));

const lines = orderLines(ROWS, 3);
const ids = lines.map((l) => [l.id]);
const dates = lines.map((l) => [sheetDate(l.date, 8)]); // Date cells, as Sheets passes them
const amounts = lines.map((l) => [l.amount]);
const asOf = '2024-07-01';
const customers = new Set(lines.map((l) => l.id)).size;
book.addSheet('Orders', [['customer_id', 'order_date', 'amount'], ...lines.map((l, i) => [l.id, dates[i][0], l.amount])]);
const values = Array.from({ length: ROWS }, (_, i) => [lines[i].amount * ((i % 17) + 1)]);

function median3(f: () => unknown): number {
  const t: number[] = [];
  for (let i = 0; i < 3; i++) {
    const s = performance.now();
    f();
    t.push(performance.now() - s);
  }
  return t.sort((a, b) => a - b)[1];
}

console.log(`${ROWS.toLocaleString('en')} order lines, ${customers.toLocaleString('en')} customers; Node ${process.version}; median of 3 calls`);
const cases: [string, () => unknown][] = [
  ['PYRAMID_RFM', () => g.PYRAMID_RFM(ids, dates, amounts, asOf)],
  ['PYRAMID_CLV', () => g.PYRAMID_CLV(ids, dates, amounts, asOf, 52, 0.1, 1, 'week')],
  ['PYRAMID_RETENTION', () => g.PYRAMID_RETENTION(ids, dates, asOf, 'month')],
  ['PYRAMID_TIER', () => g.PYRAMID_TIER(values, 'ibm')],
];
for (const [name, f] of cases) {
  const ms = median3(f);
  console.log(`${name.padEnd(18)} ${ms.toFixed(0).padStart(6)} ms   ${(ms / LIMIT_MS * 100).toFixed(2).padStart(6)} % of the 30 s limit (headroom ×${(LIMIT_MS / ms).toFixed(0)})`);
}

// The sidebar's whole run (read in chunks, score, write the results sheet) has the 6-minute script limit.
const runMs = median3(() => g.runSegmentation({ runId: 'bench', sheetName: 'Orders', columns: {}, asOf }));
console.log(`${'runSegmentation'.padEnd(18)} ${runMs.toFixed(0).padStart(6)} ms   ${(runMs / 360_000 * 100).toFixed(2).padStart(6)} % of the 6 min script limit`);
