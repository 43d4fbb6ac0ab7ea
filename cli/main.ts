/** Entry point of the `pyramid` command (bin/pyramid.mjs, `npm run pyramid`). */
import { main } from './cli.ts';

const code = await main(process.argv.slice(2));
// A failed run exits now, without waiting for work started ahead (the report's chart engines loading).
if (code !== 0) process.exit(code);
