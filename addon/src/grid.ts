/**
 * A sheet's grid: Sheets gives a new sheet 1000 rows × 26 columns and throws "The coordinates of
 * the range are outside the dimensions of the sheet." for a range beyond it, so a writer sizes the
 * grid before writing. Shrinking what a previous run left keeps the spreadsheet under its
 * 10 million-cell limit.
 */
import './gas.ts';

/** Makes the sheet exactly `rows` × `columns` (at least 1 × 1). */
export function fitGrid(sheet: any, rows: number, columns: number): void {
  const wantRows = Math.max(1, rows);
  const wantCols = Math.max(1, columns);
  const haveRows: number = sheet.getMaxRows();
  const haveCols: number = sheet.getMaxColumns();
  // Shrink first, so growing one dimension never needs the cells the other one gives back.
  if (haveRows > wantRows) sheet.deleteRows(wantRows + 1, haveRows - wantRows);
  if (haveCols > wantCols) sheet.deleteColumns(wantCols + 1, haveCols - wantCols);
  if (haveRows < wantRows) sheet.insertRowsAfter(haveRows, wantRows - haveRows);
  if (haveCols < wantCols) sheet.insertColumnsAfter(haveCols, wantCols - haveCols);
}

/** The named sheet, emptied (values, formats, rules, filter, banding, charts), or a new one. */
export function freshSheet(name: string): any {
  const ss = SpreadsheetApp.getActive();
  const existing = ss.getSheetByName(name);
  if (!existing) return ss.insertSheet(name);
  existing.clear();
  existing.getFilter?.()?.remove();
  for (const b of existing.getBandings?.() ?? []) b.remove();
  existing.setConditionalFormatRules?.([]);
  for (const c of existing.getCharts()) existing.removeChart(c);
  return existing;
}

/** Grows the sheet to at least `rows` × `columns` (never shrinks: for sheets holding the user's data). */
export function growGrid(sheet: any, rows: number, columns: number): void {
  const haveRows: number = sheet.getMaxRows();
  const haveCols: number = sheet.getMaxColumns();
  if (haveRows < rows) sheet.insertRowsAfter(haveRows, rows - haveRows);
  if (haveCols < columns) sheet.insertColumnsAfter(haveCols, columns - haveCols);
}

export interface Block { row: number; col: number; rows: number; cols: number }

const colNumber = (letters: string) => [...letters.toUpperCase()].reduce((n, c) => n * 26 + c.charCodeAt(0) - 64, 0);
export const colLetters = (n: number): string => (n <= 0 ? '' : colLetters(Math.floor((n - 1) / 26)) + String.fromCharCode(65 + ((n - 1) % 26)));

/**
 * An A1 range inside a sheet (`A1:E200`, `B2:F`, `A:E`, `C5`), optionally after `Sheet!`; an
 * open end runs to `lastRow`. Null when the text is no A1 range.
 */
export function parseA1(text: string, lastRow: number): Block | null {
  const a1 = text.includes('!') ? text.slice(text.lastIndexOf('!') + 1) : text;
  const m = /^\s*\$?([A-Za-z]{1,3})\$?(\d*)(?::\$?([A-Za-z]{1,3})\$?(\d*))?\s*$/.exec(a1);
  if (!m) return null;
  const c1 = colNumber(m[1]), c2 = m[3] ? colNumber(m[3]) : c1;
  const r1 = m[2] ? Number(m[2]) : 1;
  const r2 = m[3] ? (m[4] ? Number(m[4]) : Math.max(lastRow, r1)) : m[2] ? r1 : Math.max(lastRow, 1);
  if (r1 < 1 || r2 < r1 || c2 < c1) return null;
  return { row: r1, col: c1, rows: r2 - r1 + 1, cols: c2 - c1 + 1 };
}

export const a1 = (b: Block) => `${colLetters(b.col)}${b.row}:${colLetters(b.col + b.cols - 1)}${b.row + b.rows - 1}`;
