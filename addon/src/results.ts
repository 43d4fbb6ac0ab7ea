/**
 * Writes the results: a customers table (one row per customer, in its own sheet or beside the
 * source rows; headers in the sheet's language,
 * number formats, frozen header, filter, banding, conditional-format rules colouring tier and
 * segment), a Summary sheet (as-of, model, counts, warnings, tiers, a pyramid chart of them and an
 * RFM heat-grid) and a
 * Rejects sheet (row, column, reason, value). Each is sized to what it holds and replaced,
 * never appended to, on every run. A table beside the data replaces the block the previous run
 * wrote there (remembered in the document's properties), and touches nothing else of that sheet.
 */
import type { Locale, Reject, ScoreRun } from '../../core/types.ts';
import { scoreTable } from '../../core/report/index.ts';
import { label } from '../../core/labels.ts';
import { a1, fitGrid, freshSheet, growGrid, type Block } from './grid.ts';
import { sheetHeaders } from './headers.ts';
import { idCell } from './engine.ts';
import './gas.ts';

const TIER_COLOURS: Record<string, string> = {
  platinum: '#d9d2e9', diamond: '#cfe2f3', gold: '#ffe599', silver: '#eeeeee', iron: '#d9d9d9',
  lead: '#b7b7b7', other: '#f3f3f3', focus: '#b6d7a8', keep: '#fff2cc', review: '#f4cccc',
};
const SEGMENT_COLOURS: Record<string, string> = {
  champions: '#b6d7a8', loyal: '#d9ead3', potentialLoyalist: '#d0e0e3', new: '#cfe2f3', promising: '#fff2cc',
  needAttention: '#fce5cd', aboutToSleep: '#f9cb9c', atRisk: '#f4cccc', cantLoseThem: '#ea9999',
  hibernating: '#e6e6e6', lost: '#cccccc',
};

export const RESULTS_SHEET: Record<Locale, string> = { en: 'Customer pyramid', 'zh-CN': '客户金字塔' };
export const SUMMARY_SHEET: Record<Locale, string> = { en: 'Pyramid summary', 'zh-CN': '金字塔汇总' };
export const REJECTS_SHEET: Record<Locale, string> = { en: 'Pyramid rejects', 'zh-CN': '被拒绝的行' };
export const ALL_RESULT_SHEETS = [...Object.values(RESULTS_SHEET), ...Object.values(SUMMARY_SHEET), ...Object.values(REJECTS_SHEET)];

const TEXT = {
  en: {
    summary: 'Summary', asOf: 'As of', customers: 'Customers', equity: 'Customer equity', tier: 'Tier', share: 'Revenue share',
    clvShare: 'CLV share', chart: 'Customer pyramid: customers per tier', pyramidData: 'Pyramid chart data', rfmGrid: 'RFM grid: customers by R (rows) and F (columns)', model: 'Purchase model', fallback: 'none (simple fallback)', rowsRead: 'Rows read',
    rowsRejected: 'Rows rejected', warnings: 'Warnings', none: 'none', row: 'Row', column: 'Column', reason: 'Reason', value: 'Value',
    more: (n: number) => `… and ${n} more rejected rows (first ones listed)`,
  },
  'zh-CN': {
    summary: '汇总', asOf: '截至日期', customers: '客户数', equity: '客户资产', tier: '层级', share: '收入占比',
    clvShare: 'CLV 占比', chart: '客户金字塔：各层级客户数', pyramidData: '金字塔图数据', rfmGrid: 'RFM 网格：按 R（行）和 F（列）的客户数', model: '购买模型', fallback: '无（简单估计）', rowsRead: '读取行数',
    rowsRejected: '被拒绝行数', warnings: '提示', none: '无', row: '行', column: '列', reason: '原因', value: '值',
    more: (n: number) => `…… 另有 ${n} 行被拒绝（仅列出前面的行）`,
  },
};

/** Number formats by machine column. */
const FORMATS: Record<string, string> = {
  recency: '0.0', T: '0.0', total_spend: '#,##0.00', returns: '#,##0.00', net_spend: '#,##0.00', mean_repeat_spend: '#,##0.00',
  p_alive: '0.0%', expected_purchases: '0.00', expected_spend: '#,##0.00', clv: '#,##0.00', historic_value: '#,##0.00',
  tier_percentile: '0.0%', tier_cumulative_share: '0.0%', value_at_risk: '#,##0.00', clv_low: '#,##0.00', clv_high: '#,##0.00',
};

