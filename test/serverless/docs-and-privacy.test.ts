/**
 * What the docs promise and what a run may repeat, against DynamoDB Local and s3rver:
 * every DynamoDB query written in README.md and docs/serverless.md returns rows for the sample
 * dataset, and a file whose first row is a customer's personal data never puts that row in a
 * failure reason, the run item, rejects.csv or a log line.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GetItemCommand, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { logger } from '../../functions/observability.ts';
import { safeReason } from '../../functions/redact.ts';
import { customerPartition } from '../../functions/table.ts';
import { createUploadHandler } from '../../functions/upload.ts';
import { toSqsEvent } from '../../scripts/local/s3-events.ts';
import { startLocalStack, waitForEvents, type LocalStack } from '../../scripts/local/stack.ts';

const AS_OF = '2025-06-30';
let stack: LocalStack;
beforeAll(async () => { stack = await startLocalStack(); });
afterAll(async () => { await stack?.stop(); });

interface DocQuery { file: string; index?: string; keyCondition: string; values: Record<string, AttributeValue> }

/** Every `aws dynamodb query` command in a markdown file, continuation lines joined. */
function documentedQueries(file: string): DocQuery[] {
  const text = readFileSync(path.resolve(file), 'utf8').replace(/\\\n\s*/g, ' ');
  return text.split('\n').filter((l) => l.includes('aws dynamodb query')).map((line) => ({
    file,
    index: line.match(/--index-name (\S+)/)?.[1],
    keyCondition: line.match(/--key-condition-expression "([^"]+)"/)![1],
    values: JSON.parse(line.match(/--expression-attribute-values '([^']+)'/)![1]),
  }));
}

interface DocGet { file: string; key: Record<string, AttributeValue> }

/**
 * Every `aws dynamodb get-item` in a markdown file, its key with the shell variables the docs set
 * filled in: `ID` (from its `ID=…` line), `P` (that customer's partition), `RUN` (LATEST's run id).
 */
function documentedGets(file: string, vars: { RUN: string }): DocGet[] {
  const text = readFileSync(path.resolve(file), 'utf8').replace(/\\\n\s*/g, ' ');
  const id = text.match(/^ID=(\S+);/m)?.[1];
  const values: Record<string, string> = { ...vars, ...(id ? { ID: id, P: customerPartition(id) } : {}) };
  return text.split('\n').filter((l) => /aws dynamodb get-item/.test(l)).map((line) => {
    const key = line.match(/--key '(.+?)'(?: |$)/)![1].replace(/'\$(\w+)'/g, (_, v: string) => values[v] ?? `<unset ${v}>`);
    return { file, key: JSON.parse(key) };
  });
}

describe('documented queries', () => {
  it('each DynamoDB query in README.md and docs/serverless.md returns rows for the sample shop', async () => {
    const layout = { 'orders.csv': 'transactions', 'customers.csv': 'customers', 'surveys.csv': 'surveys' };
    for (const [f, kind] of Object.entries(layout)) await stack.uploadFile(path.resolve('examples/sample', f), `uploads/shop/${kind}/${f}`);
    const { runs } = await createUploadHandler({ deps: stack.deps, asOf: () => AS_OF })(toSqsEvent(await waitForEvents(stack, 3))!);
    expect(runs.map((r) => r.status)).toEqual(['succeeded']);
    const queries = [...documentedQueries('README.md'), ...documentedQueries('docs/serverless.md')];
    expect(queries.length).toBeGreaterThanOrEqual(4);
    expect(queries.some((q) => JSON.stringify(q.values).includes('shop#TIER#Platinum'))).toBe(true);
    expect(queries.some((q) => JSON.stringify(q.values).includes('shop#SEGMENT#At risk'))).toBe(true);
    for (const q of queries) {
      const out = await stack.db.send(new QueryCommand({
        TableName: stack.table, IndexName: q.index, KeyConditionExpression: q.keyCondition, ExpressionAttributeValues: q.values,
        ...(q.keyCondition.includes('#s') ? { ExpressionAttributeNames: { '#s': 'status' } } : {}),
      }));
      expect(out.Items?.length ?? 0, `${q.file}: ${q.keyCondition} ${JSON.stringify(q.values)}`).toBeGreaterThan(0);
    }
    // get-item: one customer, LATEST, the latest run item.
    const gets = documentedGets('docs/serverless.md', { RUN: runs[0].runId });
    expect(gets.length).toBeGreaterThanOrEqual(3);
    expect(gets.some((g) => g.key.sk.S!.startsWith('CUSTOMER#'))).toBe(true);
    for (const g of gets) {
      const out = await stack.db.send(new GetItemCommand({ TableName: stack.table, Key: g.key, ConsistentRead: true }));
      expect(out.Item, `${g.file}: get-item ${JSON.stringify(g.key)}`).toBeDefined();
      if (g.key.sk.S === 'LATEST') expect(out.Item!.runId.S).toBe(runs[0].runId);
    }
  });
});

