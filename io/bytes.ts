/**
 * The fast lane of delimited text: ASCII bytes → physical lines → fields, without decoding a line
 * into a string. Every supported encoding but UTF-16 reads ASCII bytes as the same characters, so
 * while a file is pure ASCII its lines can be split on bytes and only the fields some column role
 * reads become strings (a field equal to the same column's field on the line before reuses that
 * string; plain decimals in amount columns become numbers, exactly as `+text` would read them).
 *
 * Anything unusual takes the text path of io/lines.ts and io/delimited.ts, line by line, with
 * identical results: a line with a double quote, a line inside an open quoted record, a line whose
 * field count differs from the header's, the header itself. At the first chunk holding a byte
 * above 0x7F the fast lane stops (`push` returns false) and the caller hands the rest of the file,
 * from `handOver().bytes`, to the decoder and the text path (decoding decisions stay theirs).
 */
import { shortDecimalBytes } from '../core/amounts.ts';
import { HAS_QUOTE } from './lines.ts';

/** Where fast-lane rows go: the field count and the row sink of the text path. */
export interface FastTarget {
  /** The header's field count, or -1 while no header or first row was read. */
  readonly width: number;
  /**
   * Per column, once the width is known: 0 no role reads it (passed as ''), 1 its text is read,
   * 2 its plain decimals may be passed as numbers (amount, refund, margin, cost), 3 only its first
   * `PREFIX_CHARS` characters are read (the order id: a credit note starts with C and a digit).
   */
  columns(): Uint8Array;
  /** A quoted field of an earlier line is open: the line continues that record. */
  readonly pending: boolean;
  /** A line of the text path (text, line number, flags). */
  slow(text: string, line: number, flags: number): void;
  /** A well-formed record of the header's width. */
  record(cells: (string | number)[], line: number): void;
  /** A line whose fields are all empty. */
  blank(): void;
  tooLong(line: number, excerpt: string): void;
}

/** Characters passed of a column of kind 3. */
export const PREFIX_CHARS = 2;
/** Longest field whose bytes are remembered to reuse its string on the next line. */
const REUSE_BYTES = 64;
const LF = 10, CR = 13, QUOTE = 34;

export class ByteLines {
  /** Physical lines seen so far (including blank and skipped ones). */
  lines = 0;
  /** The unfinished last line, as the pieces read (joined once its end arrives). */
  private rest: Buffer[] = [];
  private restBytes = 0;
  private skipping = false;
  private afterCR = false;
  /** The header's field count once known (it never changes after), else -1. */
  private width = -1;
  /** A quoted field of a line on the text path is open (only text-path lines can open or close one). */
  private open = false;
  private cells: (string | number)[] = [];
  private kinds: Uint8Array = new Uint8Array(0);
  /** Per column, the last string made and where its bytes are (the buffer is kept, not copied). */
  private prevBuf: Uint8Array[] = [];
  private prevAt = new Int32Array(0);
  private prevLen = new Int32Array(0);
  private prevStr: string[] = [];
  /** Per column, a copy of the last field's bytes once its chunk is done (a source may reuse its buffers). */
  private own: Uint8Array[] = [];

  constructor(private d: number, private maxBytes: number, private t: FastTarget) {}

