/**
 * "Insert sample data": a small order sheet (40 customers, about 150 order lines over
 * 2023-01-01 … 2024-06-30, the same every time) with example formulas beside it, and a sheet with
 * PYRAMID_SCORES on it, so a new user sees the add-on work before mapping their own data.
 */
import type { Locale } from '../../core/types.ts';
import { spreadsheetLocale } from './args.ts';
import { fitGrid } from './grid.ts';
import './gas.ts';

export const SAMPLE_SHEET: Record<Locale, string> = { en: 'Sample orders', 'zh-CN': '示例订单' };
export const SAMPLE_SCORES_SHEET: Record<Locale, string> = { en: 'Sample scores', 'zh-CN': '示例评分' };
const HEAD: Record<Locale, string[]> = { en: ['customer_id', 'order_date', 'amount'], 'zh-CN': ['客户编号', '下单时间', '实付金额'] };
const NOTE: Record<Locale, string> = {
  en: 'Example formulas on the sample orders (as of 2024-07-01). Open Extensions › customer-pyramid › Segment customers… to score the sheet with the sidebar.',
  'zh-CN': '示例订单上的公式（截至 2024-07-01）。打开 扩展程序 › customer-pyramid › 客户分层分级… 用侧边栏为整张表评分。',
};

/** Deterministic order lines: customers buy at their own rate until they drop out. */
export function sampleOrders(): [string, string, number][] {
  let seed = 20240701;
  const r = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const start = Date.UTC(2023, 0, 1);
  const days = 546;
  const out: [string, string, number][] = [];
  for (let c = 1; c <= 40; c++) {
    const id = `C${String(c).padStart(3, '0')}`;
    const spend = 20 + Math.floor(r() * 180);
    const gap = 15 + Math.floor(r() * 90);
    let day = Math.floor(r() * days * 0.7);
    do {
      out.push([id, new Date(start + day * 86_400_000).toISOString().slice(0, 10), Math.round(spend * (0.6 + 0.8 * r()) * 100) / 100]);
      day += 1 + Math.floor(gap * 2 * r());
    } while (day < days && r() < 0.75);
  }
  return out.sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[0] < b[0] ? -1 : 1));
}

function replaceSheet(name: string): any {
  const ss = SpreadsheetApp.getActive();
  const old = ss.getSheetByName(name);
  if (old) ss.deleteSheet(old);
  return ss.insertSheet(name);
}

export function insertSampleData(): void {
  const locale = spreadsheetLocale();
  const orders = sampleOrders();
  const name = SAMPLE_SHEET[locale];
  const sheet = replaceSheet(name);
  fitGrid(sheet, orders.length + 1, 12);
  sheet.getRange(1, 1, orders.length + 1, 3).setValues([HEAD[locale], ...orders]);
  sheet.getRange(1, 1, 1, 3).setFontWeight('bold');
  sheet.setFrozenRows(1);
  const q = `'${name}'`;
  const ranges = `${q}!A2:A, ${q}!B2:B, ${q}!C2:C`;
  sheet.getRange(1, 5).setFormula(`=PYRAMID_RFM(A2:A, B2:B, C2:C, DATE(2024,7,1))`);
  const scores = replaceSheet(SAMPLE_SCORES_SHEET[locale]);
  fitGrid(scores, 60, 40); // PYRAMID_SCORES spills 36 columns
  scores.getRange(1, 1).setValue(NOTE[locale]);
  scores.getRange(3, 1).setFormula(`=PYRAMID_SCORES(${ranges}, DATE(2024,7,1), "horizon=26; margin=0.4")`);
  SpreadsheetApp.getActive().setActiveSheet(sheet);
}
