/**
 * A customer's DynamoDB item: the listing attributes at display precision (as in scores.csv), the
 * full score as JSON, the index keys, and a content hash of what a reader can tell apart.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { label } from '../core/labels.ts';
import type { CustomerScore } from '../core/types.ts';
import { sha256 } from './run-id.ts';
import { customerSk, datasetPk, segmentKey, tierKey } from './table.ts';

/** Bump when the item layout changes, so every item is rewritten once in the new layout. */
export const ITEM_FORMAT = 'v2';

/** Display precision of scores.csv: money to the cent, probabilities and counts to 4 places. */
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const num = (x: number | null | undefined, digits?: number): AttributeValue | undefined =>
  typeof x === 'number' && Number.isFinite(x) ? { N: String(digits === undefined ? x : round(x, digits)) } : undefined;

/** The English name of a tier or segment: what the index keys and the documented queries use (`Platinum`, `At risk`). */
export const tierName = (tier: string) => label('tier', tier, 'en');
export const segmentName = (segment: string) => label('segment', segment, 'en');

/**
 * The item for one customer. The hash covers every listing attribute but not the as-of date, T or
 * the full-precision JSON, which move every day: a nightly rescoring rewrites only the customers
 * whose listed values changed at display precision. A stored item is a consistent snapshot as of
 * its own `asOf`; the dataset's LATEST item names the day every listed value is current for.
 */
export function customerItem(dataset: string, asOf: string, c: CustomerScore, runId?: string): Record<string, AttributeValue> {
  const listed: Record<string, AttributeValue | undefined> = {
    tierKey: { S: tierKey(dataset, tierName(c.tier)) },
    segmentKey: { S: segmentKey(dataset, segmentName(c.rfm.segment)) },
    id: { S: c.id },
    tier: { S: c.tier },
    segment: { S: c.rfm.segment },
    clv: num(c.clv, 2),
    pAlive: num(c.pAlive, 4),
    expectedPurchases: num(c.expectedPurchases, 4),
    expectedSpend: num(c.expectedSpend, 2),
    historicValue: num(c.historicValue, 2),
    valueAtRisk: num(c.valueAtRisk, 2),
    r: num(c.rfm.r),
    f: num(c.rfm.f),
    m: num(c.rfm.m),
    churnRisk: { S: c.churnRisk },
    lifecycleStage: { S: c.lifecycleStage },
    valueClass: { S: c.valueClass },
    satisfactionLevel: num(c.satisfactionLevel),
    frequency: num(c.summary.frequency),
    recency: num(c.summary.recency, 4),
    netSpend: num(c.summary.netSpend, 2),
  };
  const present = Object.entries(listed).filter((e): e is [string, AttributeValue] => e[1] !== undefined);
  const hash = sha256(`${ITEM_FORMAT}\n${JSON.stringify(present)}`);
  const item: Record<string, AttributeValue> = {
    pk: { S: datasetPk(dataset) },
    sk: { S: customerSk(c.id) },
    ...Object.fromEntries(present),
    asOf: { S: asOf },
    ...(num(c.summary.T, 4) ? { T: num(c.summary.T, 4)! } : {}),
    score: { S: JSON.stringify(c) },
    hash: { S: hash },
  };
  if (runId) item.runId = { S: runId };
  return item;
}
