/**
 * One shard's ledger entries of one partition, as bytes: a JSON header (the partition's customer
 * ids) and the entry columns as typed arrays. Money stays in the ledger's integer units, so the
 * merge sums exactly what the single ingest sums.
 */
import { Ledger } from '../../core/ingest/transactions.ts';

/** A growing slice of a ledger: entries of the customers of one partition. */
export class LedgerSlice {
  ids: string[] = [];
  private index = new Map<string, number>();
  ledger = new Ledger();

  add(id: string, code: number, gross: number, ret: number, buy: number, mar: number): void {
    let c = this.index.get(id);
    if (c === undefined) { c = this.ids.length; this.ids.push(id); this.index.set(id, c); }
    this.ledger.push(c, code, gross, ret, buy, mar, 0, 0);
  }
}

const pad8 = (n: number) => (n + 7) & ~7;

export function encodeSlice(s: LedgerSlice): Uint8Array {
  const { ledger: l, ids } = s;
  const n = l.n;
  const head = Buffer.from(JSON.stringify({ n, ids }), 'utf8');
  const start = pad8(4 + head.length);
  const out = Buffer.alloc(start + n * (8 * 3 + 4 * 2 + 1));
  out.writeUInt32LE(head.length, 0);
  head.copy(out, 4);
  let at = start;
  for (const a of [l.gross, l.ret, l.mar, l.cust, l.code, l.buy] as const) {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, n * a.BYTES_PER_ELEMENT);
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

/** Append the entries of an encoded slice to `into` (customer ids mapped to `into`'s own). */
export function appendSlice(bytes: Uint8Array, into: LedgerSlice): void {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const len = buf.readUInt32LE(0);
  const { n, ids } = JSON.parse(buf.toString('utf8', 4, 4 + len)) as { n: number; ids: string[] };
  // Copy into aligned memory before viewing as typed arrays.
  const body = new Uint8Array(buf.length - pad8(4 + len));
  body.set(buf.subarray(pad8(4 + len)));
  let at = 0;
  const take = <T>(C: { new (b: ArrayBuffer, o: number, n: number): T; BYTES_PER_ELEMENT: number }): T => {
    const a = new C(body.buffer, at, n);
    at += n * C.BYTES_PER_ELEMENT;
    return a;
  };
  const gross = take(Float64Array), ret = take(Float64Array), mar = take(Float64Array);
  const cust = take(Int32Array), code = take(Int32Array), buy = take(Uint8Array);
  for (let i = 0; i < n; i++) into.add(ids[cust[i]], code[i], gross[i], ret[i], buy[i], mar[i]);
}
