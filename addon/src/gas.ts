/**
 * The Apps Script services the add-on uses. Declared loosely: the real objects come from the
 * Apps Script runtime (and from test fakes), never from an import.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
declare global {
  const SpreadsheetApp: any;
  const CacheService: any;
  const PropertiesService: any;
  const HtmlService: any;
  const Utilities: any;
}
export {};
