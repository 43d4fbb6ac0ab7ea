/**
 * In-memory fakes of the Apps Script services the add-on uses, and a loader that runs the built
 * Code.js in a bare V8 context holding only these fakes (no Node, no browser globals).
 * Faithful where the add-on depends on it, with Sheets' own messages: 1-based ranges, getValues
 * returning '' for empty cells, setValues/setBackgrounds rejecting a matrix whose size differs
 * from the range, a grid per sheet (a new sheet is 1000 × 26; a range outside it throws;
 * insertRowsAfter/insertColumnsAfter/deleteRows/deleteColumns change it), the 10 million-cell
 * limit per spreadsheet, cache values of at most 100 KB for at most 6 hours, properties of at
 * most 9 KB per value and 500 KB per store, 50,000 characters per cell, the 30-second limit of a
 * custom function (`timedCall`) and the 6-minute limit of a script execution (every call into the
 * bundle through `loadBundle` starts a new execution; a service call past the limit throws Apps
 * Script's "Exceeded maximum execution time", and `book.execution.msPerCall` lets a test make
 * each service call cost simulated time, to force that time-out in the middle of a run).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';

type V = unknown;

/** Sheets' limits and messages (developers.google.com/apps-script/guides/services/quotas). */
export const LIMITS = {
  newSheetRows: 1000,
  newSheetColumns: 26,
  cells: 10_000_000,
  cacheValueBytes: 100 * 1024,
  cacheSeconds: 21_600,
  propertyValueBytes: 9 * 1024,
  propertyStoreBytes: 500 * 1024,
  customFunctionMs: 30_000,
  executionMs: 360_000,
  cellChars: 50_000,
};
export const TIME_LIMIT = 'Exceeded maximum execution time';
export const CELL_TOO_LONG = `Your input contains more than the maximum of ${LIMITS.cellChars} characters in a single cell.`;
export const OUTSIDE_SHEET = 'The coordinates of the range are outside the dimensions of the sheet.';
export const TOO_MANY_CELLS = `This action would increase the number of cells in the workbook above the limit of ${LIMITS.cells} cells.`;
const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');

