/**
 * One `--threads` worker (cli/fit-threads.ts): runs each fit job it is given with the core's own
 * runFitJob, posts the result on its port, then bumps the shared counter a blocked join waits on.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { runFitJob, type FitJob } from '../core/models/fit-jobs.ts';
import { FINISHED, STOPPED } from './fit-threads.ts';

const { port, control } = workerData as { port: MessagePort; control: Int32Array };

process.on('exit', () => {
  Atomics.add(control, STOPPED, 1);
  Atomics.notify(control, FINISHED);
});

parentPort!.on('message', ({ id, job }: { id: number; job: FitJob }) => {
  port.postMessage({ id, result: runFitJob(job) });
  Atomics.add(control, FINISHED, 1);
  Atomics.notify(control, FINISHED);
});
