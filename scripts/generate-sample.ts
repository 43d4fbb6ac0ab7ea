/**
 * Generates the bundled sample export (examples/sample/, Chinese headers; examples/sample-en/,
 * English headers): a deterministic, synthetic shop with buy-till-you-die customers
 * (purchase rate ~ Gamma, drop-out ~ Beta), refunds and closed orders, master data and surveys,
 * plus a few bad rows. Seeded: every run writes the same bytes. No third-party data.
 *
 *   npx tsx scripts/generate-sample.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { uniform } from './random.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The day the sample ends; `npm start` scores as of this day. */
export const SAMPLE_AS_OF = '2025-06-30';
const START = Date.UTC(2023, 0, 1);
const END = Date.UTC(2025, 5, 30, 23, 59);
const DAY = 86_400_000;

const prng = uniform;

export interface SampleOptions { seed?: number; customers?: number }

interface Order { customer: string; orderId: string; time: number; amount: number; status: 'ok' | 'refund' | 'closed'; product: string; qty: number; channel: string }

const PRODUCTS = ['绿茶礼盒', '乌龙茶', '普洱茶饼', '茶具套装', '红茶', '白茶', '花茶组合', '保温杯'];
const PRODUCTS_EN = ['Green tea gift box', 'Oolong tea', 'Pu-erh cake', 'Tea set', 'Black tea', 'White tea', 'Flower tea mix', 'Thermos'];
const CHANNELS = ['天猫', '京东', '微信小程序', '线下门店'];
const CHANNELS_EN = ['Tmall', 'JD', 'WeChat mini-program', 'Store'];
const REGIONS = ['上海', '北京', '浙江', '广东', '江苏', '四川', '湖北', '山东'];
const REGIONS_EN = ['Shanghai', 'Beijing', 'Zhejiang', 'Guangdong', 'Jiangsu', 'Sichuan', 'Hubei', 'Shandong'];

export function generateSample(options: SampleOptions = {}) {
  const rand = prng(options.seed ?? 20250630);
  const n = options.customers ?? 800;
  // Gamma(k, θ) for integer-ish shapes via sum of exponentials is enough for a sample.
  const gamma = (shape: number, scale: number) => {
    let s = 0;
    for (let i = 0; i < Math.round(shape * 4); i++) s += -Math.log(1 - rand());
    return (s / 4) * scale;
  };
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const orders: Order[] = [];
  const ids: string[] = [];
  let orderNo = 100000;
  for (let c = 0; c < n; c++) {
    const id = `C${String(10001 + c)}`;
    ids.push(id);
    const rate = gamma(0.75, 1 / 30); // purchases per day
    const dropout = Math.min(0.9, Math.max(0.02, gamma(1, 0.25)));
    // One customer in six buys for a business: larger baskets (the ¥1,234.50 orders).
    const meanSpend = (80 + gamma(2, 150)) * (rand() < 1 / 6 ? 4 : 1);
    const channel = pick(CHANNELS);
    let t = START + Math.floor(rand() * (END - START - 30 * DAY));
    for (;;) {
      orderNo++;
      const amount = Math.max(9.9, Math.round(meanSpend * (0.5 + rand()) * 100) / 100);
      const r = rand();
      const status = r < 0.04 ? 'refund' : r < 0.07 ? 'closed' : 'ok';
      const lines = rand() < 0.2 ? 2 : 1;
      for (let l = 0; l < lines; l++) {
        orders.push({ customer: id, orderId: `DD${orderNo}`, time: t, amount: Math.round((amount / lines) * 100) / 100, status, product: pick(PRODUCTS), qty: 1 + Math.floor(rand() * 3), channel });
      }
      if (rand() < dropout) break;
      t += Math.ceil((-Math.log(1 - rand()) / rate) * DAY);
      if (t > END) break;
    }
  }
  orders.sort((a, b) => a.time - b.time || (a.orderId < b.orderId ? -1 : 1));

  const customers = ids.map((id, i) => {
    const r = rand();
    const type = r < 0.7 ? '个人' : r < 0.95 ? '企业' : '政府';
    const settlement = type === '个人' ? '现金' : pick(['预付款', '赊销', '赊销']);
    const receivable = settlement === '赊销' ? Math.round(rand() * 20000) : 0;
    return { id, name: type === '个人' ? `顾客${i + 1}` : `客户公司${i + 1}`, type, region: pick(REGIONS), settlement, receivable, overdue: receivable ? Math.floor(rand() * 500) : 0 };
  });
  const surveyed = ids.filter(() => rand() < 0.3);
  const surveys = surveyed.map((id) => ({ id, time: START + Math.floor(rand() * (END - START)), csat: 1 + Math.floor(rand() * 5), nps: Math.floor(rand() * 11) }));
  return { orders, customers, surveys };
}

