/**
 * CSV output: comma-delimited UTF-8 with a header row, `\n` line ends, a byte order mark by default
 * (Excel needs it to read UTF-8), and every text cell that a spreadsheet would run as a formula
 * neutralised with a leading `'` (OWASP "CSV injection"). Numbers are written as numbers.
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { Reject } from '../core/types.ts';
import type { CellSink } from '../core/report/table.ts';
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

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * CSV lines encoded straight into one growing byte buffer: the bytes of `csvLine` in UTF-8, without
 * a string per line or per number. Cells come one at a time (it is a CellSink, see
 * core/report/table.ts) or as a row (`line`). Plain ASCII texts (no quote, comma or line break, no
 * formula start) and finite numbers are written byte by byte; any other text goes through `csvCell`.
 */
export class CsvEncoder implements CellSink {
  private buf: Buffer;
  /** Bytes filled so far. */
  length = 0;
  /** A cell of the current line was written (the next one needs a comma). */
  private inLine = false;

  constructor(capacity = 1 << 20) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  /** The UTF-8 byte order mark. */
  bom(): void {
    this.room(3);
    for (const b of UTF8_BOM) this.buf[this.length++] = b;
  }

  /** One CSV line, with its line end: the UTF-8 bytes of `csvLine(cells)`. */
  line(cells: readonly OutCell[]): void {
    for (let i = 0; i < cells.length; i++) {
      const c = cells[i];
      if (c === null || c === undefined) this.blank();
      else if (typeof c === 'number') this.number(c);
      else this.text(typeof c === 'string' ? c : String(c));
    }
    this.end();
  }

  /** The bytes filled so far; the encoder starts empty again (the view is valid until the next write). */
  take(): Buffer {
    const out = this.buf.subarray(0, this.length);
    this.length = 0;
    return out;
  }

  blank(): void {
    this.cell(0);
  }

  end(): void {
    this.room(1);
    this.buf[this.length++] = 10;
    this.inLine = false;
  }

  /** csvCell(s): formula-safe, quoted when needed. */
  text(s: string): void {
    const n = s.length;
    this.cell(3 * n + 3); // UTF-8 takes at most 3 bytes per UTF-16 unit; plus a leading ' and two quotes
    const b = this.buf;
    let p = this.length;
    if (n > 0 && FORMULA_FIRST[s.charCodeAt(0)] === 1) { this.length += b.write(csvCell(s), p); return; }
    for (let i = 0; i < n; i++) {
      const ch = s.charCodeAt(i);
      if (ch >= 0x80 || ch === 34 || ch === 44 || ch === 10 || ch === 13) { this.length += b.write(csvCell(s), this.length); return; }
      b[p++] = ch;
    }
    this.length = p;
  }

  /** csvCell(x): numberText for a finite number, else the formula-safe text. */
  number(x: number): void {
    if (!Number.isFinite(x)) { this.text(String(x)); return; }
    this.cell(24);
    if (Number.isInteger(x)) {
      if (x > -1e15 && x < 1e15) this.decimal(x, 0);
      else this.ascii(String(x));
      return;
    }
    for (let d = 1; d <= 6; d++) {
      const f = POW10[d];
      const n = Math.round(x * f);
      if (n / f === x && Math.abs(n) < 1e15) { this.decimal(n, d); return; }
    }
    this.ascii(String(x));
  }

  /**
   * csvCell(Math.round(x · 10^digits) / 10^digits), without the division: the rounded value is the
   * double nearest to n / 10^digits, and with |n| < 10^15 that decimal (trailing zeros dropped) is
   * what String prints for it (see numberText).
   */
  fixed(x: number, digits: 2 | 4 | 6): void {
    const f = POW10[digits];
    const n = Math.round(x * f);
    if (n > -1e15 && n < 1e15) { this.cell(24); this.decimal(n, digits); } else this.number(n / f);
  }