  /** Reads a chunk; false when it holds a non-ASCII byte (then nothing of it was read: see `handOver`). */
  push(chunk: Buffer, ascii: boolean): boolean {
    if (!ascii) return false;
    let from = 0;
    if (this.afterCR) {
      this.afterCR = false;
      if (chunk.length && chunk[0] === LF) from = 1;
    }
    if (this.skipping) {
      const end = firstBreak(chunk, from);
      if (end < 0) return true;
      this.skipping = false;
      this.lines++;
      from = this.breakEnd(chunk, end);
    }
    let pos = from;
    if (this.restBytes) {
      // The unfinished line ends in this chunk: join only its own bytes.
      const end = firstBreak(chunk, from);
      if (end < 0) {
        this.rest.push(chunk.subarray(from));
        this.restBytes += chunk.length - from;
        this.checkRest();
        return true;
      }
      const line = Buffer.concat([...this.rest, chunk.subarray(from, end)]);
      if (line.length > this.maxBytes) {
        const head = Buffer.concat([...this.rest, chunk.subarray(from, Math.min(chunk.length, from + 80))]);
        this.t.tooLong(++this.lines, latin1(head, 0, Math.min(80, head.length)));
      } else this.line(line, 0, line.length, ++this.lines, line.indexOf(QUOTE) >= 0);
      this.rest = []; this.restBytes = 0;
      pos = this.breakEnd(chunk, end);
    }
    const buf = chunk;
    const n = buf.length;
    let lf = buf.indexOf(LF, pos), cr = buf.indexOf(CR, pos), q = buf.indexOf(QUOTE, pos);
    while (pos < n) {
      if (lf >= 0 && lf < pos) lf = buf.indexOf(LF, pos);
      if (cr >= 0 && cr < pos) cr = buf.indexOf(CR, pos);
      const end = cr < 0 ? lf : lf < 0 ? cr : Math.min(lf, cr);
      if (end < 0) break;
      if (q >= 0 && q < pos) q = buf.indexOf(QUOTE, pos);
      const start = pos;
      pos = this.breakEnd(buf, end);
      if (end - start > this.maxBytes) this.t.tooLong(++this.lines, latin1(buf, start, Math.min(n, start + 80)));
      else this.line(buf, start, end, ++this.lines, q >= 0 && q < end);
    }
    if (pos < n) { this.rest.push(Buffer.from(buf.subarray(pos))); this.restBytes = n - pos; }
    this.keepPrev();
    this.checkRest();
    return true;
  }

  /**
   * State and unread bytes for the text path to continue from (io/lines.ts `resume`): the pieces
   * of the unfinished line, to be decoded as they were read.
   */
  handOver(): { lines: number; skipping: boolean; afterCR: boolean; pieces: Buffer[] } {
    const pieces = this.rest;
    this.rest = []; this.restBytes = 0;
    return { lines: this.lines, skipping: this.skipping, afterCR: this.afterCR, pieces };
  }

  end(): void {
    if (this.skipping) { this.lines++; this.skipping = false; return; }
    if (this.restBytes) {
      const c = Buffer.concat(this.rest);
      this.rest = []; this.restBytes = 0;
      this.line(c, 0, c.length, ++this.lines, c.indexOf(QUOTE) >= 0);
    }
  }

  private checkRest(): void {
    if (this.restBytes <= this.maxBytes) return;
    const first = this.rest[0];
    const head = latin1(first, 0, Math.min(80, first.length));
    this.rest = []; this.restBytes = 0;
    this.skipping = true;
    this.t.tooLong(this.lines + 1, head);
  }

  /** Index after the line break at `end` (CRLF is one break; a CR ending the chunk waits for the next). */
  private breakEnd(buf: Buffer, end: number): number {
    if (buf[end] !== CR) return end + 1;
    if (end + 1 < buf.length) return buf[end + 1] === LF ? end + 2 : end + 1;
    this.afterCR = true;
    return end + 1;
  }

  /** One complete line `buf[s, e)`. */
  private line(buf: Buffer, s: number, e: number, line: number, quoted: boolean): void {
    const t = this.t;
    let w = this.width;
    if (w < 1) {
      w = t.width;
      if (w < 1) { this.slow(buf, s, e, line); return; }
      this.reset(w);
    }
    if (quoted || this.open) { this.slow(buf, s, e, line); return; }
    const d = this.d, cells = this.cells, kinds = this.kinds, last = w - 1;
    let i = s;
    for (let f = 0; ; f++) {
      const a = i, kind = kinds[f];
      let same = false;
      if (kind === 1) {
        // Compare with this column's field on the line before while looking for the field's end: the
        // same bytes followed by a delimiter or the line end are that field (it holds no delimiter).
        const len = this.prevLen[f];
        if (len >= 0 && a + len <= e) {
          const p = this.prevBuf[f], off = this.prevAt[f] - a, stop = a + len;
          while (i < stop && buf[i] === p[i + off]) i++;
          same = i === stop && (i === e || buf[i] === d);
        }
      }
      if (!same) while (i < e && buf[i] !== d) i++;
      if (kind !== 0) cells[f] = same ? this.prevStr[f] : this.cell(f, kind, buf, a, i);
      if (f === last) break;
      if (i === e) { this.slow(buf, s, e, line); return; } // fewer fields than the header
      i++;
    }
    if (i !== e) { this.slow(buf, s, e, line); return; } // more fields than the header
    if (e - s === last) { t.blank(); return; }
    t.record(cells, line);
  }

