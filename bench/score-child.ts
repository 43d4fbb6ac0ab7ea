/**
 * One measured `pyramid score` run for bench/score.bench.ts, in its own process so its peak memory is
 * its own: runs the CLI of the checkout at ROOT (this one, or an older one to compare with), then
 * prints `{"code": exit code, "maxRssKb": peak resident memory}` as the last line of stdout.
 * Usage: node --import tsx bench/score-child.ts ROOT score FILE --as-of … --out DIR
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [root, ...args] = process.argv.slice(2);
const { main } = (await import(pathToFileURL(resolve(root, 'cli/cli.ts')).href)) as { main: (argv: string[]) => Promise<number> };
const code = await main(args);
process.stdout.write(`\n${JSON.stringify({ code, maxRssKb: process.resourceUsage().maxRSS })}\n`);
