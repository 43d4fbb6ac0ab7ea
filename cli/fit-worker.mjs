// A --threads worker: loads the TypeScript fit worker through tsx, as bin/pyramid.mjs loads the CLI.
import { register } from 'tsx/esm/api';
register();
await import('./fit-worker.ts');