const two = (x: number) => String(x).padStart(2, '0');
/** `2024/3/5 14:02`, as Chinese shop back-ends export it. */
function zhTime(ms: number) {
  const d = new Date(ms + 8 * 3600_000); // shown in Beijing time
  return `${d.getUTCFullYear()}/${d.getUTCMonth() + 1}/${d.getUTCDate()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}
const isoDay = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
const yuan = (x: number) => `¥${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const STATUS_ZH = { ok: '交易成功', refund: '退款成功', closed: '交易关闭' } as const;
const STATUS_EN = { ok: 'completed', refund: 'refunded', closed: 'cancelled' } as const;

export function writeSample(outDir = path.join(root, 'examples')) {
  const { orders, customers, surveys } = generateSample();
  const zhRows: (string | number)[][] = orders.map((o) => [o.customer, o.orderId, zhTime(o.time), yuan(o.amount), STATUS_ZH[o.status], o.product, o.qty, o.channel]);
  // A few rows a real export has and the ingest must reject with a reason.
  const bad: [number, (string | number)[]][] = [
    [500, ['', 'DD999001', '2024/5/1 10:00', '¥88.00', '交易成功', '红茶', 1, '天猫']],
    [1500, ['C10002', 'DD999002', '2024/13/45 25:61', '¥120.00', '交易成功', '白茶', 1, '京东']],
    [2500, ['C10003', 'DD999003', '2024/6/1 09:30', '价格待定', '交易成功', '乌龙茶', 2, '天猫']],
  ];
  for (const [at, row] of bad.reverse()) zhRows.splice(Math.min(at, zhRows.length), 0, row);
  const zh = path.join(outDir, 'sample');
  mkdirSync(zh, { recursive: true });
  const csv = (fields: string[], data: (string | number)[][]) => Papa.unparse({ fields, data }, { newline: '\n' }) + '\n';
  writeFileSync(path.join(zh, 'orders.csv'), csv(['客户编号', '订单编号', '下单时间', '实付金额', '订单状态', '商品名称', '数量', '渠道'], zhRows));
  writeFileSync(path.join(zh, 'customers.csv'), csv(['客户编号', '客户名称', '客户类型', '地区', '结算方式', '应收账款', '逾期天数'],
    customers.map((c) => [c.id, c.name, c.type, c.region, c.settlement, c.receivable, c.overdue])));
  writeFileSync(path.join(zh, 'surveys.csv'), csv(['客户编号', '调查日期', '满意度', '推荐值'], surveys.map((s) => [s.id, isoDay(s.time), s.csat, s.nps])));

  const en = path.join(outDir, 'sample-en');
  mkdirSync(en, { recursive: true });
  const zhToEn = (xs: string[], ys: string[]) => (v: string) => ys[xs.indexOf(v)] ?? v;
  const product = zhToEn(PRODUCTS, PRODUCTS_EN);
  const channel = zhToEn(CHANNELS, CHANNELS_EN);
  const region = zhToEn(REGIONS, REGIONS_EN);
  writeFileSync(path.join(en, 'orders.csv'), csv(['CustomerID', 'OrderID', 'OrderDate', 'Amount', 'Status', 'Product', 'Quantity', 'Channel'],
    orders.map((o) => [o.customer, o.orderId, new Date(o.time + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' '), o.amount.toFixed(2), STATUS_EN[o.status], product(o.product), o.qty, channel(o.channel)])));
  const typeEn = zhToEn(['个人', '企业', '政府'], ['individual', 'enterprise', 'government']);
  const settleEn = zhToEn(['现金', '预付款', '赊销'], ['cash', 'prepaid', 'credit']);
  writeFileSync(path.join(en, 'customers.csv'), csv(['CustomerID', 'Name', 'CustomerType', 'Region', 'Settlement', 'Receivable', 'OverdueDays'],
    customers.map((c, i) => [c.id, c.type === '个人' ? `Customer ${i + 1}` : `Company ${i + 1}`, typeEn(c.type), region(c.region), settleEn(c.settlement), c.receivable, c.overdue])));
  return { orders: zhRows.length, customers: customers.length, surveys: surveys.length };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const counts = writeSample();
  console.log(`examples/sample: ${counts.orders} order lines, ${counts.customers} customers, ${counts.surveys} survey answers (as of ${SAMPLE_AS_OF})`);
}
