/**
 * `npm start`: the whole serverless path on this machine. Starts DynamoDB Local and a local S3
 * server, creates the stack's table, uploads the bundled sample export, delivers the S3 event to
 * the real upload handler, prints the tier pyramid and segment summary, copies the reports
 * (scores.csv, summary.json, rejects.csv, report.html) to ./out/local/, prints the report's path
 * and shuts everything down.
 *
 *   npm start                       # the Chinese-header sample, as of its last day
 *   npm start -- --sample sample-en # the English-header sample
 *   npm start -- --as-of 2025-12-31
 *   npm start -- --large            # a generated 1M-line export in quarterly files, through the fan-out
 *   npm start -- --large --lines 200000 --workers 4
 *
 * Datasets whose transaction files reach the fan-out threshold (docs/serverless.md) are scored by
 * the fan-out handlers (plan, shards, partition merges, score, item writes, finish) with the maps
 * run in worker processes, as the state machine runs them in parallel Lambdas.
 */
import { mkdirSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { GetObjectCommand } from '@aws-sdk/client-s3';

// Quiet the Lambda-side structured logs and metrics: this is a terminal.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
// This machine's Node 20 is fine for the local run; the deployed functions run Node 22.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: {
  sample: { type: 'string', default: 'sample' }, 'as-of': { type: 'string' }, dataset: { type: 'string' },
  large: { type: 'boolean', default: false }, lines: { type: 'string', default: '1000000' }, workers: { type: 'string' },
} });
const { SAMPLE_AS_OF } = await import('./generate-sample.ts');
const { startLocalStack } = await import('./local/stack.ts');
const { deliverUploads } = await import('./local/run-upload.ts');
const { pyramidText, segmentText } = await import('../core/report/index.ts');

const { lazyPool, localFanout, defaultWorkers } = await import('./local/fanout.ts');
const { LOCAL_CREDENTIALS, LOCAL_REGION } = await import('./local/services.ts');
const { fanoutMinBytes } = await import('../functions/fanout/layout.ts');
const { fanoutProgress } = await import('./local/progress.ts');

