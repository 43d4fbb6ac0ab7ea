/** Entry point of the `pyramid` command (bin/pyramid.mjs, `npm run pyramid`). */
import { main } from './cli.ts';

process.exitCode = await main(process.argv.slice(2));
