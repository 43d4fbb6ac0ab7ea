/**
 * Writes the results sheet: the score table in one setValues, colours in one setBackgrounds,
 * a summary block beside it and a bar chart of customers per tier.
 */
import type { Locale, ScoreRun } from '../../core/types.ts';
import { scoreTable } from '../../core/report/index.ts';
import { fitGrid, freshSheet } from './grid.ts';
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
const HEADER_COLOUR = '#434343';

export const RESULTS_SHEET: Record<Locale, string> = { en: 'Customer pyramid', 'zh-CN': '客户金字塔' };

const TEXT = {
  en: { summary: 'Summary', asOf: 'As of', customers: 'Customers', equity: 'Customer equity', tier: 'Tier', share: 'Revenue share', clvShare: 'CLV share', chart: 'Customers per tier' },
  'zh-CN': { summary: '汇总', asOf: '截至日期', customers: '客户数', equity: '客户资产', tier: '层级', share: '收入占比', clvShare: 'CLV 占比', chart: '各层级客户数' },
};

/** Index of the first header containing one of the words (case-insensitive). */
function findColumn(header: string[], words: string[]): number {
  const h = header.map((x) => x.toLowerCase());
  for (const w of words) {
    const i = h.findIndex((x) => x === w.toLowerCase());
    if (i >= 0) return i;
  }
  return -1;
}

export function writeResults(run: ScoreRun, locale: Locale): { sheetName: string; rows: number } {
  const name = RESULTS_SHEET[locale];
  const sheet = freshSheet(name);

  const table = scoreTable(run, locale);
  const width = table.header.length;
  const values: (string | number)[][] = [table.header, ...table.rows];
  // The table, an empty column, the 4-column summary block; rows for the block and its chart.
  fitGrid(sheet, Math.max(values.length, 7 + run.tiers.length + 20), width + 5);
  sheet.getRange(1, 1, values.length, width).setValues(values);

  // Colour by the machine keys (the table holds labels), matched through the id column.
  const byId = new Map(run.customers.map((c) => [c.id, c]));
  const idCol = Math.max(0, findColumn(table.header, ['customer_id', 'id', 'customer', '客户编号', '客户']));
  const tierCol = findColumn(table.header, ['tier', '层级', '金字塔层级']);
  const segCol = findColumn(table.header, ['rfm_segment', 'segment', 'rfm 分群', '客户分群']);
  const backgrounds: (string | null)[][] = values.map((row, r) => {
    const line: (string | null)[] = new Array(width).fill(null);
    if (r === 0) return line.fill(HEADER_COLOUR);
    const c = byId.get(String(row[idCol]));
    if (c && tierCol >= 0) line[tierCol] = TIER_COLOURS[c.tier] ?? null;
    if (c && segCol >= 0) line[segCol] = SEGMENT_COLOURS[c.rfm.segment] ?? null;
    return line;
  });
  sheet.getRange(1, 1, values.length, width).setBackgrounds(backgrounds);
  sheet.getRange(1, 1, 1, width).setFontColor('#ffffff').setFontWeight('bold');
  sheet.setFrozenRows(1);

  // Summary block two columns to the right of the table, tiers top first (pyramid order).
  const t = TEXT[locale];
  const col = width + 2;
  const block: (string | number)[][] = [
    [t.summary, '', '', ''],
    [t.asOf, run.asOf, '', ''],
    [t.customers, run.customers.length, '', ''],
    [t.equity, run.customerEquity, '', ''],
    ['', '', '', ''],
    [t.tier, t.customers, t.share, t.clvShare],
    ...run.tiers.map((g) => [g.label[locale], g.customers, g.revenueShare, g.clvShare]),
  ];
  sheet.getRange(1, col, block.length, 4).setValues(block);
  sheet.getRange(4, col + 1, 1, 1).setNumberFormat('#,##0.00');
  sheet.getRange(1, col, 1, 1).setFontWeight('bold');
  sheet.getRange(6, col, 1, 4).setFontWeight('bold');
  const tierRows = run.tiers.length;
  if (tierRows > 0) {
    sheet.getRange(7, col + 2, tierRows, 2).setNumberFormat('0.0%');
    sheet.getRange(7, col, tierRows, 1).setBackgrounds(run.tiers.map((g) => [TIER_COLOURS[g.key] ?? null]));
    const chart = sheet.newChart()
      .asBarChart()
      .addRange(sheet.getRange(6, col, tierRows + 1, 2))
      .setNumHeaders(1)
      .setOption('title', t.chart)
      .setOption('legend', { position: 'none' })
      .setPosition(block.length + 2, col, 0, 0)
      .build();
    sheet.insertChart(chart);
  }
  return { sheetName: name, rows: run.customers.length };
}