export class FakeRange {
  constructor(readonly sheet: FakeSheet, readonly row: number, readonly col: number, readonly rows: number, readonly cols: number) {
    if (rows < 1) throw new Error('The number of rows in the range must be at least 1.');
    if (cols < 1) throw new Error('The number of columns in the range must be at least 1.');
    if (row < 1 || col < 1 || row + rows - 1 > sheet.maxRows || col + cols - 1 > sheet.maxColumns) throw new Error(OUTSIDE_SHEET);
  }
  getNumRows() { return this.rows; }
  getNumColumns() { return this.cols; }
  getRow() { return this.row; }
  getColumn() { return this.col; }
  getSheet() { return this.sheet; }
  getValues(): V[][] {
    this.sheet.book.tick();
    this.sheet.book.calls.getValues++;
    const out: V[][] = [];
    for (let r = 0; r < this.rows; r++) {
      const src = this.sheet.data[this.row - 1 + r] ?? [];
      const line: V[] = new Array(this.cols);
      for (let c = 0; c < this.cols; c++) {
        const v = src[this.col - 1 + c];
        line[c] = v === undefined || v === null ? '' : v;
      }
      out.push(line);
    }
    return out;
  }
  private checkShape(m: V[][], what: string) {
    if (!Array.isArray(m) || m.length !== this.rows || m.some((r) => !Array.isArray(r) || r.length !== this.cols)) {
      const got = Array.isArray(m) ? `${m.length} rows × ${Array.isArray(m[0]) ? m[0].length : '?'}` : typeof m;
      throw new Error(`${what}: the data has ${got} but the range has ${this.rows} × ${this.cols}.`);
    }
  }
  setValues(m: V[][]) {
    this.sheet.book.tick();
    this.sheet.book.calls.setValues++;
    this.checkShape(m, 'setValues');
    for (const r of m) for (const v of r) if (typeof v === 'string' && v.length > LIMITS.cellChars) throw new Error(CELL_TOO_LONG);
    for (let r = 0; r < this.rows; r++) {
      const line = (this.sheet.data[this.row - 1 + r] ??= []);
      for (let c = 0; c < this.cols; c++) line[this.col - 1 + c] = m[r][c];
    }
    return this;
  }
  setBackgrounds(m: (string | null)[][]) {
    this.sheet.book.calls.setBackgrounds++;
    this.checkShape(m, 'setBackgrounds');
    for (let r = 0; r < this.rows; r++) {
      const line = (this.sheet.backgrounds[this.row - 1 + r] ??= []);
      for (let c = 0; c < this.cols; c++) line[this.col - 1 + c] = m[r][c] ?? null;
    }
    return this;
  }
  private style(key: string, v: string) {
    for (let r = 0; r < this.rows; r++) for (let c = 0; c < this.cols; c++) this.sheet.styles.set(`${this.row + r},${this.col + c},${key}`, v);
    return this;
  }
  setFontWeight(w: string) { return this.style('weight', w); }
  setValue(v: V) { return this.setValues([[v]]); }
  setFormula(f: string) {
    if (!f.startsWith('=')) throw new Error('A formula must start with =');
    return this.setValues([[f]]);
  }
  setHorizontalAlignment(a: string) { return this.style('align', a); }
  setNumberFormats(m: string[][]) {
    this.checkShape(m, 'setNumberFormats');
    for (let r = 0; r < this.rows; r++) for (let c = 0; c < this.cols; c++) this.sheet.styles.set(`${this.row + r},${this.col + c},format`, m[r][c]);
    return this;
  }
  getA1Notation() { return `R${this.row}C${this.col}:R${this.row + this.rows - 1}C${this.col + this.cols - 1}`; }
  createFilter() {
    if (this.sheet.filter) throw new Error('You can\'t create a filter in a sheet that already has a filter.');
    this.sheet.filter = this;
    return { remove: () => { this.sheet.filter = null; }, getRange: () => this };
  }
  getFilter() { return this.sheet.filter ? { remove: () => { this.sheet.filter = null; } } : null; }
  applyRowBanding() {
    const b = { range: this as FakeRange, remove: () => { this.sheet.bandings = this.sheet.bandings.filter((x) => x !== b); } };
    this.sheet.bandings.push(b);
    return b;
  }
  clear() {
    for (let r = 0; r < this.rows; r++) {
      const line = this.sheet.data[this.row - 1 + r];
      if (line) for (let c = 0; c < this.cols; c++) line[this.col - 1 + c] = '';
    }
    return this;
  }
  setFontColor(c: string) { return this.style('color', c); }
  setNumberFormat(f: string) { return this.style('format', f); }
}

export interface FakeRule { text: string; background: string; ranges: FakeRange[]; gradient?: [string, string] }

export interface FakeChart { type: string; ranges: FakeRange[]; options: Record<string, unknown>; position: number[]; numHeaders: number; stacked?: boolean }

class FakeChartBuilder {
  chart: FakeChart = { type: '', ranges: [], options: {}, position: [], numHeaders: -1 };
  asBarChart() { this.chart.type = 'bar'; return this; }
  asColumnChart() { this.chart.type = 'column'; return this; }
  setStacked() { this.chart.stacked = true; return this; }
  addRange(r: FakeRange) { this.chart.ranges.push(r); return this; }
  setNumHeaders(n: number) { this.chart.numHeaders = n; return this; }
  setOption(k: string, v: unknown) { this.chart.options[k] = v; return this; }
  setPosition(row: number, col: number, dx: number, dy: number) { this.chart.position = [row, col, dx, dy]; return this; }
  build() { return { ...this.chart }; }
}