const dataset = values.dataset ?? (values.large ? 'large' : 'sample');
let asOf = values['as-of'] ?? SAMPLE_AS_OF;
let files: { kind: 'transactions' | 'customers' | 'surveys'; file: string }[];
if (values.large) {
  const { ORDERS_AS_OF } = await import('../bench/orders.ts');
  const { writeQuarterlyOrders } = await import('./local/split-orders.ts');
  const lines = Number(values.lines);
  if (!Number.isInteger(lines) || lines < 1) throw new Error(`--lines must be a positive whole number, got ${values.lines}`);
  asOf = values['as-of'] ?? ORDERS_AS_OF;
  const dir = path.join(root, 'out', 'local', 'generated', `orders-${lines}`);
  const done = path.join(dir, '.complete');
  const t = Date.now();
  if (!existsSync(done)) {
    console.log(`Generating ${lines.toLocaleString('en')} order lines (seeded, three years, quarterly files) in ${path.relative(root, dir)} …`);
    await writeQuarterlyOrders(dir, lines);
    writeFileSync(done, '');
    console.log(`  generated in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  files = readdirSync(dir).filter((f) => f.endsWith('.csv')).sort().map((f) => ({ kind: 'transactions' as const, file: path.join(dir, f) }));
} else {
  const sampleDir = path.join(root, 'examples', values.sample!);
  files = (['transactions', 'customers', 'surveys'] as const)
    .map((kind) => ({ kind, file: path.join(sampleDir, kind === 'transactions' ? 'orders.csv' : `${kind}.csv`) }))
    .filter((f) => existsSync(f.file));
  if (!files.some((f) => f.kind === 'transactions')) throw new Error(`no orders.csv in ${sampleDir}`);
}

const t0 = Date.now();
console.log('Starting DynamoDB Local and the local S3 server …');
const stack = await startLocalStack();
let exitCode = 0;
const workers = lazyPool(stack, { credentials: LOCAL_CREDENTIALS, region: LOCAL_REGION }, values.workers ? Number(values.workers) : defaultWorkers());
const progress = fanoutProgress();
const fanout = localFanout(stack.deps, workers.get, fanoutMinBytes(), { onProgress: progress.update });
try {
  console.log(`  S3        ${stack.s3Server.endpoint}  bucket ${stack.bucket}`);
  console.log(`  DynamoDB  ${stack.dynamo.endpoint}  table ${stack.table}`);
  for (const { kind, file } of files) {
    const key = `uploads/${dataset}/${kind}/${path.basename(file)}`;
    await stack.uploadFile(file, key);
    console.log(`Uploaded ${path.relative(root, file)} → s3://${stack.bucket}/${key}`);
  }
  // The queue's batching window delivers the notifications to one invocation.
  const { runs, batchItemFailures } = await deliverUploads(stack, files.length, asOf, fanout);
  progress.stop();
  if (batchItemFailures.length) throw new Error(`the upload handler failed ${batchItemFailures.length} message(s)`);
  for (const run of runs) {
    console.log(`\nRun ${run.runId} (${run.dataset}, as of ${run.asOf}): ${run.status}${run.reason ? ` — ${run.reason}` : ''}`);
    const c = run.counts.transactions;
    if (c) console.log(`  transaction rows read ${c.read}, accepted ${c.accepted}, rejected ${c.rejected}; ${run.customers} customers, ${run.written} items written`);
    console.log(`  timings (ms): ${Object.entries(run.timings).map(([k, v]) => `${k.replace(/Ms$/, '')} ${v}`).join(', ')}`);
    const fan = run as typeof run & { stages?: Record<string, number>; mode?: string; shards?: number; partitions?: number };
    if (fan.mode === 'fanout') {
      console.log(`  fan-out: ${fan.shards} shards, ${fan.partitions} partitions, ${workers.size()} worker processes`);
      console.log(`  stages (ms, wall clock): ${Object.entries(fan.stages!).map(([k, v]) => `${k.replace(/Ms$/, '')} ${v}`).join(', ')}`);
      const { countCustomerItems } = await import('./local/count.ts');
      console.log(`  customer items in the table: ${(await countCustomerItems(stack.db, stack.table, run.dataset)).toLocaleString('en')}`);
    }
    if (run.scoreRun) {
      console.log(`\n${pyramidText(run.scoreRun, 'en')}\n`);
      console.log(`${segmentText(run.scoreRun, 'en')}\n`);
    }
    const outDir = path.join(root, 'out', 'local', run.dataset, run.runId);
    mkdirSync(outDir, { recursive: true });
    console.log('Outputs:');
    for (const key of Object.values(run.reports)) {
      const body = await stack.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: key }));
      const local = path.join(outDir, path.basename(key));
      writeFileSync(local, await body.Body!.transformToByteArray());
      console.log(`  s3://${stack.bucket}/${key}  →  ${path.relative(root, local)}`);
    }
    if (run.reports.report) {
      const local = path.join(outDir, 'report.html');
      console.log(`\nReport: ${local}\n  (open it in a browser; in the local bucket: ${stack.s3Server.endpoint}/${stack.bucket}/${run.reports.report.split('/').map(encodeURIComponent).join('/')}, while the services run)`);
    }
    console.log(`  DynamoDB ${stack.table}: pk "DATASET#${run.dataset}" (run item RUN#${run.runId}, LATEST), customer items under pk "DATASET#${run.dataset}#<00…ff>" sk CUSTOMER#<id>; indexes ByTier, BySegment`);
    if (run.status !== 'succeeded') exitCode = 1;
  }
} catch (e) {
  console.error(`npm start failed: ${(e as Error).message}`);
  exitCode = 1;
} finally {
  progress.stop();
  await workers.close();
  await stack.stop();
}
console.log(`\nDone in ${((Date.now() - t0) / 1000).toFixed(1)} s; local services stopped.`);
process.exit(exitCode);
