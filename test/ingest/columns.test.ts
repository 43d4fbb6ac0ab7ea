/** Column detection: synonyms of common exports, one error for every missing role, generic ids, per-table maps. */
import { describe, expect, it } from 'vitest';
import { resolveProfile } from '../../core/config.ts';
import { planColumns } from '../../core/ingest/columns.ts';
import { createCustomerIngest, ingestTable, InputError } from '../../core/ingest/index.ts';
import type { Cell } from '../../core/types.ts';

const profile = (extra: Record<string, unknown> = {}) => resolveProfile({ asOf: '2024-03-31', timeUnit: 'day', ...extra });
const roles = (headers: string[]) => planColumns('transactions', headers, {}).names;

describe('synonyms of real exports', () => {
  it.each([
    ['hospital pharmacy', ['购药时间', '社保卡号', '商品编码', '商品名称', '销售数量', '应收金额', '实收金额'],
      { customer: '社保卡号', date: '购药时间', amount: '实收金额', quantity: '销售数量', productCode: '商品编码', description: '商品名称' }],
    ['Olist', ['order_id', 'customer_id', 'customer_unique_id', 'order_status', 'order_purchase_timestamp', 'payment_value'],
      { customer: 'customer_unique_id', date: 'order_purchase_timestamp', amount: 'payment_value', status: 'order_status', orderId: 'order_id' }],
    ['utility', ['user_id', 'use_start_time', 'accounts_payable'], { customer: 'user_id', date: 'use_start_time', amount: 'accounts_payable' }],
    ['Youzan / Taobao pay date', ['买家手机号', '付款日期', '订单实付金额'], { customer: '买家手机号', date: '付款日期', amount: '订单实付金额' }],
    ['Shopify', ['Name', 'Email', 'Financial Status', 'Paid at', 'Total', 'Created at', 'Lineitem quantity', 'Lineitem price', 'Lineitem sku', 'Cancelled at', 'Refunded Amount', 'Id'],
      { customer: 'Email', date: 'Created at', amount: 'Total', status: 'Financial Status', quantity: 'Lineitem quantity', unitPrice: 'Lineitem price', productCode: 'Lineitem sku', cancelledAt: 'Cancelled at', refund: 'Refunded Amount', orderId: 'Name' }],
    ['WooCommerce', ['Order ID', 'Order Date', 'Order Status', 'Customer User ID', 'Billing Email', 'Order Total Amount', 'Order Refund Amount'],
      { customer: 'Customer User ID', date: 'Order Date', status: 'Order Status', amount: 'Order Total Amount', refund: 'Order Refund Amount', orderId: 'Order ID' }],
    ['Taobao / Tmall', ['订单编号', '买家会员名', '买家支付宝账号', '买家实际支付金额', '订单状态', '订单创建时间', '宝贝数量', '退款金额'],
      { customer: '买家会员名', amount: '买家实际支付金额', status: '订单状态', date: '订单创建时间', quantity: '宝贝数量', refund: '退款金额', orderId: '订单编号' }],
    ['JD', ['订单号', '下单帐号', '商品ID', '商品名称', '订购数量', '订单金额', '下单时间', '订单状态'],
      { customer: '下单帐号', amount: '订单金额', date: '下单时间', status: '订单状态', orderId: '订单号', quantity: '订购数量', productCode: '商品ID' }],
    ['Salesforce', ['Opportunity ID', 'Account ID', 'Account Name', 'Stage', 'Close Date', 'Amount'],
      { customer: 'Account ID', date: 'Close Date', amount: 'Amount', status: 'Stage', orderId: 'Opportunity ID' }],
    ['HubSpot', ['Record ID', 'Deal Name', 'Deal Stage', 'Close Date', 'Amount', 'Associated Company ID'],
      { customer: 'Associated Company ID', date: 'Close Date', amount: 'Amount', status: 'Deal Stage', orderId: 'Record ID' }],
  ])('%s', (_name, headers, expected) => expect(roles(headers)).toMatchObject(expected));

  it('says why each column was chosen', () => {
    const p = planColumns('transactions', ['Kunde', '社保卡号', '购药时间', '金额'], { customer: 'Kunde' });
    expect(p.why).toEqual({ customer: 'map', date: 'synonym "购药时间"', amount: 'synonym "金额"' });
    const r = ingestTable('transactions', [['社保卡号', '购药时间', '金额'], ['a', '2024-01-01', '1']], profile(), 'rx.xlsx');
    expect(r.detections[0]).toMatchObject({ source: 'rx.xlsx', why: { customer: 'synonym "社保卡号"' } });
  });
});

