/**
 * The DynamoDB table, defined once: the CDK stack and the local create-table both read this.
 *
 * Items (single table):
 * - customer: pk `DATASET#<ds>#<pp>`, sk `CUSTOMER#<id>` — latest scores at listing precision and
 *   the customer's history. `<pp>` is the customer's partition: the first two hex digits of
 *   sha256(id), so a dataset's customers spread over 256 partition keys and a run's writes over
 *   as many DynamoDB partitions (`printf %s C10001 | sha256sum | cut -c1-2` gives it in a shell).
 * - run:      pk `DATASET#<ds>`, sk `RUN#<runId>`   — inputs, counts, model parameters, timings, status.
 * - latest:   pk `DATASET#<ds>`, sk `LATEST`        — the id of the latest successful run.
 * - lease:    pk `DATASET#<ds>`, sk `LEASE`         — held by the one run writing the dataset.
 * Indexes (sparse: only customer items carry their keys), both ordered by CLV, projecting the
 * listing attributes only (INCLUDE), so an item write costs one index write unit, not the whole item:
 * - ByTier:    tierKey `<ds>#TIER#<Tier>`          , clv (number)   e.g. `shop#TIER#Platinum`
 * - BySegment: segmentKey `<ds>#SEGMENT#<Segment>` , clv (number)   e.g. `shop#SEGMENT#At risk`
 * (tier and segment in the keys are the English names of the scores table; the items' `tier` and
 * `segment` attributes hold the machine values, `platinum`, `atRisk`.)
 */
import { createHash } from 'node:crypto';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export type AttributeType = 'S' | 'N';
export interface KeyDef { name: string; type: AttributeType }
export interface IndexDef { indexName: string; partitionKey: KeyDef; sortKey: KeyDef; include: string[] }

/** What a tier or segment listing shows (clv is the index sort key); everything else is one GetItem away. */
export const LISTING_ATTRIBUTES = ['id', 'tier', 'segment', 'pAlive', 'historicValue', 'churnRisk', 'lifecycleStage', 'valueClass'];

export const TABLE_KEYS = {
  partitionKey: { name: 'pk', type: 'S' } as KeyDef,
  sortKey: { name: 'sk', type: 'S' } as KeyDef,
};

export const TABLE_INDEXES: IndexDef[] = [
  { indexName: 'ByTier', partitionKey: { name: 'tierKey', type: 'S' }, sortKey: { name: 'clv', type: 'N' }, include: LISTING_ATTRIBUTES },
  { indexName: 'BySegment', partitionKey: { name: 'segmentKey', type: 'S' }, sortKey: { name: 'clv', type: 'N' }, include: LISTING_ATTRIBUTES },
];

export const datasetPk = (dataset: string) => `DATASET#${dataset}`;
export const customerSk = (id: string) => `CUSTOMER#${id}`;
/** The customer id of a customer item's sort key. */
export const idOfSk = (sk: string) => sk.slice('CUSTOMER#'.length);

/** How many partition keys a dataset's customer items are spread over (two hex digits). */
export const CUSTOMER_PARTITIONS = 256;
/** A customer's partition: the first two hex digits of sha256 of its id (UTF-8). */
export const customerPartition = (id: string) => createHash('sha256').update(id).digest('hex').slice(0, 2);
/** Every partition name, `00` … `ff`. */
export const allPartitions = () => Array.from({ length: CUSTOMER_PARTITIONS }, (_, i) => i.toString(16).padStart(2, '0'));
/** Partition key of a partition of a dataset's customer items. */
export const customerPk = (dataset: string, partition: string) => `${datasetPk(dataset)}#${partition}`;
/** The key of a customer's item. */
export const customerKey = (dataset: string, id: string) => ({ pk: { S: customerPk(dataset, customerPartition(id)) }, sk: { S: customerSk(id) } });
export const runSk = (runId: string) => `RUN#${runId}`;
export const tierKey = (dataset: string, tier: string) => `${dataset}#TIER#${tier}`;
export const segmentKey = (dataset: string, segment: string) => `${dataset}#SEGMENT#${segment}`;

/** CreateTable input for DynamoDB Local (on-demand, same keys and indexes as the stack). */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const keys = [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, ...TABLE_INDEXES.flatMap((i) => [i.partitionKey, i.sortKey])];
  const unique = [...new Map(keys.map((k) => [k.name, k])).values()];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: unique.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
    KeySchema: [
      { AttributeName: TABLE_KEYS.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: TABLE_KEYS.sortKey.name, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: TABLE_INDEXES.map((i) => ({
      IndexName: i.indexName,
      KeySchema: [
        { AttributeName: i.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: i.sortKey.name, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: i.include },
    })),
  };
}
