import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseCli } from '../../cli/cli.ts';
import { runScore } from '../../cli/score.ts';

const root = resolve(import.meta.dirname, '../..');
let dir = '';
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'pyramid-cli-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) => spawnSync(process.execPath, [join(root, 'bin/pyramid.mjs'), ...args], { encoding: 'utf8', cwd: dir });

describe('argument parsing', () => {
  it('maps flags onto profile fields', () => {
    const a = parseCli(['score', 'a.csv', 'b.csv', '--as-of', '2024-01-31', '--time-unit', 'month', '--map', 'customer=会员ID,date=3', '--delimiter', 'tab', '--dedupe', '--margin', '0.3', '--customers', 'c.csv']);
    expect(a).toMatchObject({ help: false, files: ['a.csv', 'b.csv'], customers: ['c.csv'], overrides: { asOf: '2024-01-31', timeUnit: 'month', columns: { customer: '会员ID', date: 3 }, delimiter: '\t', dedupe: true, margin: 0.3 } });
    expect(parseCli(['--help']).help).toBe(true);
    expect(() => parseCli(['score', 'a.csv', '--margin', 'lots'])).toThrow(/--margin must be a number/);
    expect(() => parseCli(['score', 'a.csv', '--map', 'customer'])).toThrow(/ROLE=COLUMN/);
  });
  it('maps the per-table maps, status map, date order and date window', () => {
    const a = parseCli(['score', 'a.csv', '--as-of', '2024-01-31', '--customers-map', 'customer=Kunde,name=2', '--survey-map', 'customer=Wer',
      '--status-map', '0=unpaid,1=kept,交易关闭=cancelled', '--date-order', 'dmy', '--date-from', '1980-01-01']);
    expect(a).toMatchObject({ overrides: {
      customerColumns: { customer: 'Kunde', name: 2 }, surveyColumns: { customer: 'Wer' }, statuses: { 0: 'unpaid', 1: 'kept', 交易关闭: 'cancelled' },
      dateOrder: 'DMY', dateWindow: { from: '1980-01-01' },
    } });
    expect(() => parseCli(['score', 'a.csv', '--date-order', 'DDMM'])).toThrow(/--date-order must be DMY, MDY or YMD/);
    expect(() => parseCli(['score', 'a.csv', '--status-map', 'paid'])).toThrow(/VALUE=kept\|cancelled\|refunded\|unpaid/);
  });
});

// 30 customers with a few purchases each, so the models have something to fit.
function orders(): string {
  const lines = ['客户ID,订单日期,实付金额,订单状态'];
  for (let c = 1; c <= 30; c++) {
    for (let k = 0; k < (c % 5) + 1; k++) lines.push(`C${c},2024-${String(1 + ((c + k * 3) % 11)).padStart(2, '0')}-${String(1 + ((c * 7 + k) % 27)).padStart(2, '0')},"¥${(c * 13 + k * 7) % 200 + 5}.50",交易成功`);
  }
  lines.push(',2024-01-05,10,交易成功');
  lines.push('C1,2024-02-30,10,交易成功');
  return lines.join('\n') + '\n';
}

