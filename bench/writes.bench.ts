/**
 * The write path of a scoring run: building customer items (marshalling + content hash) for many
 * customers, how many items a nightly rescoring of the bundled sample changes (and so rewrites)
 * one day, one week and one month later, and BatchWriteItem throughput into DynamoDB Local at
 * fixed concurrency levels and with the default adaptive concurrency of functions/batch-write.ts.
 * Usage: npm run bench -- writes      (CUSTOMERS=100000 items built, WRITE_ITEMS=4000 written)
 */
import type { WriteRequest } from '@aws-sdk/client-dynamodb';
import { DEFAULT_PROFILE } from '../core/config.ts';
import { scoreCustomers } from '../core/pipeline.ts';
import { isoToDay } from '../core/report/format.ts';
import { batchWrite } from '../functions/batch-write.ts';
import { customerItem } from '../functions/items.ts';
import { resolveProfile } from '../core/config.ts';
import { loadDataset } from '../io/read.ts';
import { startLocalStack } from '../scripts/local/stack.ts';
import { simulate } from '../test/pipeline/simulate.ts';

const N = Number(process.env.CUSTOMERS ?? 100_000);
const W = Number(process.env.WRITE_ITEMS ?? 4000);
const AS_OF = '2024-06-30';
const { summaries } = simulate(N, 1, isoToDay(AS_OF));
const run = scoreCustomers(summaries, { ...DEFAULT_PROFILE, asOf: AS_OF }, {});

let t = performance.now();
let bytes = 0;
for (const c of run.customers) bytes += JSON.stringify(customerItem('bench', AS_OF, c, `${AS_OF}-0123456789abcdef`)).length;
let s = (performance.now() - t) / 1000;
console.log(`customerItem (marshal + sha256)  ${N.toLocaleString('en')} customers in ${s.toFixed(2)} s  ${Math.round(N / s).toLocaleString('en')} items/s  mean item ${Math.round(bytes / N)} bytes as JSON`);

/** The sample's item hashes as of a day (what decides whether the nightly run rewrites an item). */
async function sampleHashes(asOf: string): Promise<Map<string, string>> {
  const profile = resolveProfile({ asOf });
  const file = (f: string) => `examples/sample/${f}`;
  const data = await loadDataset({ transactions: [file('orders.csv')], customers: [file('customers.csv')], surveys: [file('surveys.csv')] }, profile);
  const scored = scoreCustomers(data.summaries, profile, { customers: data.customers, surveys: data.surveys });
  return new Map(scored.customers.map((c) => [c.id, customerItem('sample', asOf, c).hash.S!]));
}
const day0 = await sampleHashes('2025-06-30');
for (const later of ['2025-07-01', '2025-07-07', '2025-07-30']) {
  const next = await sampleHashes(later);
  const changed = [...next].filter(([id, h]) => day0.get(id) !== h).length;
  console.log(`nightly rescoring of the sample as of ${later}: ${changed} of ${next.size} items change at listing precision and are rewritten`);
}

const stack = await startLocalStack();
try {
  // Fixed levels (maxConcurrency = concurrency), then the default: start at 8 and adapt (AIMD) up to 32.
  for (const [name, options] of [['fixed 1', { concurrency: 1, maxConcurrency: 1 }], ['fixed 4', { concurrency: 4, maxConcurrency: 4 }], ['fixed 8', { concurrency: 8, maxConcurrency: 8 }], ['adaptive 8→32', {}]] as const) {
    const ds = `bench-${name.replace(/\W+/g, '-')}`;
    const requests: WriteRequest[] = run.customers.slice(0, W).map((c) => ({ PutRequest: { Item: customerItem(ds, AS_OF, c) } }));
    t = performance.now();
    const stats = await batchWrite(stack.db, stack.table, requests, options);
    s = (performance.now() - t) / 1000;
    console.log(`BatchWriteItem → DynamoDB Local  ${name.padEnd(14)} ${W} items in ${s.toFixed(2)} s  ${Math.round(W / s)} items/s  (${stats.calls} calls, at most ${stats.maxInFlight} in flight)`);
  }
} finally {
  await stack.stop();
}
