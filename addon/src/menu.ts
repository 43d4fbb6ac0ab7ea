/** Menu entries and the sidebar window. */
import { spreadsheetLocale } from './args.ts';
import './gas.ts';

const MENU = { en: 'Segment customers…', 'zh-CN': '客户分层分级…' };
const TITLE = { en: 'customer-pyramid', 'zh-CN': '客户金字塔' };

export function onOpen(): void {
  SpreadsheetApp.getUi().createAddonMenu().addItem(MENU[spreadsheetLocale()], 'showSidebar').addToUi();
}

export function onInstall(e?: unknown): void {
  onOpen();
  void e;
}

export function showSidebar(): void {
  const html = HtmlService.createHtmlOutputFromFile('Sidebar').setTitle(TITLE[spreadsheetLocale()]);
  SpreadsheetApp.getUi().showSidebar(html);
}
