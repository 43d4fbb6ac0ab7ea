/** Deliver pending local S3 events to the real upload handler and collect what it did. */
import { createUploadHandler } from '../../functions/upload.ts';
import { toSqsEvent } from './s3-events.ts';
import { waitForEvents, type LocalStack } from './stack.ts';

export async function deliverUploads(stack: LocalStack, expectedEvents: number, asOf: string) {
  const events = await waitForEvents(stack, expectedEvents);
  const sqs = toSqsEvent(events);
  if (!sqs) return { runs: [], batchItemFailures: [], delivered: 0 };
  const handler = createUploadHandler({ deps: stack.deps, asOf: () => asOf });
  const result = await handler(sqs);
  return { ...result, delivered: sqs.Records.length };
}
