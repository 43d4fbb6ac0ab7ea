/**
 * A customer's DynamoDB item and the writes that bring a dataset's items up to a run's scores.
 *
 * An item holds what a listing shows and what changes only with the customer's own data: tier,
 * segment, RFM scores, churn risk, lifecycle stage, value class, satisfaction, the purchase history
 * (first and last purchase, frequency, recency, net spend, historic value), and two predictions at
 * listing precision: CLV (the indexes' sort key) and P(alive). Predictions move a little every day
 * as the as-of date advances, so an item stores them coarsely enough that a nightly rescoring of
 * unchanged data rewrites only the customers whose listed values really changed; every value at full
 * display precision (expected purchases and spend, value at risk, CLV to the cent, T) is in the
 * run's scores.csv, which LATEST → run item → `reports.scores` names. No item stores the as-of day:
 * every item is current as of LATEST's `asOf`, at the precision stated here.
 */
import type { AttributeValue, WriteRequest } from '@aws-sdk/client-dynamodb';
import { dayToIso } from '../core/dates.ts';
import { label } from '../core/labels.ts';
import type { CustomerScore } from '../core/types.ts';
import { sha256 } from './run-id.ts';
import { customerKey, idOfSk, segmentKey, tierKey } from './table.ts';

/** Bump when the item layout changes, so every item is rewritten once in the new layout. */
export const ITEM_FORMAT = 'v4';

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const num = (x: number | null | undefined, digits?: number): AttributeValue | undefined =>
  typeof x === 'number' && Number.isFinite(x) ? { N: String(digits === undefined ? x : round(x, digits)) } : undefined;

/**
 * Listing precision of money predictions (CLV), in whole currency units: steps of 1, 2 or 5 in the
 * second significant digit, as the value's first digits are 10–19, 20–49 or 50–99 (1,234.56 → 1,200;
 * 2,345 → 2,400; 87.3 → 85; 9.6 → 10; 0.4 → 0). Every listed value is within 5 % of the exact one
 * (the worst case of two significant digits), on a grid of 35 steps a decade instead of 90, so a
 * day's drift crosses a step about half as often (docs/serverless.md, "Rough monthly cost").
 */
export function listingMoney(x: number): number {
  const a = Math.abs(x);
  if (!Number.isFinite(x) || a < 10) return Math.round(x) + 0; // + 0: no -0
  const unit = 10 ** (Math.floor(Math.log10(a)) - 1);
  const m = a / unit; // 10 ≤ m < 100: the first two digits
  const step = m < 20 ? 1 : m < 50 ? 2 : 5;
  return Math.sign(x) * Math.round(m / step) * step * unit;
}
/** Listing precision of probabilities (P(alive)): one decimal. */
export const listingProbability = (p: number) => Math.round(p * 10) / 10;

/** The English name of a tier or segment: what the index keys and the documented queries use (`Platinum`, `At risk`). */
export const tierName = (tier: string) => label('tier', tier, 'en');
export const segmentName = (segment: string) => label('segment', segment, 'en');

/** The stored attributes of a customer, before the key, run id and hash. */
export function listedValues(dataset: string, c: CustomerScore): [string, AttributeValue][] {
  const listed: Record<string, AttributeValue | undefined> = {
    tierKey: { S: tierKey(dataset, tierName(c.tier)) },
    segmentKey: { S: segmentKey(dataset, segmentName(c.rfm.segment)) },
    id: { S: c.id },
    tier: { S: c.tier },
    segment: { S: c.rfm.segment },
    clv: num(Number.isFinite(c.clv) ? listingMoney(c.clv) : NaN),
    pAlive: num(Number.isFinite(c.pAlive) ? listingProbability(c.pAlive) : NaN),
    r: num(c.rfm.r),
    f: num(c.rfm.f),
    m: num(c.rfm.m),
    churnRisk: { S: c.churnRisk },
    lifecycleStage: { S: c.lifecycleStage },
    valueClass: { S: c.valueClass },
    satisfactionLevel: num(c.satisfactionLevel),
    firstPurchase: { S: dayToIso(c.summary.firstDay) },
    lastPurchase: { S: dayToIso(c.summary.lastDay) },
    frequency: num(c.summary.frequency),
    recency: num(c.summary.recency, 4),
    netSpend: num(c.summary.netSpend, 2),
    historicValue: num(c.historicValue, 2),
  };
  return Object.entries(listed).filter((e): e is [string, AttributeValue] => e[1] !== undefined);
}

/**
 * The item for one customer: its key, the listed values, the run that wrote it and a content hash
 * of the listed values (equal hashes: nothing a reader can tell apart, so nothing to write).
 * `asOf` is not stored (see above); the parameter stays for callers.
 */
export function customerItem(dataset: string, _asOf: string, c: CustomerScore, runId?: string): Record<string, AttributeValue> {
  const present = listedValues(dataset, c);
  // Assigned one by one: spreading Object.fromEntries here was ten times slower.
  const item: Record<string, AttributeValue> = customerKey(dataset, c.id);
  for (const [name, value] of present) item[name] = value;
  item.hash = { S: sha256(`${ITEM_FORMAT}\n${JSON.stringify(present)}`) };
  if (runId) item.runId = { S: runId };
  return item;
}

export interface WriteCounts { written: number; unchanged: number; deleted: number }

/**
 * The writes that bring a dataset's stored customers to `customers`: a put for each new or changed
 * item (its hash differs from the stored one), then a delete for each stored customer not among
 * them. `existing` (sk → hash, as `existingCustomers` reads it) is consumed; `counts` is updated as
 * the writer pulls, so items are built lazily and memory stays at the writer's window.
 */
export function* customerWrites(
  dataset: string, asOf: string, customers: Iterable<CustomerScore>, existing: Map<string, string>, runId: string | undefined, counts: WriteCounts,
): Generator<WriteRequest> {
  for (const c of customers) {
    const item = customerItem(dataset, asOf, c, runId);
    const sk = item.sk.S!;
    const unchanged = existing.get(sk) === item.hash.S;
    existing.delete(sk);
    if (unchanged) counts.unchanged++;
    else {
      counts.written++;
      yield { PutRequest: { Item: item } };
    }
  }
  yield* customerDeletes(dataset, existing.keys(), counts);
}

/** Deletes of stored customer items, by sort key. */
export function* customerDeletes(dataset: string, sks: Iterable<string>, counts?: WriteCounts): Generator<WriteRequest> {
  for (const sk of sks) {
    if (counts) counts.deleted++;
    yield { DeleteRequest: { Key: customerKey(dataset, idOfSk(sk)) } };
  }
}
