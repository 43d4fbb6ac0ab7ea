/** From the SQS messages the upload trigger delivers to the datasets they touch. */
import type { S3Event, SQSEvent } from 'aws-lambda';
import { decodeEventKey, isSourceKey, parseUploadKey } from './s3-keys.ts';

export interface DatasetMessages { dataset: string; messageIds: string[] }

/**
 * Group SQS messages (each wrapping S3 notifications: created or removed objects) by dataset;
 * ignores test events and keys outside the layout.
 */
export function datasetsFromSqs(event: SQSEvent): DatasetMessages[] {
  const byDataset = new Map<string, string[]>();
  for (const message of event.Records) {
    let body: Partial<S3Event> & { Event?: string };
    try {
      body = JSON.parse(message.body);
    } catch {
      continue; // not an S3 notification: nothing to score
    }
    for (const record of body.Records ?? []) {
      const key = decodeEventKey(record.s3.object.key);
      const parsed = parseUploadKey(key);
      if (!parsed || (parsed.kind !== 'profile' && !isSourceKey(key))) continue;
      const ids = byDataset.get(parsed.dataset) ?? [];
      if (!ids.includes(message.messageId)) ids.push(message.messageId);
      byDataset.set(parsed.dataset, ids);
    }
  }
  return [...byDataset].sort(([a], [b]) => (a < b ? -1 : 1)).map(([dataset, messageIds]) => ({ dataset, messageIds }));
}
