/**
 * Ingest speed against a plain Node byte-stream line count of the same file (the floor any reader
 * of the file pays). For bench/orders.ts data of 1M lines and, with env LINES (e.g. 10000000), of
 * that many lines, plain CSV and gzip: the line count, the full ingest path (`readTable`: read,
 * decompress, decode, split, parse, accumulate, summarise), their ratio, and peak RSS. Every
 * measurement runs in its own child process (so RSS figures do not mix), RUNS times (default 3)
 * interleaved; medians (and the fastest run) are printed, wall clock and CPU time.
 *
 *   npm run bench -- ingest
 *   LINES=10000000 npm run bench -- ingest
 *   ROOT=/path/to/other/checkout LINES=10000000 npx tsx bench/ingest.bench.ts   (same table for another checkout)
 *
 * Data files are written once to DATA_DIR (default the system temp directory) and reused: the
 * generator is seeded, so the same line count gives the same bytes.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createGunzip } from 'node:zlib';
import { ORDERS_AS_OF, writeOrders } from './orders.ts';

const here = fileURLToPath(import.meta.url);
const RUNS = Number(process.env.RUNS ?? 3);
const ROOT = resolve(process.env.ROOT ?? join(dirname(here), '..'));
const DATA_DIR = process.env.DATA_DIR ?? tmpdir();

interface Measure { ms: number; cpuMs: number; rssMB: number; lines?: number; read?: number; customers?: number }

const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
const rssMB = () => process.resourceUsage().maxRSS / 1024;

/** Child: count LF bytes of the (decompressed) file with a plain read stream. */
async function countLines(file: string): Promise<Measure> {
  const t = performance.now(), c = process.cpuUsage();
  let s: NodeJS.ReadableStream = createReadStream(file, { highWaterMark: 1 << 20 });
  if (file.endsWith('.gz')) s = s.pipe(createGunzip());
  let lines = 0;
  for await (const chunk of s as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
  }
  return { ms: performance.now() - t, cpuMs: cpuMs(process.cpuUsage(c)), rssMB: rssMB(), lines };
}

/** Child: the full transactions ingest of ROOT's checkout. */
async function ingest(file: string): Promise<Measure> {
  const { resolveProfile } = await import(pathToFileURL(join(ROOT, 'core/config.ts')).href);
  const { readTable } = await import(pathToFileURL(join(ROOT, 'io/read.ts')).href);
  const profile = resolveProfile({ asOf: ORDERS_AS_OF });
  const t = performance.now(), c = process.cpuUsage();
  const r = await readTable(file, 'transactions', profile);
  return { ms: performance.now() - t, cpuMs: cpuMs(process.cpuUsage(c)), rssMB: rssMB(), read: r.counts.read, customers: r.summaries.length };
}

function child(mode: 'count' | 'ingest', file: string): Measure {
  const r = spawnSync(process.execPath, ['--import', 'tsx', here, '--child', mode, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${mode} ${file} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Measure;
}

async function dataFile(lines: number, gzip: boolean): Promise<string> {
  const path = join(DATA_DIR, `pyramid-bench-orders-${lines}.csv${gzip ? '.gz' : ''}`);
  if (!existsSync(path)) {
    process.stdout.write(`writing ${path} … `);
    await writeOrders(`${path}.part`, lines, gzip);
    renameSync(`${path}.part`, path);
    console.log('done');
  }
  return path;
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number, w = 7) => n.toFixed(0).padStart(w);

async function main(): Promise<void> {
  const sizes = [1_000_000, ...(process.env.LINES ? [Number(process.env.LINES)] : [])];
  console.log(`ingest of ${ROOT}, ${RUNS} runs per cell, one child process per run; medians (min); ratio = ingest / line count`);
  console.log('lines        format  MB     | count ms  cpu  | ingest ms (min)    cpu   | ratio wall  cpu | RSS MB count  ingest | customers');
  for (const lines of sizes) {
    for (const gzip of [false, true]) {
      const file = await dataFile(lines, gzip);
      const count: Measure[] = [], ing: Measure[] = [];
      for (let r = 0; r < RUNS; r++) { count.push(child('count', file)); ing.push(child('ingest', file)); }
      if (count[0].lines !== lines + 1 || ing[0].read !== lines) throw new Error(`line counts disagree: ${count[0].lines} physical, ${ing[0].read} read`);
      const cm = median(count.map((m) => m.ms)), cc = median(count.map((m) => m.cpuMs));
      const im = median(ing.map((m) => m.ms)), ic = median(ing.map((m) => m.cpuMs));
      console.log(`${lines.toLocaleString('en').padEnd(12)} ${(gzip ? 'gzip' : 'csv').padEnd(6)} ${fmt(statSync(file).size / 1048576, 5)}  | ${fmt(cm)} ${fmt(cc, 5)} | ${fmt(im)} (${fmt(Math.min(...ing.map((m) => m.ms)))}) ${fmt(ic)} | ${(im / cm).toFixed(2).padStart(9)} ${(ic / cc).toFixed(2).padStart(5)} | ${fmt(Math.max(...count.map((m) => m.rssMB)), 9)} ${fmt(Math.max(...ing.map((m) => m.rssMB)))} | ${ing[0].customers}`);
    }
  }
}

const at = process.argv.indexOf('--child');
if (at >= 0) {
  const mode = process.argv[at + 1], file = process.argv[at + 2];
  const m = mode === 'count' ? await countLines(file) : await ingest(file);
  console.log(JSON.stringify(m));
} else await main();
