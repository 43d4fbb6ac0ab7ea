/**
 * The add-on as built: Code.js must be one classic ES2020 script whose only top-level functions
 * are the public entry points, and must run in a bare V8 context holding only Apps Script fakes.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as acorn from 'acorn';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAddon } from '../../addon/build.ts';
import { FakeSpreadsheet, loadBundle, makeServices } from './fakes.ts';
import { orderLines, sheetDate } from './data.ts';

const repoRoot = resolve(import.meta.dirname, '../..');
const CUSTOM = ['PYRAMID_SCORES', 'PYRAMID_RFM', 'PYRAMID_CLV', 'PYRAMID_TIER', 'PYRAMID_RETENTION', 'PYRAMID_NPS', 'PYRAMID_CSAT', 'PYRAMID_SATISFACTION'];
const SERVER = ['onOpen', 'onInstall', 'showSidebar', 'showHelp', 'insertSampleData', 'getSheetInfo', 'getSelection', 'detectColumns', 'runSegmentation', 'resumeRun', 'getProgress', 'cancelRun'];

let code = '';
let distDir = '';
beforeAll(async () => {
  distDir = mkdtempSync(join(tmpdir(), 'addon-dist-'));
  code = (await buildAddon(distDir)).code;
});

function sandbox(book = new FakeSpreadsheet()) {
  const services = makeServices(book, distDir);
  return { services, g: loadBundle(code, services) };
}

describe('built Code.js', () => {
  it('parses as an ES2020 classic script (no import/export, no newer syntax)', () => {
    expect(() => acorn.parse(code, { ecmaVersion: 2020, sourceType: 'script' })).not.toThrow();
    const ast = acorn.parse(code, { ecmaVersion: 2020, sourceType: 'script' }) as unknown as acorn.Program;
    expect(ast.body.some((n) => n.type === 'ImportDeclaration' || n.type.startsWith('Export'))).toBe(false);
  });

  it('reads no global in the models\' inner loops: Infinity is written 1 / 0, Math and typed arrays are bundle-local', () => {
    // A free global is slow where the global object is proxied (node:vm, where Infinity alone made
    // the fits several times slower); builtins.ts and build.ts's minifySyntax keep them local.
    const names = new Set<string>();
    for (const t of acorn.tokenizer(code, { ecmaVersion: 2020 })) if (t.type.label === 'name') names.add(String((t as { value?: unknown }).value));
    expect(names.has('Infinity')).toBe(false);
    expect(code).toMatch(/\bM = globalThis\.Math\b/);
    expect(code).toMatch(/\bF64 = globalThis\.Float64Array\b/);
  });

  it('exposes exactly the public entry points as top-level functions, custom ones with @customfunction', () => {
    const comments: acorn.Comment[] = [];
    const ast = acorn.parse(code, { ecmaVersion: 2020, sourceType: 'script', onComment: comments }) as unknown as acorn.Program;
    const fns = ast.body.filter((n): n is acorn.FunctionDeclaration => n.type === 'FunctionDeclaration');
    expect(fns.map((f) => f.id.name).sort()).toEqual([...CUSTOM, ...SERVER].sort());
    // Everything else at top level is the one bundle variable (after a 'use strict' directive).
    const others = ast.body.filter((n) => n.type !== 'FunctionDeclaration' && !(n.type === 'ExpressionStatement' && n.directive === 'use strict'));
    expect(others.map((n) => n.type)).toEqual(['VariableDeclaration']);
    expect((others[0] as acorn.VariableDeclaration).declarations.map((d) => (d.id as acorn.Identifier).name)).toEqual(['CustomerPyramid']);
    for (const f of fns) {
      const doc = comments.filter((c) => c.type === 'Block' && c.end <= f.start).pop();
      const adjacent = doc !== undefined && code.slice(doc.end, f.start).trim() === '';
      if (CUSTOM.includes(f.id.name)) {
        expect(adjacent, `${f.id.name} has a JSDoc block`).toBe(true);
        expect(doc!.value).toContain('@customfunction');
        for (const p of f.params) expect(doc!.value).toContain(`@param {any} ${(p as acorn.Identifier).name} `);
      } else if (adjacent) {
        expect(doc!.value, `${f.id.name} is no custom function`).not.toContain('@customfunction');
      }
    }
  });

  it('ships appsscript.json with V8 and exactly the two minimal scopes, and a clasp project rooted at dist', () => {
    const manifest = JSON.parse(readFileSync(join(distDir, 'appsscript.json'), 'utf8'));
    expect(manifest.runtimeVersion).toBe('V8');
    // An Editor add-on: the addOns block belongs to Workspace (card) add-ons only.
    expect(manifest.addOns).toBeUndefined();
    expect(manifest.oauthScopes).toEqual([
      'https://www.googleapis.com/auth/spreadsheets.currentonly',
      'https://www.googleapis.com/auth/script.container.ui',
    ]);
    const clasp = JSON.parse(readFileSync(join(repoRoot, 'addon/.clasp.json'), 'utf8'));
    expect(resolve(repoRoot, 'addon', clasp.rootDir)).toBe(join(repoRoot, 'addon/dist'));
    expect(readFileSync(join(distDir, 'Sidebar.html'), 'utf8')).toContain('google.script.run');
  });

  it('loads in a bare context: no Node or browser globals are present or needed', () => {
    const { g } = sandbox();
    for (const name of ['process', 'Buffer', 'require', 'TextDecoder', 'TextEncoder', 'setTimeout', 'window', 'console']) {
      expect(typeof (g as Record<string, unknown>)[name], name).toBe('undefined');
    }
    for (const name of [...CUSTOM, ...SERVER]) expect(typeof g[name], name).toBe('function');
  });

  it('adds the menu and opens the sidebar, in Chinese for a zh spreadsheet', () => {
    const { g, services } = sandbox(new FakeSpreadsheet('zh_CN'));
    g.onOpen({ authMode: 'FULL' });
    expect(services.ui.menus).toEqual([{ name: 'Add-ons', items: [['客户分层分级…', 'showSidebar'], ['插入示例数据', 'insertSampleData'], ['帮助 / 关于', 'showHelp']] }]);
    g.showHelp();
    expect(services.ui.dialogs[0][1]).toBe('客户金字塔');
    expect(services.ui.dialogs[0][0].getContent()).toContain('PYRAMID_SCORES');
    g.showSidebar();
    expect(services.ui.sidebars).toHaveLength(1);
    expect(services.ui.sidebars[0].title).toBe('客户金字塔');
    expect(services.ui.sidebars[0].getContent()).toContain('id="run"');
  });
});

describe('custom functions in the sandbox', () => {
  const lines = orderLines(3000, 11);
  const ids = lines.map((l) => [l.id]);
  const dates = lines.map((l) => [sheetDate(l.date, 8)]); // Shanghai midnight, as Sheets delivers it
  const amounts = lines.map((l) => [l.amount]);

  it('PYRAMID_RFM spills a header and one row per customer with scores in 1..bins', () => {
    const { g } = sandbox();
    const out = g.PYRAMID_RFM(ids, dates, amounts, '2024-07-01', 4) as unknown[][];
    const customers = new Set(lines.map((l) => l.id));
    expect(out[0]).toEqual(['Customer', 'R', 'F', 'M', 'Segment']);
    expect(out.length - 1).toBe(customers.size);
    for (const row of out.slice(1)) {
      expect(customers.has(row[0] as string)).toBe(true);
      for (const s of row.slice(1, 4)) expect(s).toBeGreaterThanOrEqual(1), expect(s).toBeLessThanOrEqual(4);
      expect(typeof row[4]).toBe('string');
    }
  });

  it('treats a date cell and the same day as text alike, and honours the sheet time zone', () => {
    const { g } = sandbox();
    const asText = g.PYRAMID_CLV(ids, lines.map((l) => [l.date]), amounts, '2024-07-01');
    const asDates = g.PYRAMID_CLV(ids, dates, amounts, [[sheetDate('2024-07-01', 8)]]);
    expect(JSON.stringify(asDates)).toBe(JSON.stringify(asText));
  });

  it('names the bad argument in every error', () => {
    const { g } = sandbox();
    expect(() => g.PYRAMID_RFM(ids, dates, amounts, '')).toThrow(/^PYRAMID_RFM: as_of must be a date/);
    expect(() => g.PYRAMID_CLV(ids, dates, amounts, 'yesterday')).toThrow(/^PYRAMID_CLV: as_of must be a date/);
    expect(() => g.PYRAMID_CLV(ids, dates, amounts, '2024-02-30')).toThrow(/as_of must be a date/);
    expect(() => g.PYRAMID_CLV(ids, dates.slice(1), amounts, '2024-07-01')).toThrow(/PYRAMID_CLV: dates has \d+ cells but ids has/);
    expect(() => g.PYRAMID_CLV(ids, dates, amounts, '2024-07-01', -1)).toThrow(/PYRAMID_CLV: horizon must be/);
    expect(() => g.PYRAMID_CLV(ids, dates, amounts, '2024-07-01', 52, 0.1, 2)).toThrow(/PYRAMID_CLV: margin must be/);
    expect(() => g.PYRAMID_CLV(ids, dates, amounts, '2024-07-01', 52, 0.1, 1, 'fortnight')).toThrow(/PYRAMID_CLV: time_unit must be one of/);
    expect(() => g.PYRAMID_RFM(ids, dates, amounts, '2024-07-01', 1)).toThrow(/PYRAMID_RFM: bins must be/);
    expect(() => g.PYRAMID_RFM([[1, 2], [3, 4]], dates, amounts, '2024-07-01')).toThrow(/PYRAMID_RFM: ids must be a single column or row/);
    expect(() => g.PYRAMID_TIER([[1], ['x']])).toThrow(/PYRAMID_TIER: values row 2 is not a number/);
    expect(() => g.PYRAMID_TIER([[1]], 'gold')).toThrow(/PYRAMID_TIER: scheme must be one of/);
    expect(() => g.PYRAMID_NPS([[11]])).toThrow(/PYRAMID_NPS: scores row 1 must be a number from 0 to 10/);
    expect(() => g.PYRAMID_CSAT([['']])).toThrow(/PYRAMID_CSAT: scores has no answers/);
    expect(() => g.PYRAMID_SATISFACTION([[5]], '', [['maybe']], '')).toThrow(/PYRAMID_SATISFACTION: will_return row 1 must be yes or no/);
    expect(() => g.PYRAMID_RETENTION(ids, dates, '2024-07-01', 'decade')).toThrow(/PYRAMID_RETENTION: period must be one of/);
    expect(() => g.PYRAMID_RFM([['a'], ['b']], [['soon'], ['2024-01-01']], [[1], [-5]], '2024-07-01'))
      .toThrow(/^PYRAMID_RFM: no usable rows in the ranges \(first problem: row 1: /);
  });

  it('PYRAMID_SCORES keeps numeric ids numeric and speaks the sheet\'s language', () => {
    const { g } = sandbox(new FakeSpreadsheet('zh_CN'));
    const numeric = lines.map((l) => [Number(l.id.slice(1))]);
    const out = g.PYRAMID_SCORES(numeric, dates, amounts, '2024/07/01', 'model=bgnbd') as unknown[][];
    expect(out[0][0]).toBe('客户编号');
    expect(out[0]).toContain('活跃概率');
    expect(out.slice(1).every((r) => typeof r[0] === 'number')).toBe(true);
    const en = g.PYRAMID_SCORES(ids, dates, amounts, '2024-07-01', [['locale', 'en'], ['model', 'bgnbd']]) as unknown[][];
    expect(en[0].slice(0, 2)).toEqual(['Customer', 'First purchase']);
    expect(en.slice(1).every((r) => typeof r[0] === 'string')).toBe(true);
    expect(() => g.PYRAMID_SCORES(ids, dates, amounts, '2024-07-01', 'horizon=26; discont=0.1')).toThrow(/PYRAMID_SCORES: unknown option "discont" \(known: horizon, discount/);
    expect(() => g.PYRAMID_SCORES(ids, dates, amounts, '2024-07-01', 'horizon 26')).toThrow(/options must be "key=value; …"/);
    expect(() => g.PYRAMID_SCORES(ids, dates, amounts, '2024-07-01', [[1, 2, 3]])).toThrow(/two-column range/);
    expect(() => g.PYRAMID_SCORES(ids, dates, amounts, '2024-07-01', 'model=magic')).toThrow(/model must be one of/);
  });

  it('as_of accepts what the date columns accept: date cells, serials, 2024/07/01, 7/1/2024 in the sheet\'s order', () => {
    const { g } = sandbox();
    const want = JSON.stringify(g.PYRAMID_RFM(ids, dates, amounts, '2024-07-01'));
    for (const asOf of ['2024/07/01', '2024/7/1', '7/1/2024', 45474, '45474', '20240701', '2024年7月1日', [[sheetDate('2024-07-01', 8)]]]) {
      expect(JSON.stringify(g.PYRAMID_RFM(ids, dates, amounts, asOf)), JSON.stringify(asOf)).toBe(want);
    }
    // A German sheet reads 1/7/2024 day first; a day above 12 settles the order whatever the locale.
    const de = sandbox(new FakeSpreadsheet('de_DE')).g;
    expect(JSON.stringify(de.PYRAMID_RFM(ids, dates, amounts, '1/7/2024'))).toBe(want);
    expect(JSON.stringify(g.PYRAMID_RFM(ids, dates, amounts, '6/30/2024'))).toBe(JSON.stringify(de.PYRAMID_RFM(ids, dates, amounts, '30/6/2024')));
  });

  it('PYRAMID_TIER reads amounts as the amount column does; rates above 1 are refused unless written as %', () => {
    const { g } = sandbox();
    expect(g.PYRAMID_TIER([['¥50'], ['1,234.50'], ['(12.00)'], [7]], 'zeithaml')).toEqual(g.PYRAMID_TIER([[50], [1234.5], [-12], [7]], 'zeithaml'));
    expect(() => g.PYRAMID_CLV(ids, dates, amounts, '2024-07-01', 52, 10)).toThrow(/PYRAMID_CLV: discount_rate must be from 0 to 1 \(0.1 = 10 %\), got 10; write "10%"/);
    expect(JSON.stringify(g.PYRAMID_CLV(ids, dates, amounts, '2024-07-01', 52, '10%'))).toBe(JSON.stringify(g.PYRAMID_CLV(ids, dates, amounts, '2024-07-01', 52, 0.1)));
  });

  it('PYRAMID_NPS and PYRAMID_CSAT follow the standard definitions', () => {
    const { g } = sandbox();
    // 3 promoters (9, 10, 9), 2 passives (7, 8), 5 detractors (0..6) → (3 − 5) / 10 = −20
    expect(g.PYRAMID_NPS([[9], [10], [9], [7], [8], [0], [3], [6], [6], [1], ['']])).toBeCloseTo(-20, 12);
    // 4 of 6 answers are 4–5 → 66.67 %
    expect(g.PYRAMID_CSAT([[5, 4, 4, 5, 1, 3]])).toBeCloseTo((100 * 4) / 6, 12);
  });

  it('PYRAMID_SATISFACTION climbs the ladder row by row, with Chinese labels on request', () => {
    const { g } = sandbox();
    const csat = [[2], [4], [5], [5], ['']];
    const nps = [[''], [''], [''], [10], ['']];
    const ret = [['no'], ['no'], ['yes'], ['是'], ['']];
    const rec = [[''], [''], ['no'], [''], ['']];
    expect(g.PYRAMID_SATISFACTION(csat, nps, ret, rec)).toEqual([[0], [1], [2], [3], ['']]);
    expect((g.PYRAMID_SATISFACTION(csat, nps, ret, rec, 'zh-CN') as string[][])[3][0]).toBe('我满意，不仅我会来，还会推荐朋友来');
  });

  it('PYRAMID_SATISFACTION reads every yes/no word the survey files accept (one word list)', () => {
    const { g } = sandbox();
    const words = [['对'], ['ja'], ['oui'], ['是的'], ['不'], ['nein'], ['不是'], [true]];
    const csat = words.map(() => [5]);
    expect(g.PYRAMID_SATISFACTION(csat, '', words, '')).toEqual([[2], [2], [2], [2], [1], [1], [1], [2]]);
  });

  it('PYRAMID_TIER returns one tier per input row, blanks stay blank', () => {
    const { g } = sandbox();
    const values: (number | string)[][] = Array.from({ length: 20 }, (_, i) => [100 - i]);
    values.splice(3, 0, ['']);
    const out = (g.PYRAMID_TIER(values, 'zeithaml') as string[][]).map((r) => r[0]);
    expect(out).toHaveLength(21);
    // 20 values: top 5 % = 1 platinum, ≤ 20 % = 3 more gold, ≤ 50 % = 6 iron, rest lead
    expect(out.filter((t) => t === 'Platinum')).toHaveLength(1);
    expect(out[0]).toBe('Platinum');
    expect(out[3]).toBe('');
    expect(out.filter((t) => t === 'Gold')).toHaveLength(3);
    expect(out.filter((t) => t === 'Iron')).toHaveLength(6);
    expect(out.filter((t) => t === 'Lead')).toHaveLength(10);
    expect((g.PYRAMID_TIER(values, 'zeithaml', 'zh') as string[][])[0][0]).toBe('铂金');
  });

  it('PYRAMID_RETENTION counts customers active in a month and in the next', () => {
    const { g } = sandbox();
    const rid = [['a'], ['a'], ['b'], ['b'], ['c'], ['d']];
    const rdates = [['2024-01-05'], ['2024-02-10'], ['2024-01-20'], ['2024-03-01'], ['2024-02-02'], ['2024-03-15']];
    const out = g.PYRAMID_RETENTION(rid, rdates, '2024-03-31', 'month') as unknown[][];
    expect(out[0]).toEqual(['Period', 'Active', 'Retained', 'Retention rate', 'Churn rate']);
    // Jan: a, b active; a buys again in Feb → 1/2. Feb: a, c active; none in Mar → 0/2. Mar is the last period.
    expect(out.slice(1)).toEqual([['2024-01', 2, 1, 0.5, 0.5], ['2024-02', 2, 0, 0, 1]]);
  });
});

describe('sidebar server calls in the sandbox', () => {
  function book(rows: number, locale = 'zh_CN') {
    const b = new FakeSpreadsheet(locale, 'Asia/Shanghai');
    const lines = orderLines(rows, 9);
    b.addSheet('订单', [['客户编号', '订单日期', '金额', '状态'], ...lines.map((l, i) => [l.id, sheetDate(l.date, 8), l.amount, i % 50 === 0 ? '已取消' : '已完成'])]);
    return { b, lines };
  }

  it('lists sheets and detects Chinese columns with an as-of suggestion', () => {
    const { b, lines } = book(300);
    const { g } = sandbox(b);
    const info = g.getSheetInfo() as { sheets: { name: string; rows: number }[]; active: string; locale: string };
    expect(info.sheets).toEqual([{ name: '订单', rows: 301, columns: 4 }]);
    expect(info.active).toBe('订单');
    expect(info.locale).toBe('zh-CN');
    const cols = g.detectColumns('订单') as { roles: Record<string, string>; rows: number; lastDate: string; sample: string[][] };
    expect(cols.roles).toMatchObject({ customer: '客户编号', date: '订单日期', amount: '金额', status: '状态' });
    expect(cols.rows).toBe(300);
    expect(cols.lastDate).toBe(lines.map((l) => l.date).sort().pop());
    expect(cols.sample[0][1]).toBe(lines[0].date);
  });

  it('runs in chunks, keeps progress in the cache, and writes a Chinese results sheet once per run', () => {
    const { b } = book(11_000);
    const { g, services } = sandbox(b);
    const opts = { runId: 'r1', sheetName: '订单', columns: { customer: '客户编号', date: '订单日期', amount: '金额', status: '状态' }, asOf: '2024-07-01', timeUnit: 'week', horizon: 52, discountRate: 0.1, tierScheme: 'ibm' };
    const before = b.calls.getValues;
    const r = g.runSegmentation(opts) as { sheetName: string; customers: number; rowsRead: number; rowsRejected: number; tiers: { label: string }[] };
    expect(b.calls.getValues - before).toBe(1 + 3); // header, then 5,000 + 5,000 + 1,000 rows (ingested as read: no read-back)
    expect(r.sheetName).toBe('客户金字塔');
    expect(r.rowsRead).toBe(11_000);
    expect(r.tiers.map((t) => t.label)).toEqual(['钻石', '黄金', '白银', '其他']);
    const p = g.getProgress('r1') as { phase: string; done: number; total: number };
    expect(p).toMatchObject({ phase: 'done', done: 11_000, total: 11_000 });
    const out = b.getSheetByName('客户金字塔')!;
    expect(out.data.filter((row) => typeof row[0] === 'string' && /^C\d+$/.test(row[0])).length).toBe(r.customers);
    // A finished sheet: Chinese headers, frozen, filtered, banded, number formats, colour rules by value.
    expect(out.data[0].slice(0, 2)).toEqual(['客户编号', '首次购买日期']);
    expect(out.frozenRows).toBe(1);
    expect(out.filter?.getNumRows()).toBe(r.customers + 1);
    expect(out.bandings).toHaveLength(1);
    const pAliveCol = (out.data[0] as string[]).indexOf('活跃概率') + 1;
    expect(out.styles.get(`2,${pAliveCol},format`)).toBe('0.0%');
    const rules = out.conditionalFormatRules;
    expect(rules.map((x) => x.text)).toEqual(expect.arrayContaining(['钻石', '黄金', '白银', '其他']));
    expect(rules.length).toBeGreaterThan(4 + 5); // tiers and segments
    expect(rules.every((x) => x.ranges.length === 1 && x.ranges[0].getNumRows() === r.customers)).toBe(true);
    expect(new Set(rules.map((x) => x.background)).size).toBeGreaterThanOrEqual(5);
    // Summary: as-of, counts, warnings (the cancelled orders), tiers and a chart; rejects listed by row.
    const summary = b.getSheetByName('金字塔汇总')!;
    const text = summary.data.map((row) => row.join(' ')).join('\n');
    expect(text).toContain('截至日期 2024-07-01');
    expect(text).toContain('读取行数 11000');
    expect(summary.charts).toHaveLength(1);
    // The chart is a pyramid (stacked bars centred by an invisible spacer), tiers top down.
    const chart = summary.charts[0];
    expect(chart.stacked).toBe(true);
    expect((chart.options.series as Record<number, { color: string }>)[0].color).toBe('transparent');
    const bars = chart.ranges[0].getValues() as (string | number)[][];
    expect(bars.slice(1).map((x) => x[0])).toEqual(['钻石', '黄金', '白银', '其他']);
    bars.slice(1).forEach((x) => expect(2 * (x[1] as number) + (x[2] as number)).toBe(Math.max(...bars.slice(1).map((y) => y[2] as number))));
    // The RFM heat-grid: customers per R × F, every customer once, coloured by a gradient rule.
    const gradient = summary.conditionalFormatRules.find((x) => x.gradient)!;
    const cells = gradient.ranges[0].getValues() as number[][];
    expect(cells).toHaveLength(5);
    expect(cells.flat().reduce((a, b) => a + b, 0)).toBe(r.customers);
    const rejects = b.getSheetByName('被拒绝的行')!;
    expect(rejects.data[0]).toEqual(['行', '列', '原因', '值']);
    expect(rejects.data.length - 1).toBe(r.rowsRejected);
    expect(r.rowsRejected).toBe(220); // every 50th line is cancelled
    // A second run replaces the sheets, rules, filter, banding and chart instead of adding more.
    g.runSegmentation({ ...opts, runId: 'r2' });
    expect(b.getSheets().map((s) => s.getName())).toEqual(['订单', '客户金字塔', '金字塔汇总', '被拒绝的行']);
    expect(summary.charts).toHaveLength(1);
    expect(out.bandings).toHaveLength(1);
    expect(out.conditionalFormatRules).toHaveLength(rules.length);
    expect(services.cache.get('pyramid-progress:r2')).toContain('"done"');
  });

  it('a cancelled run stops at the next chunk and writes nothing', () => {
    const { b } = book(12_000);
    const { g, services } = sandbox(b);
    // Cancel arrives while the second chunk is read (the sidebar's Cancel button calls cancelRun).
    let reads = 0;
    const put = services.cache.put.bind(services.cache);
    services.cache.put = (k: string, v: string, ttl?: number) => {
      put(k, v, ttl);
      if (k === 'pyramid-progress:c' && JSON.parse(v).phase === 'reading' && JSON.parse(v).done > 0 && ++reads === 1) g.cancelRun('c');
    };
    expect(() => g.runSegmentation({ runId: 'c', sheetName: '订单', columns: {}, asOf: '2024-07-01' })).toThrow(/runSegmentation: cancelled; nothing was written/);
    expect(g.getProgress('c')).toMatchObject({ phase: 'cancelled' });
    expect(b.getSheets().map((s) => s.getName())).toEqual(['订单']);
  });

  it('remembers the column mapping and settings per document, and says when a sheet is empty', () => {
    const { b } = book(300);
    b.addSheet('空表', []);
    const { g, services } = sandbox(b);
    expect(g.detectColumns('空表')).toMatchObject({ rows: 0, headers: [], saved: null });
    expect(() => g.runSegmentation({ runId: 'e', sheetName: '空表', columns: {}, asOf: '2024-07-01' })).toThrow(/runSegmentation: sheet "空表" has no data rows/);
    const first = g.detectColumns('订单') as { saved: unknown };
    expect(first.saved).toBeNull();
    g.runSegmentation({ runId: 's', sheetName: '订单', columns: { customer: '客户编号', date: '订单日期', amount: '金额' }, asOf: '2024-07-01', margin: 0.3, model: 'bgnbd', tierScheme: 'pareto', horizon: 26 });
    expect([...services.documentProperties.store.keys()]).toEqual(['pyramid-settings:订单']);
    const again = g.detectColumns('订单') as { roles: Record<string, string>; saved: Record<string, unknown> };
    expect(again.saved).toMatchObject({ margin: 0.3, model: 'bgnbd', tierScheme: 'pareto', horizon: 26, columns: { customer: '客户编号', date: '订单日期', amount: '金额' } });
    expect(again.roles.customer).toBe('客户编号');
  });

  it('reports bad input by name and marks the run failed', () => {
    const { b } = book(50);
    const { g } = sandbox(b);
    expect(() => g.runSegmentation({ runId: 'x', sheetName: 'Nope', columns: {}, asOf: '2024-07-01' })).toThrow(/runSegmentation: no sheet named "Nope"/);
    expect(() => g.runSegmentation({ runId: 'y', sheetName: '订单', columns: { customer: '客户编号' }, asOf: '' })).toThrow(/as_of must be a date/);
    expect(g.getProgress('y')).toMatchObject({ phase: 'failed' });
    expect(() => g.runSegmentation({ runId: 'z', sheetName: '订单', columns: { customer: '没有这列' }, asOf: '2024-07-01' })).toThrow(/没有这列/);
  });
});