export class FakeSheet {
  data: V[][] = [];
  backgrounds: (string | null)[][] = [];
  styles = new Map<string, string>();
  charts: FakeChart[] = [];
  frozenRows = 0;
  filter: FakeRange | null = null;
  bandings: { range: FakeRange; remove(): void }[] = [];
  conditionalFormatRules: FakeRule[] = [];
  constructor(readonly book: FakeSpreadsheet, private name: string, public maxRows = LIMITS.newSheetRows, public maxColumns = LIMITS.newSheetColumns) {}
  getName() { return this.name; }
  getMaxRows() { return this.maxRows; }
  getMaxColumns() { return this.maxColumns; }
  getSheetId() { return this.book.sheets.indexOf(this); }
  insertRowsAfter(after: number, n: number) {
    if (after < 1 || after > this.maxRows || n < 1) throw new Error(OUTSIDE_SHEET);
    this.book.checkGrowth(n * this.maxColumns);
    this.data.splice(after, 0, ...Array.from({ length: Math.min(n, Math.max(0, this.data.length - after)) }, () => []));
    this.maxRows += n;
    return this;
  }
  insertColumnsAfter(after: number, n: number) {
    if (after < 1 || after > this.maxColumns || n < 1) throw new Error(OUTSIDE_SHEET);
    this.book.checkGrowth(n * this.maxRows);
    for (const line of this.data) if (line && line.length > after) line.splice(after, 0, ...new Array(n).fill(''));
    this.maxColumns += n;
    return this;
  }
  deleteRows(start: number, n: number) {
    if (start < 1 || n < 1 || start + n - 1 > this.maxRows) throw new Error(OUTSIDE_SHEET);
    if (n >= this.maxRows) throw new Error('You can\'t delete all the rows on the sheet.');
    this.data.splice(start - 1, n);
    this.backgrounds.splice(start - 1, n);
    this.maxRows -= n;
  }
  deleteColumns(start: number, n: number) {
    if (start < 1 || n < 1 || start + n - 1 > this.maxColumns) throw new Error(OUTSIDE_SHEET);
    if (n >= this.maxColumns) throw new Error('You can\'t delete all the columns on the sheet.');
    for (const line of this.data) if (line) line.splice(start - 1, n);
    this.maxColumns -= n;
  }
  hidden = false;
  hideSheet() { this.hidden = true; return this; }
  isSheetHidden() { return this.hidden; }
  getFilter() { return this.filter ? { remove: () => { this.filter = null; }, getRange: () => this.filter } : null; }
  getBandings() { return this.bandings.slice(); }
  getConditionalFormatRules() { return this.conditionalFormatRules.slice(); }
  setConditionalFormatRules(rules: FakeRule[]) { this.conditionalFormatRules = rules.slice(); }
  getLastRow() {
    for (let r = this.data.length; r > 0; r--) if ((this.data[r - 1] ?? []).some((v) => v !== '' && v !== null && v !== undefined)) return r;
    return 0;
  }
  getLastColumn() {
    let n = 0;
    for (const line of this.data) for (let c = (line ?? []).length; c > n; c--) if (line[c - 1] !== '' && line[c - 1] != null) { n = c; break; }
    return n;
  }
  getRange(row: number, col: number, rows = 1, cols = 1) { return new FakeRange(this, row, col, rows, cols); }
  getDataRange() { return this.getRange(1, 1, Math.max(1, this.getLastRow()), Math.max(1, this.getLastColumn())); }
  clear() {
    this.data = []; this.backgrounds = []; this.styles.clear(); this.conditionalFormatRules = [];
    this.filter = null;
    return this;
  }
  getCharts() { return this.charts.slice(); }
  removeChart(c: FakeChart) { this.charts = this.charts.filter((x) => x !== c); }
  newChart() { return new FakeChartBuilder(); }
  insertChart(c: FakeChart) { this.charts.push(c); }
  setFrozenRows(n: number) {
    if (n >= this.maxRows) throw new Error("You can't freeze all visible rows on the sheet.");
    this.frozenRows = n;
  }
}

