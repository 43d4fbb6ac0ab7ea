// A fit thread run from the sources: loads the TypeScript entry through tsx, as bin/pyramid.mjs loads the CLI.
// If that fails, the thread says it stopped (threads/fit-threads.ts), so no join waits for it.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

try {
  register();
  await import('./worker.ts');
} catch (e) {
  Atomics.add(workerData.control, 1, 1);
  Atomics.notify(workerData.control, 0);
  throw e;
}
