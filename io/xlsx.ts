/**
 * XLSX → rows. Workbooks up to XLSX_LOAD_MAX_BYTES are read whole with exceljs's `load`, which
 * keeps text byte-exact; the streaming reader (used above that size, memory being the limit)
 * can split a multi-byte character at a chunk boundary and yield U+FFFD, so rows whose text holds
 * U+FFFD are rejected as `bad-encoding` and a warning says so.
 */
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Profile } from '../core/config.ts';
import type { Cell } from '../core/types.ts';
import { InputError } from '../core/ingest/errors.ts';
import { readAhead } from './streams.ts';

/** Largest workbook (compressed bytes) read whole; larger ones are streamed. */
export const XLSX_LOAD_MAX_BYTES = 64 * 1024 * 1024;

export interface XlsxRows {
  row(cells: Cell[], line: number): void;
  bad(line: number, reason: string, message: string, text: string): void;
}

function xlsxCell(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) {
    // exceljs returns wall-clock times as UTC; keep them as local text so no zone shift applies.
    return v.toISOString().slice(0, 19).replace('T', ' ');
  }
  if (typeof v === 'object') {
    const o = v as unknown as Record<string, unknown>;
    if ('result' in o) return xlsxCell(o.result as ExcelJS.CellValue);
    if ('richText' in o) return (o.richText as { text: string }[]).map((t) => t.text).join('');
    if ('text' in o) return String(o.text);
    if ('error' in o) return null;
    return String(v);
  }
  return v as Cell;
}

const isBlank = (cells: Cell[]) => cells.every((c) => c === '' || c === null || c === undefined);

function emit(values: ExcelJS.CellValue[], line: number, out: XlsxRows): void {
  const cells: Cell[] = [];
  for (let i = 1; i < values.length; i++) cells.push(xlsxCell(values[i]));
  if (isBlank(cells)) return;
  if (cells.some((c) => typeof c === 'string' && c.includes('\uFFFD'))) {
    out.bad(line, 'bad-encoding', 'Text with U+FFFD (a character lost before or while reading)', cells.map((c) => String(c ?? '')).join(','));
    return;
  }
  out.row(cells, line);
}

/** Reads up to `max` bytes; null (and the stream replayed in `rest`) when there are more. */
async function takeUpTo(src: AsyncIterable<Uint8Array>, max: number): Promise<{ whole: Buffer | null; rest: AsyncIterable<Uint8Array> }> {
  const { head, stream, done } = await readAhead(src, max + 1);
  return done ? { whole: Buffer.concat(head), rest: (async function* () {})() } : { whole: null, rest: stream };
}

/** Rows of the chosen sheet (the profile's, else the first); returns the sheet's name. */
export async function readXlsx(bytes: AsyncIterable<Uint8Array>, profile: Profile, name: string, out: XlsxRows, warnings: string[]): Promise<string> {
  const missing = () => new InputError(profile.sheet ? `${name}: no sheet named "${profile.sheet}"` : `${name}: the workbook has no sheets`);
  const { whole, rest } = await takeUpTo(bytes, XLSX_LOAD_MAX_BYTES);
  if (whole) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(whole as unknown as ArrayBuffer);
    const ws = profile.sheet ? wb.getWorksheet(profile.sheet) : wb.worksheets[0];
    if (!ws) throw missing();
    ws.eachRow({ includeEmpty: false }, (row, n) => emit(row.values as ExcelJS.CellValue[], n, out));
    return ws.name;
  }
  warnings.push(`${name}: workbook over ${XLSX_LOAD_MAX_BYTES / 1048576} MB read with the streaming reader; rows whose text it garbles (U+FFFD) are rejected as bad-encoding — save as CSV (UTF-8) to read them`);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(rest), {
    worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore',
  });
  let found: string | null = null;
  for await (const ws of reader) {
    const sheet = ws as unknown as AsyncIterable<ExcelJS.Row> & { name: string };
    if (found !== null || (profile.sheet && sheet.name !== profile.sheet)) {
      for await (const _ of sheet) { /* drain: the zip is read in order */ }
      continue;
    }
    found = sheet.name;
    for await (const row of sheet) emit(row.values as ExcelJS.CellValue[], row.number, out);
  }
  if (found === null) throw missing();
  return found;
}
