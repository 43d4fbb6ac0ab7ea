/** Reading and clearing table items in the serverless tests (consistent scans, 25 deletes a batch). */
import { BatchWriteItemCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { LocalStack } from '../../scripts/local/stack.ts';

export type Item = Record<string, AttributeValue>;

/** Every item of the table that `keep` accepts, all pages read. */
export async function scanItems(stack: LocalStack, keep: (item: Item) => boolean = () => true): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await stack.db.send(new ScanCommand({ TableName: stack.table, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...(page.Items ?? []).filter(keep));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** A dataset's own items (pk DATASET#<ds>) and its customers (DATASET#<ds>#<partition>). */
export const ofDataset = (dataset: string) => (i: Item) => i.pk.S === `DATASET#${dataset}` || i.pk.S!.startsWith(`DATASET#${dataset}#`);

/** Deletes the items (by their pk and sk). */
export async function deleteItems(stack: LocalStack, items: Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    const group = items.slice(i, i + 25).map((it) => ({ DeleteRequest: { Key: { pk: it.pk, sk: it.sk } } }));
    await stack.db.send(new BatchWriteItemCommand({ RequestItems: { [stack.table]: group } }));
  }
}
