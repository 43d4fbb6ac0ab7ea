/**
 * `--threads`: the model fits on worker threads give the very numbers the one-thread run gives,
 * whatever the thread count and the order the fits finish in.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCli } from '../../cli/cli.ts';
import { runScore } from '../../cli/score.ts';
import { FitThreads } from '../../threads/fit-threads.ts';
import { runFitJob, spendJob, type FitJob } from '../../core/models/fit-jobs.ts';
import { compressSummaries } from '../../core/models/histogram.ts';
import { ORDERS_AS_OF, writeOrders } from '../../bench/orders.ts';
import { simulate } from '../pipeline/simulate.ts';

let dir = '';
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'pyramid-threads-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every number of a result, in order, as its exact bits (−0 and NaN included). */
function bits(x: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown, path: string) => {
    if (typeof v === 'number') out.push(`${path}=${Object.is(v, -0) ? '-0' : String(v)}`);
    else if (Array.isArray(v)) v.forEach((e, i) => walk(e, `${path}[${i}]`));
    else if (v && typeof v === 'object') for (const [k, e] of Object.entries(v)) walk(e, `${path}.${k}`);
    else out.push(`${path}=${JSON.stringify(v)}`);
  };
  walk(x, '');
  return out;
}

describe('FitThreads', () => {
  it('gives each job the result runFitJob gives in this thread, joined in any order', async () => {
    const { summaries } = simulate(400, 7, 2000);
    const hist = compressSummaries(summaries);
    const jobs: FitJob[] = [
      { kind: 'paretonbd', hist },
      { kind: 'bgnbd', hist },
      { kind: 'mbgnbd', hist },
      spendJob(summaries),
      { kind: 'bgnbd', hist: compressSummaries([]) }, // throws: zero customers
    ];
    const here = jobs.map(runFitJob);
    expect(here[4]).toEqual({ error: 'Cannot fit a purchase model on zero customers' });
    const threads = new FitThreads(2);
    try {
      const joins = jobs.map((j) => threads.start(j));
      const there = [...joins].reverse().map((join) => join()).reverse();
      for (let i = 0; i < jobs.length; i++) expect(bits(there[i])).toEqual(bits(here[i]));
      // A thread takes the next job once it is free: later jobs still finish.
      expect(bits(threads.start({ kind: 'bgnbd', hist })())).toEqual(bits(here[1]));
    } finally {
      await threads.close();
    }
  });

  it('runs the fits here, with the same results, when its threads cannot start', async () => {
    const { summaries } = simulate(300, 11, 2000);
    const hist = compressSummaries(summaries);
    const jobs: FitJob[] = [{ kind: 'bgnbd', hist }, spendJob(summaries)];
    const here = jobs.map(runFitJob);
    const broken = new FitThreads(2, { entry: new URL('data:text/javascript,throw new Error("no such module")'), readyMs: 300 });
    try {
      const joins = jobs.map((j) => broken.start(j));
      expect(joins.map((join) => bits(join()))).toEqual(here.map(bits));
      await new Promise((resolve) => setTimeout(resolve, 50)); // the threads' error events
      expect(broken.problems).toEqual(['no such module', 'no such module']);
    } finally {
      await broken.close();
    }
  });
});

describe('pyramid score --threads', () => {
  it('writes the same bytes with 1 and 3 threads', async () => {
    const file = join(dir, 'orders.csv');
    await writeOrders(file, 20_000);
    const outs: Record<string, string>[] = [];
    const started = vi.spyOn(FitThreads.prototype, 'start');
    for (const threads of [1, 3]) {
      const out = join(dir, `out-${threads}`);
      await runScore({ files: [file], overrides: { asOf: ORDERS_AS_OF }, out, threads });
      // One thread fits here; three take every fit of the automatic choice: 3 models, 2 refits, Gamma-Gamma.
      expect(started.mock.calls.map(([job]) => job.kind).sort()).toEqual(threads === 1 ? [] : ['bgnbd', 'gammaGamma', 'mbgnbd', 'mbgnbd', 'paretonbd', 'paretonbd']);
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
      expect(summary.models.choice.candidates.filter((c: { holdoutError: unknown }) => c.holdoutError !== null).length).toBeGreaterThan(0);
      delete summary.timings;
      outs.push({
        customers: readFileSync(join(out, 'customers.csv'), 'utf8'),
        rejects: readFileSync(join(out, 'rejects.csv'), 'utf8'),
        // vega numbers clip paths and gradients from counters of the process: a second render in it starts further on.
        report: readFileSync(join(out, 'report.html'), 'utf8').replace(/(clip|gradient_)\d+/g, '$1'),
        summary: JSON.stringify(summary),
      });
    }
    expect(outs[1].summary).toBe(outs[0].summary);
    expect(outs[1].customers).toBe(outs[0].customers);
    expect(outs[1].rejects).toBe(outs[0].rejects);
    expect(outs[1].report).toBe(outs[0].report);
  });

  it('takes a whole number of threads from 1 to 64', () => {
    expect(parseCli(['score', 'a.csv', '--threads', '4'])).toMatchObject({ threads: 4 });
    expect(parseCli(['score', 'a.csv'])).toMatchObject({ threads: 1 });
    for (const bad of ['0', '1.5', 'two', '65']) expect(() => parseCli(['score', 'a.csv', '--threads', bad])).toThrow(/--threads must be a whole number from 1 to 64/);
  });
});
