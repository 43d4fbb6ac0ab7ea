/**
 * The whole segmentation from the sidebar: the built Sidebar.html in headless Chromium, its
 * google.script.run calls answered by the built Code.js running in the vm sandbox over a fake
 * spreadsheet. Leaves test-artifacts/sidebar.png, sidebar-zh.png and results-sheet.png (and copies
 * them to docs/img with UPDATE_DOC_IMAGES=1). results-sheet.png is a preview drawn from what the
 * add-on wrote into the fake sheets (values, number formats, colour rules, chart data), labelled as
 * such on the image: no Google Sheets is reachable from a test.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { buildAddon } from '../../addon/build.ts';
import { FakeSpreadsheet, LIMITS, loadBundle, makeServices, type FakeSheet, type Services } from './fakes.ts';
import { orderLines, sheetDate } from './data.ts';

const CHROMIUM = '/usr/bin/chromium';
const repoRoot = resolve(import.meta.dirname, '../..');
const artifacts = join(repoRoot, 'test-artifacts');
const ROWS = 12_000; // more than two chunks of 5,000
// Refresh the screenshots in docs/img only on request (they need CJK fonts to look right):
// UPDATE_DOC_IMAGES=1 npx vitest run test/addon/sidebar.test.ts
const updateDocs = process.env.UPDATE_DOC_IMAGES === '1';

/** Browser-side stand-in for google.script.run: every call goes to window.__gas (Node). */
const STAND_IN = `
(() => {
  function runner(ok, fail) {
    return new Proxy({}, { get(_, name) {
      if (name === 'withSuccessHandler') return (f) => runner(f, fail);
      if (name === 'withFailureHandler') return (f) => runner(ok, f);
      return (...args) => {
        window.__gas(String(name), JSON.stringify(args)).then((text) => {
          const r = JSON.parse(text);
          if ('error' in r) { if (fail) fail(new Error(r.error)); }
          else if (ok) ok(r.value);
        });
      };
    } });
  }
  window.google = { script: { run: runner(null, null) } };
})();`;

