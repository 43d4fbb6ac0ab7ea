/** Menu entries, the sidebar window and the Help / About dialog (sample data: sample.ts). */
import { spreadsheetLocale } from './args.ts';
import './gas.ts';

const MENU = {
  en: { segment: 'Segment customers…', sample: 'Insert sample data', help: 'Help / About' },
  'zh-CN': { segment: '客户分层分级…', sample: '插入示例数据', help: '帮助 / 关于' },
};
const TITLE = { en: 'customer-pyramid', 'zh-CN': '客户金字塔' };

const HELP = {
  en: `<p><b>customer-pyramid</b> scores customers from an order sheet: RFM, P(alive), CLV, pyramid tiers,
lifecycle, churn risk and retention.</p>
<ul><li><b>Segment customers…</b> opens the sidebar: choose the sheet (or select the order rows and press Use selection) and its columns, then Run. Long runs continue by themselves across Apps Script's 6-minute executions.</li>
<li><b>Insert sample data</b> adds a small order sheet with example formulas, to try the add-on first.</li>
<li>Formulas: PYRAMID_SCORES, PYRAMID_RFM, PYRAMID_CLV, PYRAMID_TIER, PYRAMID_RETENTION, PYRAMID_NPS, PYRAMID_CSAT, PYRAMID_SATISFACTION. Always pass an explicit as-of date, never TODAY().</li></ul>
<p>Your data stays in this spreadsheet. Documentation: docs/addon.md in the project's repository.</p>`,
  'zh-CN': `<p><b>客户金字塔</b>根据订单表为客户评分：RFM、存活概率、客户终身价值、金字塔层级、生命周期、流失风险和保持率。</p>
<ul><li><b>客户分层分级…</b>打开侧边栏：选择工作表（或选中订单行后点“使用所选范围”）和列，然后运行。较长的运行会跨越 Apps Script 的 6 分钟执行时限自动继续。</li>
<li><b>插入示例数据</b>添加一张带示例公式的小订单表，便于先试用。</li>
<li>公式：PYRAMID_SCORES、PYRAMID_RFM、PYRAMID_CLV、PYRAMID_TIER、PYRAMID_RETENTION、PYRAMID_NPS、PYRAMID_CSAT、PYRAMID_SATISFACTION。请始终给出明确的截至日期，不要用 TODAY()。</li></ul>
<p>数据始终保留在此电子表格中。使用说明：项目仓库中的 docs/addon.md。</p>`,
};

export function onOpen(): void {
  const m = MENU[spreadsheetLocale()];
  SpreadsheetApp.getUi().createAddonMenu()
    .addItem(m.segment, 'showSidebar')
    .addItem(m.sample, 'insertSampleData')
    .addSeparator()
    .addItem(m.help, 'showHelp')
    .addToUi();
}

export function onInstall(e?: unknown): void {
  onOpen();
  void e;
}

export function showSidebar(): void {
  const html = HtmlService.createHtmlOutputFromFile('Sidebar').setTitle(TITLE[spreadsheetLocale()]);
  SpreadsheetApp.getUi().showSidebar(html);
}

export function showHelp(): void {
  const locale = spreadsheetLocale();
  const html = HtmlService.createHtmlOutput(`<div style="font:13px Arial,sans-serif">${HELP[locale]}</div>`).setWidth(420).setHeight(300);
  SpreadsheetApp.getUi().showModalDialog(html, TITLE[locale]);
}
