/**
 * Writing customers.csv for many scored customers (target: ≤ 2 s for 1M customers): the `write`
 * stage of `pyramid score` alone, on simulated customers scored with BG/NBD. Prints the seconds of
 * each run, the bytes written and the heap growth.
 * Usage: npm run bench -- csv      (CUSTOMERS=200000 RUNS=3 for a quicker run)
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scoreCustomers } from '../core/pipeline.ts';
import { resolveProfile } from '../core/config.ts';
import { isoToDay } from '../core/report/format.ts';
import { scoreTableRows } from '../core/report/index.ts';
import { writeCsv } from '../io/csv.ts';
import { simulate } from '../test/pipeline/simulate.ts';

const N = Number(process.env.CUSTOMERS ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 3);
const AS_OF = '2024-06-30';
const profile = resolveProfile({ asOf: AS_OF, model: 'bgnbd' });
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

const { summaries } = simulate(N, 1, isoToDay(AS_OF));
let t = performance.now();
const run = scoreCustomers(summaries, profile);
console.log(`${N.toLocaleString('en')} customers scored in ${((performance.now() - t) / 1000).toFixed(1)} s; Node ${process.version}`);

const dir = mkdtempSync(join(tmpdir(), 'pyramid-csv-bench-'));
try {
  const times: number[] = [], cpus: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    gc();
    const before = process.memoryUsage().heapUsed;
    t = performance.now();
    const cpu = process.cpuUsage();
    const table = scoreTableRows(run, profile.locale);
    await writeCsv(join(dir, 'customers.csv'), table.header, table.rows, { bom: profile.bom });
    const s = (performance.now() - t) / 1000;
    const used = process.cpuUsage(cpu);
    const cpuS = (used.user + used.system) / 1e6;
    times.push(s);
    cpus.push(cpuS);
    const grew = (process.memoryUsage().heapUsed - before) / 2 ** 20;
    console.log(`customers.csv  ${N.toLocaleString('en')} customers in ${s.toFixed(2)} s (${cpuS.toFixed(2)} s CPU)  ${(statSync(join(dir, 'customers.csv')).size / 2 ** 20).toFixed(0)} MB  heap +${grew.toFixed(0)} MB`);
  }
  const median = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1].toFixed(2);
  console.log(`median ${median(times)} s wall, ${median(cpus)} s CPU, of ${RUNS} runs`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