  /** The value of field `[a, z)` of column `f` (of kind 1–3, see `FastTarget.columns`) that is not the line before's. */
  private cell(f: number, kind: number, buf: Buffer, a: number, z: number): string | number {
    if (kind === 2) {
      const v = shortDecimalBytes(buf, a, z);
      return v === v ? v : this.text(f, buf, a, z);
    }
    if (kind === 3) return this.text(f, buf, a, z - a > PREFIX_CHARS ? a + PREFIX_CHARS : z);
    return this.fresh(f, buf, a, z);
  }

  /** The field's string: the one of the line before when the bytes are the same. */
  private text(f: number, buf: Buffer, a: number, z: number): string {
    const len = z - a;
    if (this.prevLen[f] === len) {
      const p = this.prevBuf[f];
      const d = this.prevAt[f] - a;
      let i = a;
      while (i < z && p[i + d] === buf[i]) i++;
      if (i === z) return this.prevStr[f];
    }
    return this.fresh(f, buf, a, z);
  }

  /** A new string for the field, remembered (with where its bytes are) when it is short. */
  private fresh(f: number, buf: Buffer, a: number, z: number): string {
    const str = latin1(buf, a, z);
    if (z - a > REUSE_BYTES) return str;
    this.prevBuf[f] = buf;
    this.prevAt[f] = a;
    this.prevLen[f] = z - a;
    this.prevStr[f] = str;
    return str;
  }

  /** Copies the remembered fields' bytes out of the chunk, which the source may overwrite once it is read. */
  private keepPrev(): void {
    for (let f = 0; f < this.own.length; f++) {
      const o = this.own[f], len = this.prevLen[f];
      if (this.prevBuf[f] === o || len < 0) continue;
      o.set(this.prevBuf[f].subarray(this.prevAt[f], this.prevAt[f] + len));
      this.prevBuf[f] = o;
      this.prevAt[f] = 0;
    }
  }

  /** Once the header (or first row) fixed the width: the per-column buffers. */
  private reset(w: number): void {
    this.width = w;
    this.kinds = this.t.columns();
    this.cells = new Array<string | number>(w).fill('');
    this.own = Array.from({ length: w }, () => Buffer.alloc(REUSE_BYTES));
    this.prevBuf = this.own.slice();
    this.prevAt = new Int32Array(w);
    this.prevLen = new Int32Array(w).fill(-1);
    this.prevStr = new Array<string>(w).fill('');
  }

  private slow(buf: Buffer, s: number, e: number, line: number): void {
    const text = latin1(buf, s, e);
    this.t.slow(text, line, text.includes('"') ? HAS_QUOTE : 0);
    this.open = this.t.pending;
  }
}

/** Bytes `[s, e)` (within the buffer) as Latin-1 text: ASCII here, so the same characters as any supported encoding gives. */
function latin1(b: Buffer, s: number, e: number): string {
  return (b as unknown as { latin1Slice(s: number, e: number): string }).latin1Slice(s, e);
}

function firstBreak(b: Buffer, from: number): number {
  const lf = b.indexOf(LF, from), cr = b.indexOf(CR, from);
  return cr < 0 ? lf : lf < 0 ? cr : Math.min(lf, cr);
}
