/** A fit thread started from the sources (threads/worker.mjs loads this through tsx). */
import { serveFitsIfWorker } from './fit-threads.ts';

serveFitsIfWorker();