export interface RunFacts {
  /** Ids that were numbers in the sheet: written back as numbers, so VLOOKUP on them works. */
  numericIds?: Set<string>;
  rowsRead: number;
  rowsRejected: number;
  rejects: Reject[];
  warnings: string[];
}

/** The customers table: its own (emptied and resized) sheet, or beside the data from (row, col) on. */
export type Target = { kind: 'sheet'; name: string } | { kind: 'beside'; sheetName: string; row: number; col: number };

const BESIDE = (sheetName: string) => `pyramid-beside:${sheetName}`;
const OUTPUTS = 'pyramid-outputs';

function props(): any {
  try {
    return PropertiesService.getDocumentProperties();
  } catch {
    return null;
  }
}

/** The block the last run wrote beside the data of this sheet, if any. */
export function besideBlock(sheetName: string): Block | null {
  try {
    const text = props()?.getProperty(BESIDE(sheetName));
    return text ? (JSON.parse(text) as Block) : null;
  } catch {
    return null;
  }
}

/** Sheets this add-on wrote a customers table to (a re-run may replace them; other sheets are never emptied). */
export function knownOutputs(): string[] {
  try {
    return JSON.parse(props()?.getProperty(OUTPUTS) ?? '[]') as string[];
  } catch {
    return [];
  }
}

export function writeResults(run: ScoreRun, locale: Locale, facts: RunFacts = { rowsRead: 0, rowsRejected: 0, rejects: [], warnings: [] },
  to: Target = { kind: 'sheet', name: RESULTS_SHEET[locale] }): { sheetName: string; range: string; rows: number } {
  const table = scoreTable(run, locale);
  const ids = facts.numericIds;
  if (ids?.size) for (const row of table.rows) row[0] = idCell(String(row[0]), ids);
  const values = [sheetHeaders(table.columns, locale), ...table.rows];
  if (to.kind === 'sheet') {
    const ss = SpreadsheetApp.getActive();
    const existing = ss.getSheetByName(to.name);
    const known = new Set([...ALL_RESULT_SHEETS, ...knownOutputs()]);
    if (existing && !known.has(to.name) && existing.getLastRow() > 0) {
      throw new Error(`writeResults: sheet "${to.name}" holds other data; choose a new or empty sheet for the results`);
    }
  }
  // Everything that can fail is checked above: from here on the previous results are replaced.
  const block = to.kind === 'sheet' ? writeOwnSheet(to.name, table, values, locale) : writeBeside(to, table, values, locale);
  writeSummary(run, locale, facts);
  writeRejects(locale, facts);
  return { sheetName: to.kind === 'sheet' ? to.name : to.sheetName, range: `${to.kind === 'sheet' ? to.name : to.sheetName}!${a1(block)}`, rows: run.customers.length };
}

type Table = ReturnType<typeof scoreTable>;

function writeOwnSheet(name: string, table: Table, values: unknown[][], locale: Locale): Block {
  const sheet = freshSheet(name);
  const known = knownOutputs();
  if (!ALL_RESULT_SHEETS.includes(name) && !known.includes(name)) safe(() => props()?.setProperty(OUTPUTS, JSON.stringify([...known, name].slice(-20))));
  const width = table.header.length;
  const n = table.rows.length;
  fitGrid(sheet, n + 2, width); // a frozen header needs a row below it
  const block = { row: 1, col: 1, rows: n + 1, cols: width };
  sheet.getRange(1, 1, n + 1, width).setValues(values);
  sheet.getRange(1, 1, 1, width).setFontWeight('bold');
  sheet.setFrozenRows(1);
  if (n === 0) return block;
  formatTable(sheet, block, table);
  const all = sheet.getRange(1, 1, n + 1, width);
  all.applyRowBanding(SpreadsheetApp.BandingTheme.LIGHT_GREY, true, false);
  all.createFilter();
  sheet.setConditionalFormatRules(colourRules(sheet, block, table, locale));
  return block;
}