export class FakeSpreadsheet {
  sheets: FakeSheet[] = [];
  active: FakeSheet | null = null;
  calls = { getValues: 0, setValues: 0, setBackgrounds: 0 };
  /** The running execution: real time since it started plus `msPerCall` for every service call so far. */
  execution = { started: performance.now(), calls: 0, msPerCall: 0, limitMs: LIMITS.executionMs };
  activeRange: FakeRange | null = null;
  newExecution() { this.execution.started = performance.now(); this.execution.calls = 0; }
  /** A service call: past the execution's limit it throws, as Apps Script stops the script. */
  tick() {
    const e = this.execution;
    e.calls++;
    const ms = performance.now() - e.started + e.calls * e.msPerCall;
    if (ms > e.limitMs) throw new Error(TIME_LIMIT);
  }
  getActiveRange() { return this.activeRange; }
  setActiveRange(r: FakeRange) { this.activeRange = r; this.active = r.sheet; return r; }
  constructor(readonly locale = 'en_US', readonly timeZone = 'Asia/Shanghai') {}
  /** Cells of every sheet's grid (Sheets counts the grid, not the filled cells). */
  cells() { return this.sheets.reduce((n, s) => n + s.maxRows * s.maxColumns, 0); }
  checkGrowth(cells: number) {
    if (this.cells() + cells > LIMITS.cells) throw new Error(TOO_MANY_CELLS);
  }
  /** A sheet holding `values`, its grid the default or just large enough (as an import makes it). */
  addSheet(name: string, values: V[][]) {
    const rows = Math.max(LIMITS.newSheetRows, values.length);
    const cols = values.reduce((n, r) => Math.max(n, r.length), LIMITS.newSheetColumns);
    this.checkGrowth(rows * cols);
    const s = new FakeSheet(this, name, rows, cols);
    s.data = values.map((r) => r.slice());
    this.sheets.push(s);
    this.active ??= s;
    return s;
  }
  getSheets() { return this.sheets.slice(); }
  getSheetByName(name: string) { return this.sheets.find((s) => s.getName() === name) ?? null; }
  insertSheet(name: string) {
    if (this.getSheetByName(name)) throw new Error(`A sheet with the name "${name}" already exists. Please enter another name.`);
    this.active = this.addSheet(name, []); // as in Sheets, the new sheet becomes the active one
    return this.active;
  }
  deleteSheet(sheet: FakeSheet) {
    if (this.sheets.length === 1) throw new Error('You can\'t remove all the sheets in a document.');
    this.sheets = this.sheets.filter((s) => s !== sheet);
    if (this.active === sheet) this.active = this.sheets[0];
  }
  setActiveSheet(sheet: FakeSheet) { this.active = sheet; return sheet; }
  getActiveSheet() { return this.active; }
  getSpreadsheetLocale() { return this.locale; }
  getSpreadsheetTimeZone() { return this.timeZone; }
}

export class FakeCache {
  store = new Map<string, string>();
  get(k: string) { return this.store.get(k) ?? null; }
  put(k: string, v: string, ttl?: number) {
    if (typeof v !== 'string') throw new Error('Cache values must be strings');
    if (k.length > 250) throw new Error('Argument too large: key');
    if (utf8Bytes(v) > LIMITS.cacheValueBytes) throw new Error('Argument too large: value');
    if (ttl !== undefined && ttl > LIMITS.cacheSeconds) throw new Error('Expiration too long');
    this.store.set(k, v);
  }
  remove(k: string) { this.store.delete(k); }
}

export class FakeProperties {
  store = new Map<string, string>();
  private bytes(extra: [string, string] | null, without?: string) {
    let n = extra ? utf8Bytes(extra[0]) + utf8Bytes(extra[1]) : 0;
    for (const [k, v] of this.store) if (k !== without) n += utf8Bytes(k) + utf8Bytes(v);
    return n;
  }
  getProperty(k: string) { return this.store.get(k) ?? null; }
  getProperties() { return Object.fromEntries(this.store); }
  setProperty(k: string, v: string) {
    const value = String(v);
    if (utf8Bytes(value) > LIMITS.propertyValueBytes) throw new Error('Argument too large: value');
    if (this.bytes([k, value], k) > LIMITS.propertyStoreBytes) throw new Error('You have exceeded the property storage quota. Please remove some properties and try again.');
    this.store.set(k, value);
    return this;
  }
  deleteProperty(k: string) { this.store.delete(k); return this; }
}

class FakeHtmlOutput {
  title = '';
  constructor(readonly content: string) {}
  width = 0;
  height = 0;
  setTitle(t: string) { this.title = t; return this; }
  setWidth(w: number) { this.width = w; return this; }
  setHeight(h: number) { this.height = h; return this; }
  getContent() { return this.content; }
}

export interface Services {
  book: FakeSpreadsheet;
  cache: FakeCache;
  documentProperties: FakeProperties;
  ui: { menus: { name: string; items: [string, string][] }[]; sidebars: FakeHtmlOutput[]; dialogs: [FakeHtmlOutput, string][] };
  logs: string[];
  globals: Record<string, unknown>;
}