const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe.skipIf(!existsSync(CHROMIUM))(`sidebar in headless Chromium (${CHROMIUM}; skipped when absent: apt-get install chromium)`, () => {
  let browser: Browser;
  let distDir = '';
  let services: Services;
  let g: Record<string, (...args: unknown[]) => unknown>;
  let orders: FakeSheet;
  const progressSeen: string[] = [];

  beforeAll(async () => {
    distDir = mkdtempSync(join(tmpdir(), 'addon-dist-'));
    const { code } = await buildAddon(distDir);
    const book = new FakeSpreadsheet('en_US', 'Asia/Shanghai');
    const lines = orderLines(ROWS, 5);
    // Chinese headers, Date cells as Sheets delivers them, a column the add-on should ignore.
    orders = book.addSheet('订单', [
      ['订单号', '客户编号', '下单时间', '实付金额', '备注'],
      ...lines.map((l, i) => [`SO${100000 + i}`, l.id, sheetDate(l.date, 8), l.amount, '']),
    ]);
    book.addSheet('Notes', [['free text']]);
    services = makeServices(book, distDir);
    g = loadBundle(code, services);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('detects the Chinese columns, runs in chunks with progress, and writes the results sheet', async () => {
    const page = await browser.newPage({ viewport: { width: 300, height: 1000 } });
    // Apps Script runs a server call while the page keeps polling getProgress. The sandbox is
    // synchronous, so the run's progress snapshots (written to the fake cache as it ran) are
    // handed to the polls one by one while the run's answer is held back.
    const snapshots: string[] = [];
    const put = services.cache.put.bind(services.cache);
    services.cache.put = (k: string, v: string, ttl?: number) => { if (k.startsWith('pyramid-progress:')) snapshots.push(v); put(k, v, ttl); };
    let replay: string[] | null = null;
    await page.exposeFunction('__gas', async (name: string, argsJson: string) => {
      try {
        if (name === 'getProgress' && replay) {
          const next = replay.length > 1 ? replay.shift()! : replay[0];
          progressSeen.push(next);
          return JSON.stringify({ value: JSON.parse(next) });
        }
        const value = g[name](...JSON.parse(argsJson));
        if (name === 'runSegmentation') {
          replay = snapshots.slice();
          while (replay.length > 1) await new Promise((r) => setTimeout(r, 100));
        }
        return JSON.stringify({ value: JSON.parse(JSON.stringify(value ?? null)) });
      } catch (e) {
        return JSON.stringify({ error: (e as Error).message });
      }
    });
    await page.addInitScript(STAND_IN);
    await page.goto('file://' + join(distDir, 'Sidebar.html'));

    // Detected roles from Chinese headers, and the as-of suggestion from the latest date.
    await page.waitForFunction('!document.getElementById("run").disabled');
    expect(await page.inputValue('#sheet')).toBe('订单');
    expect(await page.inputValue('#col-customer')).toBe('客户编号');
    expect(await page.inputValue('#col-date')).toBe('下单时间');
    expect(await page.inputValue('#col-amount')).toBe('实付金额');
    expect(await page.inputValue('#asOf')).toMatch(/^2024-0[56]-\d\d$/);

    await page.fill('#asOf', '2024-07-01');
    await page.selectOption('#timeUnit', 'week');
    await page.fill('#horizon', '26');
    await page.fill('#discountRate', '0.08');
    await page.selectOption('#tierScheme', 'zeithaml');
    // BG/NBD keeps long-gone one-time buyers alive, so the run warns that the lost window overrides it.
    await page.selectOption('#model', 'bgnbd');
    await page.click('#run');

    await page.waitForFunction('/Reading rows [\\d,]+ \\/ 12,000/.test(document.getElementById("progressText").textContent)');
    await page.waitForSelector('#result table#tiers', { timeout: 60_000 });
    expect(await page.textContent('#progressText')).toBe('Done');
    const resultText = await page.textContent('#result');
    expect(resultText).toContain('Customer pyramid');
    expect(resultText).toMatch(/Platinum/);

    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'sidebar.png'), fullPage: true });
    if (updateDocs) copyFileSync(join(artifacts, 'sidebar.png'), join(repoRoot, 'docs/img/sidebar.png'));

    // Progress went through several reading chunks before scoring and writing.
    const phases = snapshots.map((s) => JSON.parse(s));
    const reading = phases.filter((p) => p.phase === 'reading' && p.done > 0).map((p) => p.done);
    expect(reading).toEqual([5000, 10000, 12000]);
    expect(phases.map((p) => p.phase).filter((p, i, a) => p !== a[i - 1])).toEqual(['reading', 'scoring', 'writing', 'done']);
    expect(progressSeen.length).toBeGreaterThan(1);

    // The panel fits the 300 px sidebar, and the run's warnings reach it.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(300);
    expect(await page.isHidden('#warnings')).toBe(false);

    // Results sheet: one row per customer, written in one setValues, with colour rules and a Summary chart.
    const book = services.book;
    const results = book.getSheetByName('Customer pyramid')!;
    const customers = new Set(orders.data.slice(1).map((r) => r[1])).size;
    expect(results).not.toBeNull();
    expect(results.data[0][0]).toBe('Customer');
    expect(results.getRange(1, 1, customers + 1, 1).getValues().slice(1).every((r) => typeof r[0] === 'string' && r[0] !== '')).toBe(true);
    expect(results.getMaxRows()).toBeLessThanOrEqual(customers + 2);
    expect(results.conditionalFormatRules.length).toBeGreaterThan(4);
    expect(book.calls.setValues).toBe(3 + 3); // three chunks saved to the run's state, then customers, summary, rejects
    const summary = book.getSheetByName('Pyramid summary')!;
    expect(summary.charts).toHaveLength(1);
    expect(summary.charts[0].type).toBe('bar');

    // Reloading the sidebar offers the mapping and settings of this run again.
    await page.reload();
    await page.waitForFunction('!document.getElementById("run").disabled');
    expect(await page.inputValue('#col-customer')).toBe('客户编号');
    expect(await page.inputValue('#horizon')).toBe('26');
    expect(await page.inputValue('#tierScheme')).toBe('zeithaml');

    await renderResultsSheet(results, summary, join(artifacts, 'results-sheet.png'));
    if (updateDocs) copyFileSync(join(artifacts, 'results-sheet.png'), join(repoRoot, 'docs/img/results-sheet.png'));
    await page.close();
  });

  it('Cancel stops the run before anything is written', async () => {
    const page = await browser.newPage({ viewport: { width: 300, height: 1000 } });
    let cancelled: () => void = () => {};
    const cancelSeen = new Promise<void>((r) => { cancelled = r; });
    await page.exposeFunction('__gas', async (name: string, argsJson: string) => {
      try {
        // The run starts only once Cancel was pressed, as if Cancel came during the first chunk.
        if (name === 'runSegmentation') await cancelSeen;
        const value = g[name](...JSON.parse(argsJson));
        if (name === 'cancelRun') cancelled();
        return JSON.stringify({ value: JSON.parse(JSON.stringify(value ?? null)) });
      } catch (e) {
        return JSON.stringify({ error: (e as Error).message });
      }
    });
    await page.addInitScript(STAND_IN);
    await page.goto('file://' + join(distDir, 'Sidebar.html'));
    await page.waitForFunction('!document.getElementById("run").disabled');
    const before = services.book.getSheetByName('Customer pyramid')!.data.length;
    const setValues = services.book.calls.setValues;
    await page.click('#run');
    await page.click('#cancel');
    await page.waitForFunction('/Cancelled/.test(document.getElementById("progressText").textContent)');
    expect(await page.textContent('#error')).toBe('');
    expect(await page.isHidden('#cancel')).toBe(true);
    expect(await page.isEnabled('#run')).toBe(true);
    expect(services.book.calls.setValues).toBe(setValues);
    expect(services.book.getSheetByName('Customer pyramid')!.data.length).toBe(before);
    await page.close();
  });

  it('speaks Chinese in a Chinese spreadsheet and shows server errors', async () => {
    const book = new FakeSpreadsheet('zh_CN', 'Asia/Shanghai');
    book.addSheet('空表', [['备注'], ['x']]);
    const zh = loadBundle(readFileSync(join(distDir, 'Code.js'), 'utf8'), makeServices(book, distDir));
    const page = await browser.newPage({ viewport: { width: 300, height: 800 } });
    await page.exposeFunction('__gas', async (name: string, argsJson: string) => {
      try {
        return JSON.stringify({ value: JSON.parse(JSON.stringify(zh[name](...JSON.parse(argsJson)) ?? null)) });
      } catch (e) {
        return JSON.stringify({ error: (e as Error).message });
      }
    });
    await page.addInitScript(STAND_IN);
    await page.goto('file://' + join(distDir, 'Sidebar.html'));
    await page.waitForFunction('!document.getElementById("run").disabled');
    expect(await page.textContent('#run')).toBe('运行');
    expect(await page.textContent('h2')).toBe('客户分层分级');
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(300);
    // No customer/date column recognised in this sheet: the sidebar asks for them.
    await page.fill('#asOf', '2024-07-01');
    await page.click('#run');
    expect(await page.textContent('#error')).toBe('请选择客户编号列和订单日期列。');
    // A server-side failure reaches the page through the failure handler.
    await page.evaluate(`(() => {
      const sel = document.getElementById('col-customer'); sel.value = '备注';
      const d = document.getElementById('col-date'); d.value = '备注';
    })()`);
    await page.click('#run');
    await page.waitForFunction('document.getElementById("error").textContent.length > 0');
    expect(await page.textContent('#error')).toMatch(/^空表: no amount column/);
    expect(await page.isEnabled('#run')).toBe(true);

    // An empty sheet: the panel says so, Run stays disabled, nothing throws.
    book.addSheet('没有数据', []);
    await page.reload();
    await page.waitForFunction('document.getElementById("sheet").options.length === 2');
    await page.selectOption('#sheet', '没有数据');
    await page.waitForFunction('/没有数据行/.test(document.getElementById("rows").textContent)');
    expect(await page.isDisabled('#run')).toBe(true);
    expect(await page.textContent('#error')).toBe('');
    await page.close();
  });

  it('in Chinese: "Use selection", a run stopped at the time limit continues by itself, results beside the data', async () => {
    const book = new FakeSpreadsheet('zh_CN', 'Asia/Shanghai');
    const lines = orderLines(ROWS, 6);
    const sheet = book.addSheet('销售明细', [
      ['备注', '客户编号', '下单时间', '实付金额'],
      ...lines.map((l, i) => [i === 0 ? '七月导出' : '', l.id, sheetDate(l.date, 8), l.amount]),
    ]);
    book.setActiveRange(sheet.getRange(1, 2, ROWS + 1, 3));
    const zh = loadBundle(readFileSync(join(distDir, 'Code.js'), 'utf8'), makeServices(book, distDir));
    const calls: string[] = [];
    const page = await browser.newPage({ viewport: { width: 300, height: 1100 } });
    await page.exposeFunction('__gas', async (name: string, argsJson: string) => {
      calls.push(name);
      // The first execution of the run is stopped by Apps Script's 6-minute limit after a few service calls.
      book.execution.msPerCall = name === 'runSegmentation' ? LIMITS.executionMs / 4 : 0;
      try {
        return JSON.stringify({ value: JSON.parse(JSON.stringify(zh[name](...JSON.parse(argsJson)) ?? null)) });
      } catch (e) {
        return JSON.stringify({ error: (e as Error).message });
      } finally {
        book.execution.msPerCall = 0;
      }
    });
    await page.addInitScript(STAND_IN);
    await page.goto('file://' + join(distDir, 'Sidebar.html'));
    await page.waitForFunction('document.getElementById("sheet").options.length === 1');
    await page.click('#useSelection');
    await page.waitForFunction(`document.getElementById("range").value === "B1:D${ROWS + 1}"`);
    await page.waitForFunction('!document.getElementById("run").disabled');
    expect(await page.inputValue('#col-customer')).toBe('客户编号');
    expect(await page.textContent('#rows')).toContain('12,000');
    await page.fill('#asOf', '2024-07-01');
    await page.selectOption('#model', 'bgnbd');
    await page.selectOption('#output', 'beside');
    expect(await page.isHidden('#outputSheetLabel')).toBe(true);
    await page.click('#run');
    await page.waitForSelector('#result table#tiers', { timeout: 60_000 });
    expect(await page.textContent('#error')).toBe('');
    expect(calls.filter((c) => c === 'runSegmentation')).toHaveLength(1);
    expect(calls).toContain('resumeRun');
    expect(await page.textContent('#result')).toContain('销售明细!F1:');
    expect(await page.textContent('#progressText')).toBe('完成');
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(300);
    // Beside the selection: column E stays empty, the table starts in F; the saved state is gone.
    expect(sheet.data[0].slice(0, 6)).toEqual(['备注', '客户编号', '下单时间', '实付金额', undefined, '客户编号']);
    expect(book.getSheets().map((x) => x.getName())).toEqual(['销售明细', '金字塔汇总', '被拒绝的行']);
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'sidebar-zh.png'), fullPage: true });
    if (updateDocs) copyFileSync(join(artifacts, 'sidebar-zh.png'), join(repoRoot, 'docs/img/sidebar-zh.png'));
    // Reloaded, the sidebar offers this run's mapping and choices again.
    await page.reload();
    await page.waitForFunction('!document.getElementById("run").disabled');
    expect(await page.inputValue('#col-customer')).toBe('客户编号');
    expect(await page.inputValue('#model')).toBe('bgnbd');
    expect(await page.inputValue('#output')).toBe('beside');
    await page.close();
  });

  /**
   * A preview of the results sheet, honestly labelled: the values, number formats, colour rules,
   * pyramid chart data and RFM grid the add-on wrote into the fake sheets, drawn as HTML.
   */
  async function renderResultsSheet(sheet: FakeSheet, summary: FakeSheet, path: string) {
    const esc = (s: unknown) => String(s ?? '').replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
    const num = (v: number, digits: number) => v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    // The number formats the add-on sets (results.ts FORMATS), applied as Sheets would show them.
    const show = (v: unknown, format?: string) => {
      if (typeof v !== 'number') return v;
      if (format === '0.0%') return `${num(100 * v, 1)}%`;
      if (format === '#,##0.00') return num(v, 2);
      if (format === '0.00') return num(v, 2);
      if (format === '0.0') return num(v, 1);
      return Number.isInteger(v) ? String(v) : num(v, 2);
    };
    const header = sheet.data[0] as string[];
    const keep = ['Customer', 'Transactions', 'Net spend', 'P(alive)', 'Expected purchases', 'CLV', 'Tier', 'RFM segment', 'R', 'F', 'M', 'Lifecycle stage', 'Churn risk', 'Value class'];
    const cols = keep.map((k) => header.indexOf(k)).filter((i) => i >= 0);
    const colour = (r: number, c: number) => sheet.conditionalFormatRules.find((x) => x.ranges[0].getColumn() === c + 1 && x.text === sheet.data[r]?.[c])?.background;
    const letter = (c: number) => (c >= 26 ? String.fromCharCode(64 + Math.floor(c / 26)) : '') + String.fromCharCode(65 + (c % 26));
    const rows = 20;
    let html = '<p class="caption">Preview, not a Google Sheets screenshot: drawn from the values, number formats, colour rules and chart data the add-on writes (test/addon/sidebar.test.ts). Frozen header, filter and banding are set but not drawn.</p>';
    html += '<table><tr><th></th>' + cols.map((c) => `<th>${letter(c)}</th>`).join('') + '</tr>';
    for (let r = 0; r < rows; r++) {
      html += `<tr><th>${r + 1}</th>` + cols.map((c) => {
        const bg = r === 0 ? '#f1f3f4' : colour(r, c);
        const v = show(sheet.data[r]?.[c], sheet.styles.get(`${r + 1},${c + 1},format`));
        return `<td style="${bg ? `background:${bg};` : ''}${r === 0 ? 'font-weight:bold;' : ''}${typeof sheet.data[r]?.[c] === 'number' ? 'text-align:right;' : ''}">${esc(v)}</td>`;
      }).join('') + '</tr>';
    }
    html += '</table><div class="row"><table>' + summary.data.slice(0, 14).map((row, r) => '<tr>' + row.slice(0, 4).map((v, c) =>
      `<td>${esc(show(v, summary.styles.get(`${r + 1},${c + 1},format`)))}</td>`).join('') + '</tr>').join('') + '</table>';
    const chart = summary.charts[0];
    const bars = chart.ranges[0].getValues().slice(1) as [string, number, number][];
    const most = Math.max(...bars.map((x) => x[2]));
    html += `<div class="chart"><b>${esc(chart.options.title)}</b>` + bars.map(([t, spacer, n]) =>
      `<div class="bar"><span>${esc(t)}</span><div class="track"><i style="margin-left:${(260 * spacer) / most}px;width:${(260 * n) / most}px"></i></div>${n}</div>`).join('') + '</div>';
    const gradient = summary.conditionalFormatRules.find((x) => x.gradient)!;
    const g = gradient.ranges[0];
    const grid = summary.getRange(g.getRow() - 2, g.getColumn() - 1, g.getNumRows() + 2, g.getNumColumns() + 1).getValues();
    const max = Math.max(...(g.getValues() as number[][]).flat());
    const heat = (n: number) => `rgba(230,124,115,${(n / max).toFixed(2)})`;
    html += '<table class="grid">' + grid.map((row, r) => '<tr>' + row.map((v, c) =>
      `<td style="${r >= 2 && c >= 1 ? `background:${heat(v as number)}` : 'font-weight:bold'}">${esc(v)}</td>`).join('') + '</tr>').join('') + '</table></div>';
    const page = await browser.newPage({ viewport: { width: 1500, height: 700 } });
    await page.setContent(`<!DOCTYPE html><meta charset="utf-8"><style>
      body{font:12px Arial,"WenQuanYi Micro Hei",sans-serif;margin:8px} table{border-collapse:collapse} .caption{margin:0 0 6px;color:#b06000;font-weight:bold}
      td,th{border:1px solid #e0e0e0;padding:2px 6px;white-space:nowrap} th{background:#f8f9fa;color:#5f6368;font-weight:normal}
      .row{display:flex;gap:16px;align-items:flex-start;margin-top:12px}
      .chart{border:1px solid #dadce0;padding:8px;width:420px} .bar{display:flex;align-items:center;gap:6px;margin:4px 0}
      .bar span{width:60px} .track{width:260px} .bar i{display:block;height:16px;background:#4285f4}
      .grid td{text-align:center;min-width:28px}</style>${html}`);
    await page.screenshot({ path, fullPage: true });
    await page.close();
    expect(readFileSync(path).length).toBeGreaterThan(1000);
  }
});
