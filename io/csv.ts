/**
 * CSV output: comma-delimited UTF-8 with a header row, `\n` line ends, a byte order mark by default
 * (Excel needs it to read UTF-8), and every text cell that a spreadsheet would run as a formula
 * neutralised with a leading `'` (OWASP "CSV injection"). Numbers are written as numbers.
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { Reject } from '../core/types.ts';
import { atomicWriteStream } from './output.ts';

export { atomicWriteStream, writeFileAtomic, refuseInputsAsOutputs } from './output.ts';

export type OutCell = string | number | boolean | null | undefined;

export interface CsvOptions {
  /** Start with a UTF-8 byte order mark (default true). */
  bom?: boolean;
}

export const BOM = '\uFEFF';

/** Characters that make a spreadsheet read a cell as a formula when they come first (OWASP). */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One cell as CSV text. Texts starting with = + - @ tab or CR get a leading `'`; finite numbers
 * stay numbers (a negative number is written `-12.5`); NaN and ±Infinity are written as texts.
 * Quoted when it holds a quote, comma or line break.
 */
export function csvCell(c: OutCell): string {
  if (c === null || c === undefined) return '';
  if (typeof c === 'number' && Number.isFinite(c)) return numberText(c);
  let s = String(c);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000];

/**
 * String(x) for a finite x, fast for what the tables write: numbers rounded to at most 6 decimals.
 * When x is the double nearest to n / 10^d for an integer n with |n| < 10^15 (at most 15 significant
 * digits), that decimal is the only one of at most 15 digits that reads back as x, so it is the
 * shortest round-trip form String(x) prints; it is written from n's digits instead of searched for
 * (the search costs microseconds a number, most of a million-row write). Anything else goes to String.
 */
export function numberText(x: number): string {
  if (Number.isInteger(x)) return String(x);
  for (let d = 1; d <= 6; d++) {
    const f = POW10[d];
    const n = Math.round(x * f);
    if (n / f === x && Math.abs(n) < 1e15) {
      const a = Math.abs(n);
      const frac = a % f; // not 0: x is not an integer
      let digits = String(frac).padStart(d, '0');
      let end = digits.length;
      while (digits.charCodeAt(end - 1) === 48) end--;
      if (end < digits.length) digits = digits.slice(0, end);
      return `${n < 0 ? '-' : ''}${(a - frac) / f}.${digits}`;
    }
  }
  return String(x);
}

/** One CSV line, with its line end. */
export function csvLine(cells: readonly OutCell[]): string {
  let out = '';
  for (let i = 0; i < cells.length; i++) out += (i ? ',' : '') + csvCell(cells[i]);
  return out + '\n';
}

export function toCsv(header: string[], rows: OutCell[][], o: CsvOptions = {}): string {
  let out = (o.bom ?? true ? BOM : '') + csvLine(header);
  for (const r of rows) out += csvLine(r);
  return out;
}

/** Streams rows to `path` (atomically, see io/output.ts), so millions of rows don't build one giant string. */
export async function writeCsv(path: string, header: string[], rows: Iterable<OutCell[]>, o: CsvOptions = {}): Promise<void> {
  const w = await atomicWriteStream(path);
  try {
    let block = (o.bom ?? true ? BOM : '') + csvLine(header);
    for (const r of rows) {
      block += csvLine(r);
      if (block.length >= 1 << 16) { await w.write(block); block = ''; }
    }
    await w.write(block);
  } catch (e) {
    await w.abort();
    throw e;
  }
  await w.commit();
}

export const REJECT_HEADER = ['source', 'line', 'column', 'reason', 'message', 'value'];

export const rejectRow = (r: Reject): OutCell[] => [r.source, r.line, r.column ?? '', r.reason, r.message, r.value ?? ''];

export function writeRejects(path: string, rejects: Iterable<Reject>, o: CsvOptions = {}): Promise<void> {
  return writeCsv(path, REJECT_HEADER, (function* () {
    for (const r of rejects) yield rejectRow(r);
  })(), o);
}

/** rejects.csv as one string, for writing to object storage. */
export function rejectsCsv(rejects: readonly Reject[], o: CsvOptions = {}): string {
  return toCsv(REJECT_HEADER, rejects.map(rejectRow), o);
}

export interface RejectWriter {
  /** Appends one reject (synchronously, in blocks: memory stays bounded however many come). */
  write(r: Reject): void;
  /** Flushes and renames the file into place; it exists afterwards (header only when there were no rejects). */
  close(): void;
  /** Deletes the temporary file (a failed run leaves no partial rejects.csv). */
  discard(): void;
  /** Rejects not written because `maxBytes` was reached. */
  readonly dropped: number;
}

/**
 * rejects.csv written as rejects arrive, for an ingest's `onReject`; stops writing past `maxBytes`.
 * Same cells as every CSV we write (formula-safe, BOM by default). The rows go to a temporary file
 * beside `path`, created exclusively at the first reject or at `close`, and renamed onto `path` by
 * `close` (a symlink at `path` is replaced, never written through).
 */
export function openRejectWriter(path: string, o: CsvOptions & { maxBytes?: number } = {}): RejectWriter {
  const maxBytes = o.maxBytes ?? Infinity;
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let fd = -1, block = '', bytes = 0, dropped = 0, closed = false;
  const put = (s: string) => { const b = Buffer.from(s, 'utf8'); writeSync(fd, b); bytes += b.length; };
  const open = () => {
    if (fd >= 0) return;
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(tmp, 'wx', 0o644);
    put((o.bom ?? true ? BOM : '') + csvLine(REJECT_HEADER));
  };
  const flush = () => {
    open();
    if (block) put(block);
    block = '';
  };
  return {
    get dropped() { return dropped; },
    write(r) {
      if (bytes + block.length >= maxBytes) { dropped++; return; }
      block += csvLine(rejectRow(r));
      if (block.length >= 1 << 16) flush();
    },
    close() {
      if (closed) return;
      closed = true;
      flush();
      closeSync(fd);
      renameSync(tmp, path);
    },
    discard() {
      if (!closed && fd >= 0) closeSync(fd);
      closed = true;
      if (fd >= 0) rmSync(tmp, { force: true });
    },
  };
}
