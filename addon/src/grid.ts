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
