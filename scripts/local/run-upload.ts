/** Deliver pending local S3 events to the real upload handler and collect what it did. */
import { createUploadHandler } from '../../functions/upload.ts';
import type { FanoutStarter } from '../../functions/fanout/start.ts';
import { toSqsEvent } from './s3-events.ts';
import { waitForEvents, type LocalStack } from './stack.ts';

/** `fanout`: the local fan-out runner, which the handler uses for datasets above its threshold. */
export async function deliverUploads(stack: LocalStack, expectedEvents: number, asOf: string, fanout?: FanoutStarter) {
  const events = await waitForEvents(stack, expectedEvents);
  const sqs = toSqsEvent(events);
  if (!sqs) return { runs: [], batchItemFailures: [], delivered: 0 };
  const handler = createUploadHandler({ deps: stack.deps, asOf: () => asOf, ...(fanout ? { fanout } : {}) });
  const result = await handler(sqs);
  return { ...result, delivered: sqs.Records.length };
}
