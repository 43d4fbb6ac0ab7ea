/**
 * In-memory fakes of the Apps Script services the add-on uses, and a loader that runs the built
 * Code.js in a bare V8 context holding only these fakes (no Node, no browser globals).
 * Faithful where the add-on depends on it: 1-based ranges, getValues returning '' for empty
 * cells, setValues/setBackgrounds rejecting a matrix whose size differs from the range,
 * the 100 KB cache value limit.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';

type V = unknown;

export class FakeRange {
  constructor(readonly sheet: FakeSheet, readonly row: number, readonly col: number, readonly rows: number, readonly cols: number) {
    if (row < 1 || col < 1 || rows < 1 || cols < 1) throw new Error(`Range out of bounds: (${row}, ${col}, ${rows}, ${cols})`);
  }
  getNumRows() { return this.rows; }
  getNumColumns() { return this.cols; }
  getRow() { return this.row; }
  getColumn() { return this.col; }
  getValues(): V[][] {
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
    this.sheet.book.calls.setValues++;
    this.checkShape(m, 'setValues');
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
  setFontColor(c: string) { return this.style('color', c); }
  setNumberFormat(f: string) { return this.style('format', f); }
}

export interface FakeChart { type: string; ranges: FakeRange[]; options: Record<string, unknown>; position: number[]; numHeaders: number }

class FakeChartBuilder {
  chart: FakeChart = { type: '', ranges: [], options: {}, position: [], numHeaders: -1 };
  asBarChart() { this.chart.type = 'bar'; return this; }
  asColumnChart() { this.chart.type = 'column'; return this; }
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
  constructor(readonly book: FakeSpreadsheet, private name: string) {}
  getName() { return this.name; }
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
  clear() { this.data = []; this.backgrounds = []; this.styles.clear(); return this; }
  getCharts() { return this.charts.slice(); }
  removeChart(c: FakeChart) { this.charts = this.charts.filter((x) => x !== c); }
  newChart() { return new FakeChartBuilder(); }
  insertChart(c: FakeChart) { this.charts.push(c); }
  setFrozenRows(n: number) { this.frozenRows = n; }
}

export class FakeSpreadsheet {
  sheets: FakeSheet[] = [];
  active: FakeSheet | null = null;
  calls = { getValues: 0, setValues: 0, setBackgrounds: 0 };
  constructor(readonly locale = 'en_US', readonly timeZone = 'Asia/Shanghai') {}
  addSheet(name: string, values: V[][]) {
    const s = new FakeSheet(this, name);
    s.data = values.map((r) => r.slice());
    this.sheets.push(s);
    this.active ??= s;
    return s;
  }
  getSheets() { return this.sheets.slice(); }
  getSheetByName(name: string) { return this.sheets.find((s) => s.getName() === name) ?? null; }
  insertSheet(name: string) {
    if (this.getSheetByName(name)) throw new Error(`A sheet with the name "${name}" already exists.`);
    return this.addSheet(name, []);
  }
  getActiveSheet() { return this.active; }
  getSpreadsheetLocale() { return this.locale; }
  getSpreadsheetTimeZone() { return this.timeZone; }
}

class FakeCache {
  store = new Map<string, string>();
  get(k: string) { return this.store.get(k) ?? null; }
  put(k: string, v: string, ttl?: number) {
    if (typeof v !== 'string') throw new Error('Cache values must be strings');
    if (v.length > 100 * 1024) throw new Error('Argument too large: value');
    if (ttl !== undefined && ttl > 21600) throw new Error('Expiration too long');
    this.store.set(k, v);
  }
  remove(k: string) { this.store.delete(k); }
}

class FakeProperties {
  store = new Map<string, string>();
  getProperty(k: string) { return this.store.get(k) ?? null; }
  setProperty(k: string, v: string) { this.store.set(k, String(v)); return this; }
  deleteProperty(k: string) { this.store.delete(k); return this; }
}

class FakeHtmlOutput {
  title = '';
  constructor(readonly content: string) {}
  setTitle(t: string) { this.title = t; return this; }
  getContent() { return this.content; }
}

export interface Services {
  book: FakeSpreadsheet;
  cache: FakeCache;
  ui: { menus: { name: string; items: [string, string][] }[]; sidebars: FakeHtmlOutput[] };
  logs: string[];
  globals: Record<string, unknown>;
}

/** Fakes of the Apps Script services; `distDir` holds the built Sidebar.html. */
export function makeServices(book: FakeSpreadsheet, distDir: string): Services {
  const cache = new FakeCache();
  const ui: Services['ui'] = { menus: [], sidebars: [] };
  const logs: string[] = [];
  const menu = (name: string) => {
    const m = { name, items: [] as [string, string][] };
    const api = { addItem(caption: string, fn: string) { m.items.push([caption, fn]); return api; }, addSeparator() { return api; }, addToUi() { ui.menus.push(m); } };
    return api;
  };
  const pad = (n: number) => String(n).padStart(2, '0');
  const globals: Record<string, unknown> = {
    SpreadsheetApp: {
      getActive: () => book,
      getActiveSpreadsheet: () => book,
      getUi: () => ({ createAddonMenu: () => menu('Add-ons'), createMenu: menu, showSidebar: (h: FakeHtmlOutput) => ui.sidebars.push(h) }),
    },
    CacheService: { getUserCache: () => cache, getScriptCache: () => cache, getDocumentCache: () => cache },
    PropertiesService: (() => {
      const u = new FakeProperties(), d = new FakeProperties(), s = new FakeProperties();
      return { getUserProperties: () => u, getDocumentProperties: () => d, getScriptProperties: () => s };
    })(),
    HtmlService: {
      createHtmlOutputFromFile: (name: string) => new FakeHtmlOutput(readFileSync(join(distDir, `${name}.html`), 'utf8')),
      createHtmlOutput: (html: string) => new FakeHtmlOutput(html),
    },
    Utilities: {
      formatDate(d: Date, tz: string, pattern: string) {
        if (pattern !== 'yyyy-MM-dd') throw new Error(`fake Utilities.formatDate: pattern ${pattern} not supported`);
        const parts = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: 'numeric', day: 'numeric' })
          .formatToParts(new Date(d.getTime()));
        const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
        return `${get('year')}-${pad(get('month'))}-${pad(get('day'))}`;
      },
    },
    Logger: { log: (...a: unknown[]) => { logs.push(a.map(String).join(' ')); } },
    Session: { getScriptTimeZone: () => book.timeZone, getActiveUserLocale: () => book.locale.slice(0, 2) },
  };
  return { book, cache, ui, logs, globals };
}

/** Runs Code.js in a fresh context that has only the fakes; returns the context's global. */
export function loadBundle(code: string, services: Services): Record<string, (...args: unknown[]) => unknown> {
  const context = vm.createContext({ ...services.globals });
  vm.runInContext(code, context, { filename: 'Code.js' });
  return context as Record<string, (...args: unknown[]) => unknown>;
}
