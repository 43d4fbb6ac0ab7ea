/**
 * `npm run dev`: keep DynamoDB Local and the local S3 server running and score any export dropped
 * into ./inbox/<dataset>/ (or ./inbox/<dataset>/<transactions|customers|surveys>/). Files directly
 * under a dataset folder are sorted by name: names with "customer" or 客户 → customers, with
 * "survey", 调查 or 问卷 → surveys, anything else → transactions. Ctrl-C stops everything.
 *
 *   npm run dev                      # as of today in Asia/Shanghai (TIME_ZONE to change)
 *   npm run dev -- --as-of 2025-06-30
 */
import { existsSync, mkdirSync, readdirSync, statSync, watch, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { GetObjectCommand } from '@aws-sdk/client-s3';

process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
// This machine's Node 20 is fine for the local run; the deployed functions run Node 22.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { 'as-of': { type: 'string' }, inbox: { type: 'string', default: path.join(root, 'inbox') } } });
const { startLocalStack } = await import('./local/stack.ts');
const { deliverUploads } = await import('./local/run-upload.ts');
const { lazyPool, localFanout } = await import('./local/fanout.ts');
const { LOCAL_CREDENTIALS, LOCAL_REGION } = await import('./local/services.ts');
const { fanoutMinBytes } = await import('../functions/fanout/layout.ts');
const { matchesTrigger } = await import('./local/s3-events.ts');
const { todayIn } = await import('../functions/as-of.ts');
const { pyramidText, segmentText } = await import('../core/report/index.ts');

const inbox = path.resolve(values.inbox!);
mkdirSync(inbox, { recursive: true });
const asOf = () => values['as-of'] ?? todayIn(process.env.TIME_ZONE ?? 'Asia/Shanghai');

/** inbox-relative path → S3 key under uploads/, or null when it is not a source. */
function inboxKey(relative: string): string | null {
  const parts = relative.split(path.sep).filter(Boolean);
  if (parts.length < 2) return null;
  const [dataset, ...rest] = parts;
  const name = rest.at(-1)!;
  const kinds = ['transactions', 'customers', 'surveys'];
  let key: string;
  if (rest.length === 1 && name === 'profile.json') key = `uploads/${dataset}/profile.json`;
  else if (rest.length >= 2 && kinds.includes(rest[0])) key = `uploads/${dataset}/${rest.join('/')}`;
  else {
    const lower = name.toLowerCase();
    const kind = /customer|客户/.test(lower) ? 'customers' : /survey|调查|问卷/.test(lower) ? 'surveys' : 'transactions';
    key = `uploads/${dataset}/${kind}/${rest.join('/')}`;
  }
  return matchesTrigger(key) ? key : null;
}

console.log('Starting DynamoDB Local and the local S3 server …');
const stack = await startLocalStack();
console.log(`  S3        ${stack.s3Server.endpoint}  bucket ${stack.bucket}`);
console.log(`  DynamoDB  ${stack.dynamo.endpoint}  table ${stack.table}`);
console.log(`  (AWS CLI: aws --endpoint-url ${stack.dynamo.endpoint} dynamodb scan --table-name ${stack.table}, credentials S3RVER/S3RVER)`);
console.log(`Watching ${path.relative(process.cwd(), inbox) || inbox}/<dataset>/ … (Ctrl-C to stop)`);
// Datasets above the fan-out threshold are scored by the fan-out handlers in worker processes, as the state machine runs them.
const workers = lazyPool(stack, { credentials: LOCAL_CREDENTIALS, region: LOCAL_REGION });
const fanout = localFanout(stack.deps, workers.get, fanoutMinBytes());

let busy = Promise.resolve();
const seen = new Map<string, number>();
function enqueue(relative: string) {
  busy = busy.then(() => scoreFile(relative)).catch((e) => console.error(`  failed: ${(e as Error).message}`));
}
async function scoreFile(relative: string) {
  const file = path.join(inbox, relative);
  const key = inboxKey(relative);
  if (!key || !existsSync(file) || !statSync(file).isFile()) return;
  // Wait until the file stops growing (a copy in progress).
  let size = -1;
  while (size !== statSync(file).size) { size = statSync(file).size; await new Promise((r) => setTimeout(r, 300)); }
  if (seen.get(relative) === statSync(file).mtimeMs) return;
  seen.set(relative, statSync(file).mtimeMs);
  await stack.uploadFile(file, key);
  console.log(`\n${relative} → s3://${stack.bucket}/${key}`);
  const { runs } = await deliverUploads(stack, 1, asOf(), fanout);
  for (const run of runs) {
    console.log(`Run ${run.runId}: ${run.status}${run.reason ? ` — ${run.reason}` : ''}${run.duplicate ? ' (unchanged)' : ''}`);
    if (run.scoreRun) console.log(`\n${pyramidText(run.scoreRun, 'en')}\n\n${segmentText(run.scoreRun, 'en')}`);
    const outDir = path.join(root, 'out', 'local', run.dataset, run.runId);
    mkdirSync(outDir, { recursive: true });
    for (const k of Object.values(run.reports)) {
      const body = await stack.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: k }));
      writeFileSync(path.join(outDir, path.basename(k)), await body.Body!.transformToByteArray());
    }
    console.log(`Reports: ${path.relative(root, outDir)}/`);
  }
}

for (const entry of readdirSync(inbox, { recursive: true }) as string[]) enqueue(entry);
const watcher = watch(inbox, { recursive: true }, (_event, name) => { if (name) enqueue(name.toString()); });

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.removeAllListeners(signal);
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping …');
    watcher.close();
    await workers.close();
    await stack.stop();
    process.exit(0);
  });
}
