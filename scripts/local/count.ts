/** Customer items a dataset has in the table, counted partition by partition (a check after a local run). */
import { QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { allPartitions, customerPk } from '../../functions/table.ts';

export async function countCustomerItems(db: DynamoDBClient, table: string, dataset: string): Promise<number> {
  let n = 0;
  for (const p of allPartitions()) {
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await db.send(new QueryCommand({
        TableName: table, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: customerPk(dataset, p) } },
        Select: 'COUNT', ConsistentRead: true, ExclusiveStartKey: start,
      }));
      n += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return n;
}
