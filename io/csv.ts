/**
 * CSV output: comma-delimited UTF-8 with a header row, `\n` line ends, a byte order mark by default
 * (Excel needs it to read UTF-8), and every text cell that a spreadsheet would run as a formula
 * neutralised with a leading `'` (OWASP "CSV injection"). Numbers are written as numbers.
 */
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
  if (typeof c === 'number' && Number.isFinite(c)) return String(c);
  let s = String(c);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
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