  /** n / 10^d in decimal (n an integer, |n| < 10^15, 0 ≤ d ≤ 6), as String prints that number. */
  private decimal(n: number, d: number): void {
    const b = this.buf;
    if (n < 0) b[this.length++] = 45;
    const a = Math.abs(n), f = POW10[d];
    let frac: number;
    if (a < 2 ** 31) { // int32 arithmetic: no floating-point remainder per digit
      const whole = (a / f) | 0;
      frac = a - whole * f;
      this.digits32(whole);
    } else {
      frac = a % f;
      this.digits((a - frac) / f);
    }
    if (frac === 0) return;
    b[this.length] = 46;
    let p = this.length + d;
    for (let k = p; k > this.length; k--) { const q = (frac / 10) | 0; b[k] = 48 + frac - q * 10; frac = q; }
    while (b[p] === 48) p--;
    this.length = p + 1;
  }

  /** The decimal digits of an integer 0 ≤ v < 2^31. */
  private digits32(v: number): void {
    let len = 1;
    for (let t = v; t >= 10; t = (t / 10) | 0) len++;
    const b = this.buf;
    let p = this.length + len;
    this.length = p;
    do { const q = (v / 10) | 0; b[--p] = 48 + v - q * 10; v = q; } while (v > 0);
  }

  /** The decimal digits of an integer 0 ≤ v < 10^15. */
  private digits(v: number): void {
    let len = 1;
    for (let t = v; t >= 10; t = (t - (t % 10)) / 10) len++;
    const b = this.buf;
    let p = this.length + len;
    this.length = p;
    do { const r = v % 10; b[--p] = 48 + r; v = (v - r) / 10; } while (v > 0);
  }

  private ascii(s: string): void {
    this.room(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.length++] = s.charCodeAt(i);
  }

  /** Starts a cell of at most `bytes` bytes: the comma before it, and the room. */
  private cell(bytes: number): void {
    this.room(bytes + 1);
    if (this.inLine) this.buf[this.length++] = 44;
    this.inLine = true;
  }

  /** Makes room for `n` more bytes (a line longer than the buffer grows it). */
  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(grown, 0, 0, this.length);
    this.buf = grown;
  }
}

/** 1 for the character codes FORMULA_START matches first (= + - @ tab CR). */
const FORMULA_FIRST = new Uint8Array(128);
for (const ch of '=+-@\t\r') FORMULA_FIRST[ch.charCodeAt(0)] = 1;

/** Bytes gathered before each write to the file. */
const WRITE_BLOCK = 1 << 20;

/**
 * Streams rows to `path` (atomically, see io/output.ts): the lines are encoded into one buffer that
 * goes to the file each time it holds a megabyte, and the next rows wait for that write.
 */
export function writeCsv(path: string, header: string[], rows: Iterable<OutCell[]>, o: CsvOptions = {}): Promise<void> {
  const it = rows[Symbol.iterator]();
  return writeEncoded(path, header, (enc) => {
    for (let r = it.next(); !r.done; r = it.next()) {
      enc.line(r.value);
      if (enc.length >= WRITE_BLOCK) return true;
    }
    return false;
  }, o);
}

/** A table whose rows are sent cell by cell (core/report/table.ts's scoreTableRows). */
export interface CellTable {
  size: number;
  writeRow(i: number, sink: CellSink): void;
}

/** writeCsv for a table that sends its cells to the encoder: the same bytes, no row arrays. */
export function writeCsvTable(path: string, header: string[], table: CellTable, o: CsvOptions = {}): Promise<void> {
  let i = 0;
  return writeEncoded(path, header, (enc) => {
    while (i < table.size) {
      table.writeRow(i++, enc);
      if (enc.length >= WRITE_BLOCK) return true;
    }
    return false;
  }, o);
}

/** Writes the header, then `fill` until it returns false (it returns true when a block is ready to write). */
async function writeEncoded(path: string, header: string[], fill: (enc: CsvEncoder) => boolean, o: CsvOptions): Promise<void> {
  const w = await atomicWriteStream(path);
  try {
    const enc = new CsvEncoder(WRITE_BLOCK + (1 << 16));
    if (o.bom ?? true) enc.bom();
    enc.line(header);
    while (fill(enc)) await w.writeBytes(enc.take());
    await w.writeBytes(enc.take());
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
