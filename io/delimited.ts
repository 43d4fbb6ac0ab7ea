/**
 * Physical lines → records of a delimited file (RFC 4180 quoting), resynchronising after every
 * bad record so that a bad record costs exactly one line:
 * - a line without a double quote is split on the delimiter (the fast path);
 * - a field that starts with `"` is quoted: `""` is a quote, and the closing quote must be followed
 *   by the delimiter or the line end (spaces between are allowed); a quote inside an unquoted field
 *   is kept as text (`5" tube`);
 * - a quoted field may span lines (an address, a note) — at most MAX_RECORD_LINES lines and
 *   maxChars characters, and the record it ends must have the header's field count. When the quote
 *   never closes within that bound, closes into garbage, or gives the wrong field count, only the
 *   record's first line is rejected (`bad-quote`) and parsing restarts on the line after it.
 * Each line is parsed at most MAX_RECORD_LINES times, so the work stays linear in the input.
 */
import { HAS_FFFD, HAS_QUOTE } from './lines.ts';

/** Longest run of physical lines one quoted field may join into a record. */
export const MAX_RECORD_LINES = 100;

export interface RecordSink {
  /** Field count every record must have (the header's), or -1 while unknown. */
  readonly width: number;
  record(cells: string[], line: number): void;
  bad(line: number, reason: string, message: string, text: string): void;
}

const DONE = 0, OPEN = 1, BAD = 2;

/** Parse state of one record: the fields so far and the text of an open quoted field. */
interface State { cells: string[]; field: string }

/** Parses `text` from `i` (inside a quoted field when `inQuote`), appending to `st`. */
function parse(text: string, i: number, inQuote: boolean, d: string, st: State): number {
  const n = text.length;
  for (;;) {
    if (inQuote) {
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) { st.field += text.slice(i); return OPEN; }
        if (text.charCodeAt(q + 1) === 34) { st.field += text.slice(i, q + 1); i = q + 2; continue; }
        st.field += text.slice(i, q);
        i = q + 1;
        break;
      }
      st.cells.push(st.field);
      st.field = '';
      while (i < n && text.charCodeAt(i) === 32 && d !== ' ') i++; // `"a" ,b`: spaces after a closing quote
      if (i === n) return DONE;
      if (!text.startsWith(d, i)) return BAD;
      i += d.length;
      inQuote = false;
      continue;
    }
    if (text.charCodeAt(i) === 34) { inQuote = true; i++; continue; }
    const e = text.indexOf(d, i);
    if (e < 0) { st.cells.push(text.slice(i)); return DONE; }
    st.cells.push(text.slice(i, e));
    i = e + d.length;
  }
}

/** One line's fields, or null when the line is not a complete well-formed record. */
export function splitLine(text: string, d: string): string[] | null {
  const st: State = { cells: [], field: '' };
  return parse(text, 0, false, d, st) === DONE ? st.cells : null;
}

const isBlank = (cells: string[]) => cells.every((c) => c === '');

export class DelimitedRecords {
  /** Blank lines skipped, and continuation lines joined into a record by a quoted line break. */
  blank = 0;
  joined = 0;
  private pend: { text: string; line: number; flags: number }[] = [];
  private pendChars = 0;
  private st: State = { cells: [], field: '' };

  constructor(private d: string, private maxChars: number, private sink: RecordSink) {}

  /** Whether a quoted field is open across lines (the next line continues a record). */
  get pending(): boolean {
    return this.pend.length > 0;
  }

  line(text: string, line: number, flags: number): void {
    if (this.pend.length) { this.more(text, line, flags); return; }
    if (!(flags & HAS_QUOTE)) { this.emit(text === '' ? [''] : text.split(this.d), line, flags); return; }
    const st = this.st = { cells: [], field: '' };
    const r = parse(text, 0, false, this.d, st);
    if (r === DONE) this.emit(st.cells, line, flags);
    else if (r === BAD) this.sink.bad(line, 'bad-quote', 'Text after a closing quote (a stray or unescaped ")', text);
    else { this.pend.push({ text, line, flags }); this.pendChars = text.length; st.field += '\n'; }
  }

  /** A line continuing an open quoted field. */
  private more(text: string, line: number, flags: number): void {
    this.pend.push({ text, line, flags });
    this.pendChars += text.length + 1;
    if (this.pend.length > MAX_RECORD_LINES || this.pendChars > this.maxChars) { this.fail(); return; }
    const r = parse(text, 0, true, this.d, this.st);
    if (r === OPEN) { this.st.field += '\n'; return; }
    const w = this.sink.width;
    if (r === BAD || (w >= 0 && this.st.cells.length !== w)) { this.fail(); return; }
    const first = this.pend[0];
    let all = 0;
    for (const p of this.pend) all |= p.flags;
    this.joined += this.pend.length - 1;
    this.pend = [];
    this.emit(this.st.cells, first.line, all);
  }

  /** Reject the open record's first line; its other lines are read again from the start. */
  private fail(): void {
    const [first, ...rest] = this.pend;
    this.pend = [];
    this.sink.bad(first.line, 'bad-quote', 'A quote opened on this line never closes into a well-formed record (a stray ")', first.text);
    for (const l of rest) this.line(l.text, l.line, l.flags);
  }

  private emit(cells: string[], line: number, flags: number): void {
    if (isBlank(cells)) { this.blank++; return; }
    if (flags & HAS_FFFD) { this.sink.bad(line, 'bad-encoding', 'Characters not valid in the file\'s encoding (U+FFFD)', cells.join(this.d)); return; }
    this.sink.record(cells, line);
  }

  end(): void {
    while (this.pend.length) this.fail();
  }
}

/** Delimiter from the first lines: the candidate that splits every line into the same number (> 1) of fields. */
export function sniffDelimiter(sample: string): ',' | ';' | '\t' | '|' | 'whitespace' {
  const lines = sample.split(/\r\n|\r|\n/).slice(0, 30).filter((l) => l.trim() !== '');
  if (lines.length > 1 && !/[\r\n]$/.test(sample)) lines.pop(); // last line may be cut off
  let best: ',' | ';' | '\t' | '|' | null = null, bestScore = 0;
  for (const d of [',', ';', '\t', '|'] as const) {
    const counts = lines.map((l) => splitLine(l, d)?.length ?? l.split(d).length);
    if (!counts.length || counts[0] < 2) continue;
    const consistent = counts.filter((c) => c === counts[0]).length / counts.length;
    const score = consistent * counts[0];
    if (consistent >= 0.9 && score > bestScore) { best = d; bestScore = score; }
  }
  if (best) return best;
  const ws = lines.map((l) => l.trim().split(/\s+/).length);
  if (ws.length && ws[0] > 1 && ws.every((c) => c === ws[0])) return 'whitespace';
  return ',';
}
