/**
 * The write path of a scoring run: building customer items (marshalling + content hash) for many
 * customers, how many items a nightly rescoring of the bundled sample changes (and so rewrites)
 * one day, one week and one month later, and BatchWriteItem throughput into DynamoDB Local at
 * several concurrency levels (the default concurrency of functions/batch-write.ts is chosen from this).
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
for (const c of run.customers) bytes += customerItem('bench', AS_OF, c).score.S!.length;
let s = (performance.now() - t) / 1000;
console.log(`customerItem (marshal + sha256)  ${N.toLocaleString('en')} customers in ${s.toFixed(2)} s  ${Math.round(N / s).toLocaleString('en')} items/s  mean score JSON ${Math.round(bytes / N)} chars`);

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
  console.log(`nightly rescoring of the sample as of ${later}: ${changed} of ${next.size} items change at display precision and are rewritten`);
}

const stack = await startLocalStack();
try {
  for (const concurrency of [1, 4, 8]) {
    const requests: WriteRequest[] = run.customers.slice(0, W).map((c) => ({ PutRequest: { Item: customerItem(`bench-${concurrency}`, AS_OF, c) } }));
    t = performance.now();
    const stats = await batchWrite(stack.db, stack.table, requests, { concurrency });
    s = (performance.now() - t) / 1000;
    console.log(`BatchWriteItem → DynamoDB Local  concurrency ${concurrency}  ${W} items in ${s.toFixed(2)} s  ${Math.round(W / s)} items/s  (${stats.calls} calls)`);
  }
} finally {
  await stack.stop();
}