/** Fakes of the Apps Script services; `distDir` holds the built Sidebar.html. */
export function makeServices(book: FakeSpreadsheet, distDir: string): Services {
  const cache = new FakeCache();
  const documentProperties = new FakeProperties();
  const ui: Services['ui'] = { menus: [], sidebars: [], dialogs: [] };
  const logs: string[] = [];
  const menu = (name: string) => {
    const m = { name, items: [] as [string, string][] };
    const api = { addItem(caption: string, fn: string) { m.items.push([caption, fn]); return api; }, addSeparator() { return api; }, addToUi() { ui.menus.push(m); } };
    return api;
  };
  const pad = (n: number) => String(n).padStart(2, '0');
  const formats = new Map<string, Intl.DateTimeFormat>();
  const globals: Record<string, unknown> = {
    SpreadsheetApp: {
      BandingTheme: { LIGHT_GREY: 'LIGHT_GREY', CYAN: 'CYAN' },
      newConditionalFormatRule: () => {
        const rule: FakeRule = { text: '', background: '', ranges: [] };
        const b = {
          whenTextEqualTo(t: string) { rule.text = t; return b; },
          setBackground(c: string) { rule.background = c; return b; },
          setGradientMinpoint(c: string) { rule.gradient = [c, rule.gradient?.[1] ?? '']; return b; },
          setGradientMaxpoint(c: string) { rule.gradient = [rule.gradient?.[0] ?? '', c]; return b; },
          setRanges(r: FakeRange[]) { rule.ranges = r; return b; },
          build: () => { const built = { ...rule }; return Object.assign(built, { getRanges: () => built.ranges.slice() }); },
        };
        return b;
      },
      getActive: () => book,
      getActiveSpreadsheet: () => book,
      getUi: () => ({ createAddonMenu: () => menu('Add-ons'), createMenu: menu, showSidebar: (h: FakeHtmlOutput) => ui.sidebars.push(h), showModalDialog: (h: FakeHtmlOutput, title: string) => ui.dialogs.push([h, title]) }),
    },
    CacheService: { getUserCache: () => cache, getScriptCache: () => cache, getDocumentCache: () => cache },
    PropertiesService: (() => {
      const u = new FakeProperties(), d = documentProperties, s = new FakeProperties();
      return { getUserProperties: () => u, getDocumentProperties: () => d, getScriptProperties: () => s };
    })(),
    HtmlService: {
      createHtmlOutputFromFile: (name: string) => new FakeHtmlOutput(readFileSync(join(distDir, `${name}.html`), 'utf8')),
      createHtmlOutput: (html: string) => new FakeHtmlOutput(html),
    },
    Utilities: {
      formatDate(d: Date, tz: string, pattern: string) {
        if (pattern !== 'yyyy-MM-dd') throw new Error(`fake Utilities.formatDate: pattern ${pattern} not supported`);
        let f = formats.get(tz);
        if (!f) formats.set(tz, (f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: 'numeric', day: 'numeric' })));
        const parts = f.formatToParts(new Date(d.getTime()));
        const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
        return `${get('year')}-${pad(get('month'))}-${pad(get('day'))}`;
      },
    },
    Logger: { log: (...a: unknown[]) => { logs.push(a.map(String).join(' ')); } },
    Session: { getScriptTimeZone: () => book.timeZone, getActiveUserLocale: () => book.locale.slice(0, 2) },
  };
  return { book, cache, documentProperties, ui, logs, globals };
}

/**
 * Runs Code.js in a fresh context that has only the fakes; returns its global, whose functions
 * each start a new execution when called (as every google.script.run call and every custom
 * function call does in Apps Script).
 */
export function loadBundle(code: string, services: Services): Record<string, (...args: unknown[]) => unknown> {
  const context = vm.createContext({ ...services.globals });
  vm.runInContext(code, context, { filename: 'Code.js' });
  const g = context as Record<string, unknown>;
  return new Proxy(g, {
    get(target, name) {
      const v = target[name as string];
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => { services.book.newExecution(); return (v as (...a: unknown[]) => unknown)(...args); };
    },
  }) as Record<string, (...args: unknown[]) => unknown>;
}

/**
 * Calls a custom function as Sheets would: over 30 seconds it fails with Sheets' message.
 * (Sheets stops it at the limit; here the call finishes and is then failed, with its time.)
 */
export function timedCall<T>(f: () => T, limitMs = LIMITS.customFunctionMs): { value: T; ms: number } {
  const start = performance.now();
  const value = f();
  const ms = performance.now() - start;
  if (ms > limitMs) throw new Error(`Exceeded maximum execution time (${(ms / 1000).toFixed(1)} s)`);
  return { value, ms };
}