describe('pyramid score', () => {
  it('writes customers.csv, rejects.csv and summary.json', () => {
    const f = join(dir, 'orders.csv');
    writeFileSync(f, orders());
    const r = run(['score', f, '--as-of', '2024-12-31', '--out', join(dir, 'out'), '--locale', 'en']);
    expect(r.stderr).toMatch(/rows read/);
    expect(r.status).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'out/summary.json'), 'utf8'));
    expect(summary.rows.read).toBe(summary.rows.accepted + summary.rows.rejected);
    expect(summary.rows).toEqual({ read: 92, accepted: 90, rejected: 2 });
    expect(summary.customers).toBe(30);
    expect(summary.detections[0]).toMatchObject({ encoding: 'utf-8', dateOrder: 'YMD', columns: { customer: '客户ID', date: '订单日期', amount: '实付金额' } });
    expect(summary.rejectReasons).toEqual({ 'missing-customer-id': 1, 'bad-date': 1 });
    const customers = readFileSync(join(dir, 'out/customers.csv'), 'utf8').trim().split('\n');
    expect(customers).toHaveLength(31);
    expect(customers[0]).toMatch(/^customer_id,/);
    const rejects = readFileSync(join(dir, 'out/rejects.csv'), 'utf8').trim().split('\n');
    expect(rejects[0]).toBe('source,line,column,reason,message,value');
    expect(rejects).toHaveLength(3);
  });
  it('summary-only output holds the per-customer summary', async () => {
    const f = join(dir, 'orders2.csv');
    writeFileSync(f, orders());
    const { summary, outDir } = await runScore({ files: [f], overrides: { asOf: '2024-12-31', timeUnit: 'day' }, out: join(dir, 'out2'), summaryOnly: true });
    expect(summary.customers).toBe(30);
    const lines = readFileSync(join(outDir, 'customers.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('customer_id,first_purchase,last_purchase,transactions,frequency,recency,T,first_spend,repeat_spend,mean_repeat_spend,total_spend,returns,net_spend,holdout_transactions,holdout_spend');
    expect(lines).toHaveLength(31);
  });
  it('reads a JSON profile and lets flags override it', async () => {
    const f = join(dir, 'nohead.txt');
    writeFileSync(f, 'x 20240101 5\ny 20240102 6\n');
    const cfg = join(dir, 'profile.json');
    writeFileSync(cfg, JSON.stringify({ asOf: '2023-01-01', columns: { customer: 1, date: 2, amount: 3 } }));
    const { summary } = await runScore({ files: [f], config: cfg, overrides: { asOf: '2024-12-31' }, out: join(dir, 'out3'), summaryOnly: true });
    expect(summary.customers).toBe(2);
  });
  it('fails with one line and exit code 2 on unusable input', () => {
    const f = join(dir, 'bad.csv');
    writeFileSync(f, 'when,amount\n2024-01-01,1\n');
    const r = run(['score', f, '--as-of', '2024-12-31', '--out', join(dir, 'out4')]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no customer id column found; headers seen: when, amount/);
    expect(run(['score', f]).stderr).toMatch(/as-of date is required/);
    expect(run(['score', f, '--as-of', '2024-02-30']).status).toBe(2);
    expect(run(['score', join(dir, 'absent.csv'), '--as-of', '2024-12-31']).status).toBe(2);
    expect(existsSync(join(dir, 'out4'))).toBe(false);
  });
  it('keeps --map for transactions and --customers-map / --survey-map for their files; reports statuses per file', async () => {
    const t = join(dir, 'pos.csv'), c = join(dir, 'kunden.csv'), sv = join(dir, 'umfrage.csv');
    writeFileSync(t, 'Kaeufer,datum,betrag,status\nk1,01/02/2024,10,1\nk1,03/04/2024,12,1\nk2,05/06/2024,9,2\nk3,07/08/2024,9,0\n');
    writeFileSync(c, 'Kundennummer,Firma\nk1,A GmbH\n');
    writeFileSync(sv, 'Wer,Note\nk1,NA\nk2,4\n');
    const { summary } = await runScore({
      files: [t], customers: [c], surveys: [sv], out: join(dir, 'out5'), summaryOnly: true,
      overrides: { asOf: '2024-12-31', columns: { customer: 'Kaeufer', date: 'datum', amount: 'betrag' }, customerColumns: { customer: 'Kundennummer', name: 'Firma' },
        surveyColumns: { customer: 'Wer', csat: 'Note' }, statuses: { 0: 'unpaid', 1: 'kept', 2: 'cancelled' }, dateOrder: 'DMY' },
    });
    expect(summary.counts).toEqual({ transactions: { read: 4, accepted: 2, rejected: 2 }, customers: { read: 1, accepted: 1, rejected: 0 }, surveys: { read: 2, accepted: 2, rejected: 0 } });
    expect(summary.rejectReasons).toEqual({ cancelled: 1, unpaid: 1 });
    const d = summary.detections as { source: string; kind: string; dateOrder?: string; dateOrderBy?: string; statuses?: unknown[] }[];
    expect(d.map((x) => [x.kind, x.source.split(/[\\/]/).pop()])).toEqual([['transactions', 'pos.csv'], ['customers', 'kunden.csv'], ['surveys', 'umfrage.csv']]);
    expect(d[0]).toMatchObject({ dateOrder: 'DMY', dateOrderBy: 'profile' });
    expect(d[0].statuses).toEqual([
      { value: '1', class: 'kept', rule: 'profile statuses "1"', rows: 2 },
      { value: '0', class: 'unpaid', rule: 'profile statuses "0"', rows: 1 },
      { value: '2', class: 'cancelled', rule: 'profile statuses "2"', rows: 1 },
    ]);
    expect(summary.warnings).toEqual([]);
  });
  it('says undecidable date orders and unknown statuses on stderr, with the flags that settle them', () => {
    const f = join(dir, 'ambiguous.csv');
    writeFileSync(f, 'customer,date,amount,status\na,01/02/2024,10,1\na,03/04/2024,12,1\nb,05/06/2024,9,2\n');
    const r = run(['score', f, '--as-of', '2024-12-31', '--out', join(dir, 'out6'), '--summary-only']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/warning: .*ambiguous\.csv: dates could be day-first or month-first; read as M\/D; pass --date-order DMY if wrong/);
    expect(r.stderr).toMatch(/warning: .*status values not recognised, counted as sales: "1" \(2 rows\), "2" \(1 rows\); declare them with --status-map/);
    const summary = JSON.parse(readFileSync(join(dir, 'out6/summary.json'), 'utf8'));
    expect(summary.warnings.join('\n')).toMatch(/dates could be day-first or month-first/);
    const q = run(['score', f, '--as-of', '2024-12-31', '--out', join(dir, 'out7'), '--summary-only', '--date-order', 'DMY', '--status-map', '1=kept,2=cancelled']);
    expect(q.status).toBe(0);
    expect(q.stderr).not.toMatch(/warning/);
  });
  it('prints help', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/pyramid score <files…> --as-of YYYY-MM-DD/);
  });
});
