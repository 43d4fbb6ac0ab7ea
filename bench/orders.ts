/**
 * A realistic order-line export for benchmarks: three years at day resolution, customers acquired
 * over the whole span and buying by the BG/NBD process (Poisson purchases at a Gamma-distributed
 * rate, dropping out after each purchase with a Beta-distributed probability) inside their own active
 * span, 1–4 lines per order sharing its timestamp, 5% of lines refunded. About ten lines per
 * customer, so 10M lines ≈ 1M customers. Seeded: the same arguments give the same bytes.
 *
 *   npx tsx bench/orders.ts --lines 10000000 --out /tmp/orders.csv [--gzip]
 *
 * Columns: order_id, customer_id, order_date (YYYY-MM-DD HH:MM:SS), amount, status.
 */
import { createWriteStream } from 'node:fs';
import { createGzip } from 'node:zlib';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { beta, gamma } from '../test/pipeline/simulate.ts';
import { uniform } from '../scripts/random.ts';

/** Last day of the export and its length. */
export const ORDERS_AS_OF = '2025-12-31';
const SPAN_DAYS = 3 * 365;
const END = Date.UTC(2025, 11, 31) / 86400000;
const START = END - SPAN_DAYS + 1;
/** BG/NBD parameters in days: mean rate r/α = 1 purchase per 50 days, mean drop-out a/(a+b) ≈ 0.22. */
const R = 0.6, ALPHA = 30, A = 1, B = 3.5;

const pad = (n: number) => (n < 10 ? `0${n}` : `${n}`);
function isoDay(day: number): string {
  const d = new Date(day * 86400000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** Yields the export's text in chunks of about 1 MB: the header first, then exactly `lines` lines. */
export function* orderChunks(lines: number, seed = 7): Generator<string> {
  const rand = uniform(seed);
  let chunk = 'order_id,customer_id,order_date,amount,status\n';
  let written = 0, order = 0, customer = 0;
  while (written < lines) {
    customer++;
    const id = `C${String(customer).padStart(7, '0')}`;
    const lambda = gamma(rand, R, ALPHA), p = beta(rand, A, B);
    let day = START + Math.floor(rand() * SPAN_DAYS);
    for (;;) {
      order++;
      const stamp = `${isoDay(day)} ${pad(8 + Math.floor(rand() * 14))}:${pad(Math.floor(rand() * 60))}:${pad(Math.floor(rand() * 60))}`;
      const k = 1 + Math.floor(rand() * 4);
      for (let j = 0; j < k && written < lines; j++, written++) {
        const amount = (5 + Math.floor(rand() * 20000) / 100).toFixed(2);
        chunk += `O${order},${id},${stamp},${amount},${rand() < 0.05 ? 'refunded' : 'paid'}\n`;
      }
      if (written >= lines || rand() < p) break;
      day += Math.max(1, Math.ceil(-Math.log(1 - rand()) / lambda));
      if (day > END) break;
    }
    if (chunk.length > 1 << 20) { yield chunk; chunk = ''; }
  }
  yield chunk;
}

/** Writes the export to `path` (gzip-compressed when asked) and resolves when it is on disk. */
export async function writeOrders(path: string, lines: number, gzip = false): Promise<void> {
  const file = createWriteStream(path);
  const out = gzip ? createGzip() : file;
  if (gzip) out.pipe(file);
  for (const chunk of orderChunks(lines)) {
    if (!out.write(chunk)) await new Promise<void>((res) => out.once('drain', () => res()));
  }
  await new Promise<void>((res, rej) => { file.once('finish', () => res()); file.once('error', rej); out.end(); });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { lines: { type: 'string', default: '1000000' }, out: { type: 'string' }, gzip: { type: 'boolean', default: false } } });
  if (!values.out) throw new Error('usage: npx tsx bench/orders.ts --lines N --out FILE [--gzip]');
  await writeOrders(values.out, Number(values.lines), values.gzip);
  console.error(`${values.out}: ${Number(values.lines).toLocaleString('en')} lines, as of ${ORDERS_AS_OF}`);
}
