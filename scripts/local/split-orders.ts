/**
 * A generated order export (bench/orders.ts) written as one file per quarter, as many ERPs export
 * it: customers buy across files, so the fan-out's per-customer merge has work to do.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { orderChunks } from '../../bench/orders.ts';

/** Writes `lines` order lines under `dir` as orders-YYYY-Qn.csv; returns the files in name order. */
export async function writeQuarterlyOrders(dir: string, lines: number, seed = 7): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const files = new Map<string, { out: WriteStream; block: string }>();
  let header = '';
  const flush = async (f: { out: WriteStream; block: string }) => {
    if (!f.out.write(f.block)) await new Promise<void>((r) => f.out.once('drain', () => r()));
    f.block = '';
  };
  for (const chunk of orderChunks(lines, seed)) {
    let at = 0;
    if (!header) { at = chunk.indexOf('\n') + 1; header = chunk.slice(0, at); }
    while (at < chunk.length) {
      const end = chunk.indexOf('\n', at);
      const line = chunk.slice(at, end + 1);
      at = end + 1;
      // order_id,customer_id,YYYY-MM-DD …: the quarter from the date's year and month.
      const date = line.split(',')[2];
      const name = `orders-${date.slice(0, 4)}-Q${Math.ceil(Number(date.slice(5, 7)) / 3)}.csv`;
      let f = files.get(name);
      if (!f) { f = { out: createWriteStream(path.join(dir, name)), block: header }; files.set(name, f); }
      f.block += line;
      if (f.block.length >= 1 << 20) await flush(f);
    }
  }
  for (const f of files.values()) {
    await flush(f);
    await new Promise<void>((res, rej) => { f.out.once('finish', () => res()); f.out.once('error', rej); f.out.end(); });
  }
  return [...files.keys()].sort().map((n) => path.join(dir, n));
}
