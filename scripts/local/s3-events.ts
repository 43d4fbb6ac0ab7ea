/**
 * Turn s3rver's bucket events (objects created and removed) into the SQS event the deployed stack
 * delivers to the upload handler. s3rver sends raw keys and fires for every key; real S3 URL-encodes keys (space as `+`)
 * and fires only for keys matching the notification's prefix and suffix filters (case-sensitive).
 */
import type { S3EventRecord, SQSEvent, SQSRecord } from 'aws-lambda';
import { encodeEventKey, NOTIFICATION_SUFFIXES, UPLOAD_PREFIX } from '../../functions/s3-keys.ts';
import type { RawS3Event } from './services.ts';

export function matchesTrigger(key: string): boolean {
  return key.startsWith(UPLOAD_PREFIX) && NOTIFICATION_SUFFIXES.some((s) => key.endsWith(s));
}

let sequence = 0;

/** One SQS message per matching record, as S3 → SQS delivers them; null when nothing matches. */
export function toSqsEvent(events: RawS3Event[]): SQSEvent | null {
  const records: SQSRecord[] = [];
  for (const event of events) {
    for (const r of event.Records) {
      if (!/^Object(Created|Removed):/.test(r.eventName) || !matchesTrigger(r.s3.object.key)) continue;
      const s3Record = {
        ...r,
        eventSource: 'aws:s3',
        s3: { ...r.s3, s3SchemaVersion: '1.0', configurationId: 'uploads', object: { ...r.s3.object, key: encodeEventKey(r.s3.object.key) } },
      } as unknown as S3EventRecord;
      const messageId = `local-${++sequence}`;
      records.push({
        messageId,
        receiptHandle: messageId,
        body: JSON.stringify({ Records: [s3Record] }),
        attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'local', ApproximateFirstReceiveTimestamp: '0' },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:local:000000000000:uploads',
        awsRegion: 'us-east-1',
      });
    }
  }
  return records.length ? { Records: records } : null;
}
