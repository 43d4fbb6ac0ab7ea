/**
 * The write path of a scoring run: building customer items (marshalling + content hash) for many
 * customers, how many items a nightly rescoring of the bundled sample changes (and so rewrites)
 * one day, one week and one month later, and BatchWriteItem throughput into DynamoDB Local at
 * fixed concurrency levels and with the default adaptive concurrency of functions/batch-write.ts.
 * Then the write units a nightly run and a daily upload cost on an order export (the seeded
 * bench/orders.ts export of ORDER_LINES lines, or WRU_EXPORT, a real one with YYYY-MM-DD dates),
 * counted by DynamoDB's rules for tables with global secondary indexes (see `writeUnits`).
 * Usage: npm run bench -- writes      (CUSTOMERS=100000 items built, WRITE_ITEMS=4000 written,
 *                                      ORDER_LINES=200000, WRU_EXPORT=orders.csv WRU_LAST_DAY=YYYY-MM-DD)
 */
import { readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AttributeValue, WriteRequest } from '@aws-sdk/client-dynamodb';
import type { CustomerScore } from '../core/types.ts';
import { DEFAULT_PROFILE } from '../core/config.ts';
import { scoreCustomers } from '../core/pipeline.ts';
import { isoToDay } from '../core/report/format.ts';
import { batchWrite } from '../functions/batch-write.ts';
import { customerItem } from '../functions/items.ts';
import { TABLE_INDEXES } from '../functions/table.ts';
import { ORDERS_AS_OF, writeOrders } from './orders.ts';
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

/**
 * Write request units of bringing stored items `before` to `after` (by customer id), by DynamoDB's
 * rules (developer guide, "Global secondary indexes: provisioned throughput considerations",
 * write capacity units): a put of an item under 1 KB costs 1; in each index, a new entry costs 1,
 * a changed index key (partition or sort) 2 (delete the old entry, put the new one), a change of
 * projected attributes only 1, and a write that changes nothing the index holds 0. Unchanged items
 * (same hash) are not written at all.
 */
function writeUnits(before: Map<string, Record<string, AttributeValue>>, after: Map<string, Record<string, AttributeValue>>) {
  const same = (a?: AttributeValue, b?: AttributeValue) => JSON.stringify(a) === JSON.stringify(b);
  let units = 0, changed = 0, keyMoves = 0;
  for (const [id, item] of after) {
    const old = before.get(id);
    if (old && old.hash.S === item.hash.S) continue;
    changed++;
    units += Math.ceil(itemBytes(item) / 1024);
    for (const index of TABLE_INDEXES) {
      const keys = [index.partitionKey.name, index.sortKey.name];
      if (!old) units += 1;
      else if (keys.some((k) => !same(old[k], item[k]))) { units += 2; keyMoves++; }
      else if (index.include.some((k) => !same(old[k], item[k]))) units += 1;
    }
  }
  for (const id of before.keys()) if (!after.has(id)) units += 1 + TABLE_INDEXES.length;
  return { units, changed, keyMoves };
}

/** An item's size as DynamoDB bills it, rounded up: attribute names plus values (a number counted as its digits). */
const itemBytes = (item: Record<string, AttributeValue>) =>
  Object.entries(item).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v.S ?? v.N ?? ''), 0);
const dayAfter = (iso: string, n = 1) => new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
async function exportItems(file: string, asOf: string): Promise<Map<string, Record<string, AttributeValue>>> {
  const profile = resolveProfile({ asOf });
  const data = await loadDataset({ transactions: [file] }, profile);
  const scored = scoreCustomers(data.summaries, profile, {});
  return new Map(scored.customers.map((c: CustomerScore) => [c.id, customerItem('shop', asOf, c, 'run')]));
}
{
  const dir = mkdtempSync(join(tmpdir(), 'writes-bench-'));
  try {
    const lines = Number(process.env.ORDER_LINES ?? 200_000);
    const file = process.env.WRU_EXPORT ?? join(dir, 'orders.csv');
    const last = process.env.WRU_LAST_DAY ?? ORDERS_AS_OF;
    if (!process.env.WRU_EXPORT) await writeOrders(file, lines);
    // The export without its last day's lines: what the table held before the day's upload.
    const cut = join(dir, 'cut.csv');
    writeFileSync(cut, readFileSync(file, 'utf8').split('\n').filter((l) => !l.includes(`,${last} `) && !l.includes(`,${last},`)).join('\n'));
    const [d1, d2] = [dayAfter(last), dayAfter(last, 2)];
    const base = await exportItems(file, d1);
    const name = process.env.WRU_EXPORT ?? `bench/orders.ts --lines ${lines}`;
    const report = (what: string, r: ReturnType<typeof writeUnits>) =>
      console.log(`${what.padEnd(58)} ${r.changed} of ${base.size} items written (${(100 * r.changed / base.size).toFixed(1)} %), ${r.keyMoves} index entries moved, ${r.units} WRU = ${(r.units / base.size).toFixed(3)} per customer`);
    console.log(`write units on ${name} (${base.size.toLocaleString('en')} customers, last day ${last}):`);
    report(`  nightly rescoring, as of ${d1} → ${d2}`, writeUnits(base, await exportItems(file, d2)));
    report(`  daily upload of ${last}'s lines, as of ${d1}`, writeUnits(await exportItems(cut, d1), base));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// WRITE_ITEMS=0: only the counts above, no DynamoDB Local.
const stack = W > 0 ? await startLocalStack() : undefined;
if (stack) try {
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
