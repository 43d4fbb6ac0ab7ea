import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import Papa from 'papaparse';
import { main } from '../../cli/cli.ts';

const root = resolve(import.meta.dirname, '../..');
let dir = '';
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'pyramid-out-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run the command in this process: exit code and what it wrote to stderr. */
async function pyramid(...args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => { stderr += String(s); return true; });
  try {
    const code = await main(args);
    return { code, stderr };
  } finally {
    spy.mockRestore();
  }
}

// 12 customers (one id starting with "=", one with "-"), a few purchases each.
function orders(): string {
  const lines = ['客户ID,订单日期,实付金额'];
  for (let c = 1; c <= 12; c++) {
    const id = c === 1 ? '=HYPERLINK("http://x")' : c === 2 ? '-7' : `客户${c}`;
    for (let k = 0; k <= c % 4; k++) lines.push(`"${id.replace(/"/g, '""')}",2024-${String(1 + ((c + 3 * k) % 11)).padStart(2, '0')}-${String(1 + ((7 * c + k) % 27)).padStart(2, '0')},${(c * 13 + k * 7) % 200 + 5}.5`);
  }
  return lines.join('\n') + '\n';
}

function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

const csvRows = (path: string) => Papa.parse<string[]>(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data;

describe('outputs', () => {
  it('refuses to overwrite an input with an output, before reading anything', async () => {
    const sub = join(dir, 'same');
    mkdirSync(sub);
    const input = join(sub, 'customers.csv');
    writeFileSync(input, orders());
    const before = readFileSync(input, 'utf8');
    const r = await pyramid('score', input, '--as-of', '2024-12-31', '--out', sub, '--summary-only');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^pyramid: refusing to write .*customers\.csv: it is the input .*customers\.csv; choose another --out folder\n$/);
    expect(readFileSync(input, 'utf8')).toBe(before);
    expect(existsSync(join(sub, 'summary.json'))).toBe(false);
    // The profile file is an input too.
    const cfg = join(sub, 'summary.json');
    writeFileSync(cfg, '{}');
    const other = file('orders-a.csv', orders());
    expect((await pyramid('score', other, '--as-of', '2024-12-31', '--config', cfg, '--out', sub)).code).toBe(2);
    expect(readFileSync(cfg, 'utf8')).toBe('{}');
  });

  it('--out . beside an input named customers.csv leaves the input alone (as typed in a shell)', () => {
    const sub = join(dir, 'dot');
    mkdirSync(sub);
    writeFileSync(join(sub, 'customers.csv'), orders());
    const before = readFileSync(join(sub, 'customers.csv'), 'utf8');
    const r = spawnSync(process.execPath, [join(root, 'bin/pyramid.mjs'), 'score', 'customers.csv', '--as-of', '2024-12-31', '--out', '.'], { cwd: sub, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(readFileSync(join(sub, 'customers.csv'), 'utf8')).toBe(before);
  });

  it('replaces a symlink at the destination instead of writing through it', async () => {
    const out = join(dir, 'linked');
    mkdirSync(out);
    const target = file('elsewhere.csv', 'do not touch');
    symlinkSync(target, join(out, 'customers.csv'));
    const r = await pyramid('score', file('orders-b.csv', orders()), '--as-of', '2024-12-31', '--out', out, '--summary-only');
    expect(r.code).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe('do not touch');
    expect(lstatSync(join(out, 'customers.csv')).isSymbolicLink()).toBe(false);
    expect(csvRows(join(out, 'customers.csv'))).toHaveLength(13);
  });

  it('writes a BOM by default and none with --no-bom; formula-like ids are neutralised', async () => {
    const input = file('orders-c.csv', orders());
    await pyramid('score', input, '--as-of', '2024-12-31', '--out', join(dir, 'bom'), '--summary-only');
    await pyramid('score', input, '--as-of', '2024-12-31', '--out', join(dir, 'nobom'), '--summary-only', '--no-bom');
    for (const f of ['customers.csv', 'rejects.csv']) {
      expect([...readFileSync(join(dir, 'bom', f)).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(readFileSync(join(dir, 'nobom', f)).subarray(0, 3).toString()).not.toContain('\uFEFF');
    }
    expect(readFileSync(join(dir, 'nobom', 'customers.csv'), 'utf8')).toMatch(/^customer_id,/);
    const ids = csvRows(join(dir, 'bom', 'customers.csv')).slice(1).map((r) => r[0]);
    expect(ids).toContain(`'=HYPERLINK("http://x")`);
    expect(ids).toContain("'-7");
    expect(ids.every((id) => !/^[=+\-@\t\r]/.test(id))).toBe(true);
  });

  it('--locale zh-CN localises the header row; detections name their file', async () => {
    const input = file('orders-d.csv', orders());
    const master = file('master.csv', '客户编号,客户类型\n客户3,企业\n');
    const out = join(dir, 'zh');
    const r = await pyramid('score', input, '--customers', master, '--as-of', '2024-12-31', '--out', out, '--locale', 'zh-CN');
    expect(r.code).toBe(0);
    const header = csvRows(join(out, 'customers.csv'))[0];
    expect(header.slice(0, 3)).toEqual(['客户编号', '首次购买日期', '最近购买日期']);
    expect(header).toContain('活跃概率');
    expect(header).toContain('金字塔层级');
    expect(header.some((h) => /^[a-z_]+$/.test(h) && h !== 'T')).toBe(false);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.detections.map((d: { kind: string; source: string }) => [d.kind, d.source])).toEqual([['transactions', 'orders-d.csv'], ['customers', 'master.csv']]);
    const only = join(dir, 'zh-summary');
    await pyramid('score', input, '--as-of', '2024-12-31', '--out', only, '--locale', 'zh-CN', '--summary-only');
    expect(csvRows(join(only, 'customers.csv'))[0]).toContain('净消费金额');
  });
});

describe('user errors: exit code 2 and one line', () => {
  const input = () => file('orders-e.csv', orders());
  const cases: [string, () => string[], RegExp][] = [
    ['a null profile', () => ['--config', file('null.json', 'null')], /null\.json: the profile must be a JSON object of settings, got null/],
    ['a nested typo in the profile', () => ['--config', file('typo.json', '{"rfm":{"bin":3}}')], /Invalid profile .*typo\.json: rfm\.bin: unknown field \(did you mean bins\?\)/],
    ['inverted thresholds', () => ['--config', file('inv.json', '{"churn":{"highRiskPAlive":0.9,"lowRiskPAlive":0.5}}')], /churn\.highRiskPAlive: must not exceed churn\.lowRiskPAlive/],
    ['a profile that is not JSON', () => ['--config', file('bad.json', '{"asOf": ')], /bad\.json: not valid JSON/],
    ['a missing profile', () => ['--config', join(dir, 'absent.json')], /absent\.json: cannot read the profile \(ENOENT\)/],
    ['--horizon abc', () => ['--horizon', 'abc'], /--horizon must be a number, got "abc"/],
    ['--margin 2', () => ['--margin', '2'], /Invalid settings: --margin: expected a number from 0 to 1, got 2/],
    ['--discount-rate Infinity', () => ['--discount-rate', 'Infinity'], /--discount-rate must be a number/],
    ['--time-unit year', () => ['--time-unit', 'year'], /--time-unit: expected one of "day", "week", "month", got "year"/],
    ['--map with an unknown role', () => ['--map', 'custmer=1'], /--map custmer: unknown role \(did you mean customer\?\)/],
    ['--locale fr', () => ['--locale', 'fr'], /--locale: expected one of "en", "zh-CN", got "fr"/],
    ['an unknown flag', () => ['--bogus'], /Unknown option '--bogus'/],
    ['--out naming a file', () => ['--out', file('a-file.txt', 'x')], /--out .*a-file\.txt: is a file, not a folder/],
  ];
  for (const [name, extra, want] of cases) {
    it(name, async () => {
      const r = await pyramid('score', input(), '--as-of', '2024-12-31', '--out', join(dir, 'never'), ...extra());
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(want);
      expect(r.stderr.endsWith('\n') && r.stderr.indexOf('\n') === r.stderr.length - 1).toBe(true);
      expect(existsSync(join(dir, 'never', 'summary.json'))).toBe(false);
    });
  }

  it('a missing input file', async () => {
    const r = await pyramid('score', join(dir, 'nope.csv'), '--as-of', '2024-12-31', '--out', join(dir, 'never'));
    expect(r).toEqual({ code: 2, stderr: expect.stringMatching(/nope\.csv: cannot be read \(ENOENT\)\n$/) });
  });
});
