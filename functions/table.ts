/**
 * The DynamoDB table, defined once: the CDK stack and the local create-table both read this.
 *
 * Items (single table):
 * - customer: pk `DATASET#<ds>`, sk `CUSTOMER#<id>` — latest scores and the statistics behind them.
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
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export type AttributeType = 'S' | 'N';
export interface KeyDef { name: string; type: AttributeType }
export interface IndexDef { indexName: string; partitionKey: KeyDef; sortKey: KeyDef; include: string[] }

/** What a tier or segment listing shows; everything else is one GetItem away. */
export const LISTING_ATTRIBUTES = ['id', 'tier', 'segment', 'pAlive', 'expectedPurchases', 'historicValue', 'valueAtRisk', 'churnRisk', 'lifecycleStage', 'valueClass', 'asOf'];

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
