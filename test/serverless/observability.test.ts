/**
 * The Powertools middleware on every handler: each log line carries the request id, cold start and
 * function name, and the metrics are flushed (with a ColdStart metric) however the handler ends.
 */
import type { Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import type { RunRecord } from '../../functions/score-dataset.ts';

// Lambda sets this; Powertools reads it when the logger and metrics are created (a cold start is only reported then).
process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
const { logger, metrics, recordRun, withLambdaContext } = await import('../../functions/observability.ts');

const context = (id: string) => ({
  awsRequestId: id, functionName: 'pyramid-upload', functionVersion: '$LATEST', memoryLimitInMB: '3008',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:pyramid-upload', getRemainingTimeInMillis: () => 60_000,
}) as unknown as Context;

/** The JSON lines the logger and the metrics print to stdout (Powertools writes there in Lambda) while `fn` runs. */
async function captured(fn: () => Promise<unknown>) {
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { out.push(String(chunk)); return true; });
  let error: unknown;
  try {
    await fn();
  } catch (e) {
    error = e;
  } finally {
    spy.mockRestore();
  }
  const lines = out.join('').split('\n').filter((l) => l.startsWith('{'));
  return { lines: lines.map((l) => JSON.parse(l) as Record<string, unknown>), error };
}

const run: RunRecord = {
  dataset: 'shop', runId: '2025-06-30-x', asOf: '2025-06-30', trigger: 'upload', status: 'succeeded', inputs: [], counts: {},
  customers: 10, written: 3, deleted: 0, unchanged: 7, timings: { totalMs: 5 }, reports: {},
};

describe('handlers with the Powertools middleware', () => {
  it('every log line has the request id and cold start; metrics are flushed with a ColdStart metric, also when the handler throws', async () => {
    const handler = withLambdaContext(async (event: { fail?: boolean }) => {
      logger.info('working');
      recordRun(run);
      if (event.fail) throw new Error('boom');
      return 'ok';
    });
    const first = await captured(() => handler({}, context('req-1')));
    const logs = first.lines.filter((l) => l.message !== undefined);
    expect(logs.map((l) => l.message)).toEqual(['working', 'run finished']);
    for (const l of logs) expect(l).toMatchObject({ function_request_id: 'req-1', cold_start: true, function_name: 'pyramid-upload' });
    const emf = first.lines.filter((l) => l._aws !== undefined);
    expect(emf.some((m) => m.ColdStart === 1)).toBe(true);
    expect(emf.some((m) => m.SucceededRuns === 1 && m.ItemsWritten === 3)).toBe(true);

    const second = await captured(() => handler({ fail: true }, context('req-2')));
    expect((second.error as Error).message).toBe('boom');
    const logs2 = second.lines.filter((l) => l.message !== undefined);
    expect(logs2.length).toBeGreaterThan(0);
    for (const l of logs2) expect(l).toMatchObject({ function_request_id: 'req-2', cold_start: false });
    expect(second.lines.some((m) => m._aws !== undefined && m.SucceededRuns === 1)).toBe(true); // flushed despite the error
  });
});