/** Beside the data: clears what the previous run wrote there, writes the table, keeps the sheet's own rules. */
function writeBeside(to: Extract<Target, { kind: 'beside' }>, table: Table, values: unknown[][], locale: Locale): Block {
  const sheet = SpreadsheetApp.getActive().getSheetByName(to.sheetName);
  const old = besideBlock(to.sheetName);
  const ours = (r: any) => old && (r.getRanges?.() ?? []).some((g: any) => g.getColumn() >= old.col);
  const kept = old ? (sheet.getConditionalFormatRules?.() ?? []).filter((r: unknown) => !ours(r)) : (sheet.getConditionalFormatRules?.() ?? []);
  if (old) sheet.getRange(old.row, old.col, Math.min(old.rows, sheet.getMaxRows() - old.row + 1), Math.min(old.cols, sheet.getMaxColumns() - old.col + 1)).clear();
  const block = { row: to.row, col: to.col, rows: values.length, cols: table.header.length };
  growGrid(sheet, block.row + block.rows - 1, block.col + block.cols - 1);
  sheet.getRange(block.row, block.col, block.rows, block.cols).setValues(values);
  sheet.getRange(block.row, block.col, 1, block.cols).setFontWeight('bold');
  props()?.setProperty(BESIDE(to.sheetName), JSON.stringify(block));
  if (block.rows > 1) {
    formatTable(sheet, block, table);
    sheet.setConditionalFormatRules([...kept, ...colourRules(sheet, block, table, locale)]);
  }
  return block;
}

function formatTable(sheet: any, b: Block, table: Table): void {
  const n = b.rows - 1;
  table.columns.forEach((c, j) => { if (FORMATS[c]) sheet.getRange(b.row + 1, b.col + j, n, 1).setNumberFormat(FORMATS[c]); });
}

/** Colours follow the values (a rule per label), so sorting or editing keeps them right. */
function colourRules(sheet: any, b: Block, table: Table, locale: Locale): unknown[] {
  const rules: unknown[] = [];
  const colour = (col: string, group: string, colours: Record<string, string>) => {
    const j = table.columns.indexOf(col);
    if (j < 0) return;
    const range = sheet.getRange(b.row + 1, b.col + j, b.rows - 1, 1);
    for (const [key, bg] of Object.entries(colours)) {
      rules.push(SpreadsheetApp.newConditionalFormatRule().whenTextEqualTo(label(group, key, locale)).setBackground(bg).setRanges([range]).build());
    }
  };
  colour('tier', 'tier', TIER_COLOURS);
  colour('rfm_segment', 'segment', SEGMENT_COLOURS);
  return rules;
}

function safe(f: () => unknown): void {
  try {
    f();
  } catch {
    // remembering is a convenience; the results are written
  }
}

function modelName(run: ScoreRun, t: (typeof TEXT)['en']): string {
  const choice = (run.models as { choice?: { chosen?: string } }).choice?.chosen;
  if (choice) return choice;
  const fitted = ['bgnbd', 'paretoNbd', 'mbgnbd'].filter((k) => (run.models as Record<string, unknown>)[k]);
  return fitted.length ? fitted.join(', ') : t.fallback;
}

/** Customers per (R, F) score: rows R = bins … 1 (most recent first), columns F = 1 … bins. */
export function rfmGrid(run: ScoreRun): { bins: number; counts: number[][] } {
  let bins = 0;
  for (const c of run.customers) bins = Math.max(bins, c.rfm.r, c.rfm.f);
  const counts = Array.from({ length: bins }, () => new Array<number>(bins).fill(0));
  for (const c of run.customers) if (c.rfm.r >= 1 && c.rfm.f >= 1) counts[bins - c.rfm.r][c.rfm.f - 1]++;
  return { bins, counts };
}

/**
 * The Summary sheet in one setValues: facts, tiers and warnings in A–D; from column F the data
 * of the pyramid chart (tiers top down, each bar centred by a blank spacer series) and the RFM
 * heat-grid (customers per R × F, coloured by a gradient rule); the chart to the right of them.
 */
