/**
 * Text chunks → physical lines, in one pass (each character is looked at a bounded number of
 * times, whatever the chunk sizes). A line ends at LF, CRLF or a lone CR (old Mac / Excel exports).
 * A line longer than `maxChars` is not buffered: it is reported once (`onTooLong`, with its line
 * number and an excerpt) and skipped up to its end.
 */

/** Flags passed with a line: it contains a double quote / a U+FFFD replacement character. */
export const HAS_QUOTE = 1, HAS_FFFD = 2;

export class LineSplitter {
  /** Physical lines seen so far (including blank and skipped ones). */
  lines = 0;
  /** The unfinished last line, as pieces (joined once its end arrives: no rescans of a long line). */
  private rest: string[] = [];
  private restChars = 0;
  private skipping = false;
  private afterCR = false;

  constructor(
    private maxChars: number,
    private onLine: (text: string, line: number, flags: number) => void,
    private onTooLong: (line: number, excerpt: string) => void,
  ) {}

  /** Continue after lines read elsewhere (io/bytes.ts hands a file over at a line start or inside a skipped line). */
  resume(state: { lines: number; skipping: boolean; afterCR: boolean }): void {
    this.lines = state.lines;
    this.skipping = state.skipping;
    this.afterCR = state.afterCR;
  }

  push(chunk: string): void {
    if (this.afterCR) {
      this.afterCR = false;
      if (chunk.charCodeAt(0) === 10) chunk = chunk.slice(1);
    }
    if (this.skipping) {
      const end = firstBreak(chunk, 0);
      if (end < 0) return;
      this.skipping = false;
      this.lines++;
      chunk = chunk.slice(this.breakEnd(chunk, end));
    }
    if (this.restChars && firstBreak(chunk, 0) < 0) {
      this.rest.push(chunk);
      this.restChars += chunk.length;
      this.checkRest();
      return;
    }
    const buf = this.restChars ? this.rest.join('') + chunk : chunk;
    this.rest = []; this.restChars = 0;
    const n = buf.length;
    // Next LF, CR, quote and U+FFFD at or after `pos` (-1: none in buf): each searched forward once.
    let lf = buf.indexOf('\n'), cr = buf.indexOf('\r'), q = buf.indexOf('"'), bad = buf.indexOf('\uFFFD');
    let pos = 0;
    for (;;) {
      if (lf >= 0 && lf < pos) lf = buf.indexOf('\n', pos);
      if (cr >= 0 && cr < pos) cr = buf.indexOf('\r', pos);
      const end = cr < 0 ? lf : lf < 0 ? cr : Math.min(lf, cr);
      if (end < 0) break;
      if (q >= 0 && q < pos) q = buf.indexOf('"', pos);
      if (bad >= 0 && bad < pos) bad = buf.indexOf('\uFFFD', pos);
      const flags = (q >= 0 && q < end ? HAS_QUOTE : 0) | (bad >= 0 && bad < end ? HAS_FFFD : 0);
      const start = pos;
      pos = this.breakEnd(buf, end);
      if (end - start > this.maxChars) this.onTooLong(++this.lines, buf.slice(start, start + 80));
      else this.onLine(buf.slice(start, end), ++this.lines, flags);
      if (pos >= n) break;
    }
    if (pos < n) { this.rest.push(buf.slice(pos)); this.restChars = n - pos; }
    this.checkRest();
  }

  private checkRest(): void {
    if (this.restChars <= this.maxChars) return;
    const head = this.rest[0].slice(0, 80);
    this.rest = []; this.restChars = 0;
    this.skipping = true;
    this.onTooLong(this.lines + 1, head);
  }

  /** Index after the line break starting at `end` (CRLF is one break; a CR ending the chunk waits for the next). */
  private breakEnd(buf: string, end: number): number {
    if (buf.charCodeAt(end) !== 13) return end + 1;
    if (end + 1 < buf.length) return buf.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
    this.afterCR = true;
    return end + 1;
  }

  end(): void {
    if (this.skipping) { this.lines++; this.skipping = false; return; }
    if (this.restChars) {
      const r = this.rest.join('');
      this.rest = []; this.restChars = 0;
      this.onLine(r, ++this.lines, (r.includes('"') ? HAS_QUOTE : 0) | (r.includes('\uFFFD') ? HAS_FFFD : 0));
    }
  }
}

function firstBreak(s: string, from: number): number {
  const lf = s.indexOf('\n', from), cr = s.indexOf('\r', from);
  return cr < 0 ? lf : lf < 0 ? cr : Math.min(lf, cr);
}
