/**
 * End-to-end `pyramid score` with the default options (automatic model choice, intervals, report)
 * on bench/orders.ts exports (three years, day resolution, ≈ 10 lines per customer, 5% refunds), plain
 * CSV and gzip. Every measurement is a child process (bench/score-child.ts), so its peak RSS is its
 * own. Prints min and median wall time of RUNS runs, the ratio of the median to a plain Node
 * byte-stream line count of the same file (bench/linecount-child.mjs), peak RSS, the median of each
 * stage from summary.json's `timings`, and the histogram's compression (customers per distinct
 * (x, t_x, T)).
 *
 *   npm run bench -- score
 *   LINES=1000000,3000000,10000000 RUNS=3 npm run bench -- score     sizes (default 1M and 3M)
 *   FORMATS=csv  OPTIONS="--model bgnbd --no-intervals"               fewer formats, other options
 *   VS=/path/to/older/checkout                                         the same runs of an older checkout, in turn, with ratios
 *   VS=. OPTIONS="--threads 2" VS_OPTIONS=""                           this checkout with and without threads, in turn
 *   BENCH_DIR=/tmp/pyramid-bench                                       where the generated exports are kept between runs
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ORDERS_AS_OF, writeOrders } from './orders.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const LINES = (process.env.LINES ?? '1000000,3000000').split(',').map(Number);
const FORMATS = (process.env.FORMATS ?? 'csv,gz').split(',');
const RUNS = Math.max(1, Number(process.env.RUNS ?? 3));
const words = (s: string) => s.split(' ').filter(Boolean);
const OPTIONS = words(process.env.OPTIONS ?? '');
/** The options of the VS runs (default: OPTIONS). */
const VS_OPTIONS = process.env.VS_OPTIONS === undefined ? OPTIONS : words(process.env.VS_OPTIONS);
const VS = process.env.VS ? resolve(process.env.VS) : undefined;
const dir = process.env.BENCH_DIR ?? join(tmpdir(), 'pyramid-bench');
mkdirSync(dir, { recursive: true });

const median = (a: number[]) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fmt = (s: number) => `${s.toFixed(2)} s`;
const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;

function child(args: string[], loader = ['--import', 'tsx']): { seconds: number; stdout: string } {
  const start = performance.now();
  const r = spawnSync(process.execPath, [...loader, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - start) / 1000;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return { seconds, stdout: r.stdout };
}

interface Run { seconds: number; maxRssKb: number; timings: Record<string, number> }

function score(checkout: string, file: string, out: string, options = OPTIONS): Run {
  rmSync(out, { recursive: true, force: true });
  const { seconds, stdout } = child([join(here, 'score-child.ts'), checkout, 'score', file, '--as-of', ORDERS_AS_OF, '--out', out, ...options]);
  const last = JSON.parse(stdout.trim().split('\n').pop()!) as { code: number; maxRssKb: number };
  if (last.code !== 0) throw new Error(`pyramid score exited with ${last.code}`);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { timings?: Record<string, number> };
  return { seconds, maxRssKb: last.maxRssKb, timings: summary.timings ?? {} };
}

/** Customers per distinct (x, t_x, T), from customers.csv (frequency, recency and T columns). */
function compression(out: string): { customers: number; distinct: number } {
  const lines = readFileSync(join(out, 'customers.csv'), 'utf8').split('\n');
  const head = lines[0].replace(/^\uFEFF/, '').split(',');
  const [fx, fr, fT] = ['frequency', 'recency', 'T'].map((c) => head.indexOf(c));
  const seen = new Set<string>();
  let customers = 0;
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i]) continue;
    const c = lines[i].split(',');
    seen.add(`${c[fx]},${c[fr]},${c[fT]}`);
    customers++;
  }
  return { customers, distinct: seen.size };
}

async function dataset(lines: number, format: string): Promise<string> {
  const file = join(dir, `orders-${lines}.${format === 'gz' ? 'csv.gz' : 'csv'}`);
  if (!existsSync(file)) await writeOrders(file, lines, format === 'gz');
  return file;
}

console.log(`pyramid score ${OPTIONS.join(' ') || '(default options)'}${VS ? `, against ${VS} with ${VS_OPTIONS.join(' ') || 'default options'}` : ''}; ${RUNS} runs each; Node ${process.version}; exports in ${dir}`);
const rows: string[][] = [['lines', 'format', 'MB', 'customers/row', 'line count', 'min', 'median', '× line count', 'peak RSS', ...(VS ? ['older median', 'older RSS', 'speed-up'] : [])]];
const stageRows: string[] = [];
for (const lines of LINES) {
  for (const format of FORMATS) {
    const file = await dataset(lines, format);
    const count = median(Array.from({ length: RUNS }, () => child([join(here, 'linecount-child.mjs'), file], []).seconds));
    const out = join(dir, `out-${lines}-${format}`);
    // With VS, this checkout and the older one run in turn (A B A B …), so a drifting machine load hits both alike.
    const runs: Run[] = [];
    const older: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      runs.push(score(root, file, out));
      if (VS) older.push(score(VS, file, `${out}-older`, VS_OPTIONS));
    }
    const c = compression(out);
    const secs = runs.map((r) => r.seconds);
    const med = median(secs);
    const row = [lines.toLocaleString('en'), format, (statSync(file).size / 2 ** 20).toFixed(0), (c.customers / c.distinct).toFixed(2),
      fmt(count), fmt(Math.min(...secs)), fmt(med), `${(med / count).toFixed(1)}×`, mb(Math.max(...runs.map((r) => r.maxRssKb)))];
    if (VS) {
      const oMed = median(older.map((r) => r.seconds));
      row.push(fmt(oMed), mb(Math.max(...older.map((r) => r.maxRssKb))), `${(oMed / med).toFixed(2)}×`);
    }
    rows.push(row);
    const stages = Object.keys(runs[0].timings);
    stageRows.push(`${lines.toLocaleString('en')} ${format} (${c.customers.toLocaleString('en')} customers, ${c.distinct.toLocaleString('en')} distinct (x, t_x, T)): `
      + stages.map((s) => `${s} ${median(runs.map((r) => r.timings[s] ?? 0)).toFixed(2)}`).join(', '));
    console.error(`done: ${lines} ${format}`);
  }
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(`| ${r.map((v, i) => v.padStart(widths[i])).join(' | ')} |`);
console.log('\nMedian seconds per stage (summary.json timings):');
for (const s of stageRows) console.log(`  ${s}`);