describe('one error for every missing role', () => {
  const err = (rows: Cell[][], kind: 'transactions' | 'customers' = 'transactions') => {
    try { ingestTable(kind, rows, profile(), 'x.csv'); } catch (e) { expect(e).toBeInstanceOf(InputError); return (e as Error).message; }
    return '';
  };
  it('lists customer, date and amount together, with the headers seen and the flag', () => {
    const m = err([['foo', 'bar'], ['1', '2']]);
    expect(m).toMatch(/^x\.csv: no customer id column found; headers seen: foo, bar; also missing: order date, amount\. Map them with --map customer=COLUMN,date=COLUMN,amount=COLUMN/);
    expect(m.split('\n')).toHaveLength(1);
  });
  it('names the unit price when only the quantity is there', () => {
    expect(err([['customer', 'date', 'qty'], ['a', '2024-01-01', '1']])).toMatch(/no amount \(or unitPrice\) column found/);
  });
  it('names the customers flag for master data', () => {
    expect(err([['name', 'region'], ['x', 'y']], 'customers')).toMatch(/Map it with --customers-map customer=COLUMN/);
  });
});

describe('a generic id column is not taken as the customer when it is a row id', () => {
  const rows = (n: number, ids: (i: number) => string, order = true): Cell[][] => [
    order ? ['id', 'order_no', 'date', 'amount'] : ['id', 'date', 'amount'],
    ...Array.from({ length: n }, (_, i): Cell[] => (order ? [ids(i), `o${i}`, '2024-01-01', '1'] : [ids(i), '2024-01-01', '1'])),
  ];
  it('refuses when every id is distinct and an order column exists, naming --map customer=', () => {
    expect(() => ingestTable('transactions', rows(30, (i) => `r${i}`), profile(), 'x.csv'))
      .toThrow(/the column "id" has a different value on each of the first 30 rows and "order_no" holds orders.*--map customer=COLUMN/);
  });
  it('decides after the first 200 rows of a long file', () => {
    expect(() => ingestTable('transactions', rows(5000, (i) => `r${i}`), profile(), 'x.csv')).toThrow(/first 200 rows/);
  });
  it('accepts an id column that repeats', () => {
    const r = ingestTable('transactions', rows(30, (i) => `c${i % 7}`), profile(), 'x.csv');
    expect(r.summaries).toHaveLength(7);
    expect(r.warnings.join()).not.toMatch(/different value/);
  });
  it('warns when every id is distinct but no order column exists', () => {
    const r = ingestTable('transactions', rows(30, (i) => `r${i}`, false), profile(), 'x.csv');
    expect(r.warnings.join()).toMatch(/customer column "id" has a different value on each of the first 30 rows/);
  });
  it('follows an explicit map without checking', () => {
    const r = ingestTable('transactions', rows(30, (i) => `r${i}`), profile({ columns: { customer: 'id' } }), 'x.csv');
    expect(r.summaries).toHaveLength(30);
  });
});

describe('per-table column maps', () => {
  const custRows: Cell[][] = [['Kundennummer', 'Firma'], ['1', 'A']];
  it('applies columns to transactions only, customerColumns to master data, surveyColumns to surveys', () => {
    const p = profile({ columns: { customer: 'Käufer' }, customerColumns: { customer: 'Kundennummer', name: 'Firma' }, surveyColumns: { customer: 'Wer', csat: 'Note' } });
    const t = ingestTable('transactions', [['Käufer', 'date', 'amount'], ['1', '2024-01-01', '5']], p, 't.csv');
    expect(t.summaries.map((s) => s.id)).toEqual(['1']);
    const c = ingestTable('customers', custRows, p, 'c.csv');
    expect(c.records).toEqual([{ id: '1', name: 'A' }]);
    const s = ingestTable('surveys', [['Wer', 'Note'], ['1', '4']], p, 's.csv');
    expect(s.responses).toMatchObject([{ customerId: '1', csat: 4 }]);
  });
  it('keeps one detection per master-data file', () => {
    const ing = createCustomerIngest(profile());
    ing.beginSource('a.csv', ['customer', 'name']);
    ing.row(['1', 'A'], 2);
    ing.beginSource('b.csv', ['客户编号', '地区']);
    ing.row(['2', '上海'], 2);
    const r = ing.finish();
    expect(r.detections.map((d) => [d.source, d.columns])).toEqual([['a.csv', { customer: 'customer', name: 'name' }], ['b.csv', { customer: '客户编号', region: '地区' }]]);
  });
});