function writeSummary(run: ScoreRun, locale: Locale, facts: RunFacts): void {
  const t = TEXT[locale];
  const sheet = freshSheet(SUMMARY_SHEET[locale]);
  const warnings = facts.warnings.length ? facts.warnings : [t.none];
  const main: (string | number)[][] = [
    [t.summary, '', '', ''],
    [t.asOf, run.asOf, '', ''],
    [t.customers, run.customers.length, '', ''],
    [t.equity, run.customerEquity, '', ''],
    [t.model, modelName(run, t), '', ''],
    [t.rowsRead, facts.rowsRead, '', ''],
    [t.rowsRejected, facts.rowsRejected, '', ''],
    ['', '', '', ''],
  ];
  const tierStart = main.length + 1;
  main.push([t.tier, t.customers, t.share, t.clvShare], ...run.tiers.map((g) => [g.label[locale], g.customers, g.revenueShare, g.clvShare]));
  main.push(['', '', '', '']);
  const warnStart = main.length + 1;
  main.push([t.warnings, '', '', ''], ...warnings.map((w) => [w, '', '', '']));

  const { bins, counts } = rfmGrid(run);
  const side: (string | number)[][] = [[t.pyramidData, '', t.customers]];
  const most = Math.max(0, ...run.tiers.map((g) => g.customers));
  for (const g of run.tiers) side.push([g.label[locale], (most - g.customers) / 2, g.customers]);
  side.push([]);
  const gridStart = side.length + 1;
  side.push([t.rfmGrid], ['R \\ F', ...counts.map((_, j) => j + 1)], ...counts.map((row, i) => [bins - i, ...row]));
  const sideWidth = Math.max(3, bins + 1);
  const width = 5 + sideWidth;
  const rows = Math.max(main.length, side.length);
  const values = Array.from({ length: rows }, (_, i) => {
    const line: (string | number)[] = new Array(width).fill('');
    (main[i] ?? []).forEach((v, j) => { line[j] = v; });
    (side[i] ?? []).forEach((v, j) => { line[5 + j] = v; });
    return line;
  });
  const chartCol = width + 2;
  fitGrid(sheet, rows + 20, chartCol + 8);
  sheet.getRange(1, 1, rows, width).setValues(values);
  sheet.getRange(4, 2, 1, 1).setNumberFormat('#,##0.00');
  sheet.getRange(1, 1, 1, 1).setFontWeight('bold');
  sheet.getRange(tierStart, 1, 1, 4).setFontWeight('bold');
  sheet.getRange(warnStart, 1, 1, 1).setFontWeight('bold');
  sheet.getRange(1, 6, 1, 3).setFontWeight('bold');
  sheet.getRange(gridStart, 6, 2, 1).setFontWeight('bold');
  if (bins > 0) {
    const grid = sheet.getRange(gridStart + 2, 7, bins, bins);
    sheet.setConditionalFormatRules([
      SpreadsheetApp.newConditionalFormatRule().setGradientMinpoint('#ffffff').setGradientMaxpoint('#e67c73').setRanges([grid]).build(),
    ]);
  }
  if (run.tiers.length > 0) {
    sheet.getRange(tierStart + 1, 3, run.tiers.length, 2).setNumberFormat('0.0%');
    sheet.getRange(tierStart + 1, 1, run.tiers.length, 1).setBackgrounds(run.tiers.map((g) => [TIER_COLOURS[g.key] ?? null]));
    // A pyramid: a stacked bar chart whose first series (the spacer) is invisible.
    const chart = sheet.newChart()
      .asBarChart()
      .setStacked()
      .addRange(sheet.getRange(1, 6, run.tiers.length + 1, 3))
      .setNumHeaders(1)
      .setOption('title', t.chart)
      .setOption('legend', { position: 'none' })
      .setOption('series', { 0: { color: 'transparent', enableInteractivity: false }, 1: { color: '#4285f4' } })
      .setPosition(1, chartCol, 0, 0)
      .build();
    sheet.insertChart(chart);
  }
}

function writeRejects(locale: Locale, facts: RunFacts): void {
  const t = TEXT[locale];
  const rows: (string | number)[][] = [[t.row, t.column, t.reason, t.value]];
  for (const r of facts.rejects) rows.push([r.line, r.column ?? '', r.message, r.value ?? '']);
  const unlisted = facts.rowsRejected - facts.rejects.length;
  if (unlisted > 0) rows.push([t.more(unlisted), '', '', '']);
  const sheet = freshSheet(REJECTS_SHEET[locale]);
  fitGrid(sheet, rows.length + 1, 4);
  sheet.getRange(1, 1, rows.length, 4).setValues(rows);
  sheet.getRange(1, 1, 1, 4).setFontWeight('bold');
  sheet.setFrozenRows(1);
}