describe('failure reasons carry no row content', () => {
  // No cell is a number, so the reader takes this row for a header row.
  const person = ['Alice Zhang', 'alice.zhang@example.com', '12 Main Street', 'Springfield', 'VIP since spring'];

  it('a headerless file whose first row is a customer: the reason names the column count, never the cells', async () => {
    const body = `${person.join(',')}\nBob Li,bob.li@example.com,7 High Road,Shelbyville,13900001111\n`;
    await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: 'uploads/pii/transactions/contacts.csv', Body: body }));
    const logged: string[] = [];
    // The logger's own console (JSON lines to stdout in Lambda): capture what it prints.
    const out = (logger as unknown as { console: Record<string, (...a: unknown[]) => void> }).console;
    const spies = ['log', 'info', 'warn', 'error', 'debug'].map((m) => vi.spyOn(out, m).mockImplementation((...a: unknown[]) => { logged.push(a.map(String).join(' ')); }));
    let result;
    try {
      result = await createUploadHandler({ deps: stack.deps, asOf: () => AS_OF })(toSqsEvent(await waitForEvents(stack, 1))!);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    const run = result.runs[0];
    expect(run.status).toBe('failed');
    expect(run.reason).toMatch(/contacts\.csv/);
    expect(run.reason).toMatch(/5 columns/);
    const item = await stack.db.send(new QueryCommand({
      TableName: stack.table, KeyConditionExpression: 'pk = :p AND begins_with(sk, :r)',
      ExpressionAttributeValues: { ':p': { S: 'DATASET#pii' }, ':r': { S: 'RUN#' } },
    }));
    const rejects = await (await stack.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: run.reports.rejects }))).Body!.transformToString();
    expect(logged.join('')).toMatch(/run failed/);
    for (const [what, text] of [['reason', run.reason!], ['run item', JSON.stringify(item.Items)], ['rejects.csv', rejects], ['log', logged.join('')]] as const) {
      for (const cell of person) expect(text, `${what} repeats "${cell}"`).not.toContain(cell);
    }
  });

  it('redaction keeps file, line and counts; drops quoted cells, excerpts, e-mails and phone numbers; caps length', () => {
    expect(safeReason('uploads/a/x.csv: line 7 cannot be read (unclosed quote): "Alice",alice@example.com'))
      .toBe('uploads/a/x.csv: line 7 cannot be read (unclosed quote)');
    expect(safeReason('x.jsonl: line 3 is not a JSON object: {"name":"Alice"}')).toBe('x.jsonl: line 3 is not a JSON object');
    expect(safeReason('x.csv: the column "Alice" has a different value')).toBe('x.csv: the column "…" has a different value');
    expect(safeReason('call bob@example.org or +86 138 1234 5678 on 2024-01-03')).toBe('call <e-mail> or +<number> on 2024-01-03');
    expect(safeReason('x'.repeat(1000)).length).toBe(300);
    expect(safeReason('a\nb')).toBe('a b');
  });
});
