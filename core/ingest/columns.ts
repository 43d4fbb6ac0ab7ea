/**
 * Column detection from English and Chinese headers, and the explicit column map.
 * Headers are compared after trimming, lower-casing and dropping spaces, `_`, `-`, `.`, `()`.
 */
import type { ColumnRole } from '../config.ts';
import type { Cell, TableKind } from '../types.ts';
import { InputError } from './errors.ts';

const SYNONYMS: Partial<Record<ColumnRole, string[]>> = {
  customer: ['customeruniqueid', 'customerid', 'customer', 'customerno', 'customernumber', 'customercode', 'clientid', 'client', 'memberid', 'member', 'buyer', 'buyerid', 'userid', 'user',
    'accountid', 'account', 'contactid', 'associatedcontactid', 'companyid', 'associatedcompanyid', 'customeruserid', 'customeremail', 'billingemail', 'email', 'emailaddress',
    'accountname', 'associatedcompany', 'associatedcontact', 'id', 'masterid',
    '客户id', '客户编号', '客户号', '客户代码', '客户', '会员id', '会员编号', '会员号', '会员卡号', '会员', '买家昵称', '买家会员名', '买家id', '买家', '用户id', '用户名', '顾客id', '顾客编号',
    '下单帐号', '下单账号', '用户账号', '客户账号', '社保卡号', '医保卡号', '卡号', '买家支付宝账号', '买家手机号', '会员手机号', '手机号', '粉丝昵称'],
  date: ['orderdate', 'date', 'invoicedate', 'transactiondate', 'purchasedate', 'paymentdate', 'paiddate', 'saledate', 'orderdatetime', 'ordertime', 'orderpurchasetimestamp',
    'createdat', 'datecreated', 'createdate', 'createddate', 'closedate', 'usestarttime', 'starttime', 'time', 'datetime', 'timestamp', 'paidat', 'datepaid',
    '下单时间', '下单日期', '订单日期', '付款时间', '订单付款时间', '订单创建时间', '创建时间', '交易时间', '交易日期', '日期', '时间', '购买日期', '购买时间', '销售日期', '销售时间',
    '支付时间', '付款日期', '买家付款时间', '付款确认时间', '购药时间', '消费时间', '消费日期', '结账时间'],
  amount: ['amount', 'total', 'totalamount', 'ordertotal', 'ordertotalamount', 'ordervalue', 'ordertotalprice', 'paymentvalue', 'sales', 'revenue', 'value', 'dollars', 'dollarvalue',
    'pricetotal', 'totalprice', 'lineamount', 'linetotal', 'netamount', 'paid', 'amountpaid', 'spend', 'accountspayable', 'grandtotal', 'amountincltax',
    '金额', '实付金额', '订单金额', '总金额', '销售额', '买家实际支付金额', '实收金额', '支付金额', '成交金额', '订单实付金额', '实付款', '商品实际成交金额', '应付金额', '应收金额',
    '消费金额', '销售金额', '合计', '合计金额'],
  quantity: ['quantity', 'qty', 'units', 'count', 'lineitemquantity', 'itemquantity', 'numberofcds', 'cds',
    '数量', '购买数量', '商品数量', '销售数量', '宝贝数量', '宝贝总数量', '订购数量', '件数'],
  unitPrice: ['unitprice', 'price', 'itemprice', 'lineitemprice', 'itemcost', '单价', '商品单价', '宝贝单价', '价格', '售价', '零售价'],
  orderId: ['orderid', 'orderno', 'ordernumber', 'invoiceno', 'invoice', 'invoiceid', 'invoicenumber', 'transactionid', 'receiptno', 'opportunityid', 'dealid', 'recordid', 'name',
    '订单号', '订单编号', '订单id', '发票号', '单号', '交易号', '小票号', '流水号', '单据号'],
  status: ['status', 'orderstatus', 'financialstatus', 'paymentstatus', 'state', 'stage', 'dealstage', '订单状态', '状态', '交易状态', '支付状态', '付款状态'],
  refund: ['refund', 'refundamount', 'refundedamount', 'orderrefundamount', 'refunded', 'returnamount', '退款金额', '退款', '退货金额'],
  cancelledAt: ['cancelledat', 'canceledat', 'cancelleddate', 'canceleddate', 'cancellationdate', '取消时间', '关闭时间', '订单关闭时间'],
  cost: ['cost', 'cogs', 'linecost', 'totalcost', '成本', '成本金额'],
  margin: ['margin', 'grossmargin', 'profit', 'grossprofit', '毛利', '利润', '毛利额'],
  productCode: ['stockcode', 'sku', 'productcode', 'productid', 'itemcode', 'itemid', 'lineitemsku', '商品编码', '商品编号', '商品id', '货号', '商家编码', '药品编码'],
  description: ['description', 'product', 'productname', 'item', 'itemname', 'lineitemname', '商品名称', '宝贝标题', '商品', '品名', '药品名称', '描述'],
  channel: ['channel', 'source', 'acquisitionchannel', '渠道', '获客渠道', '来源'],
  name: ['name', 'customername', 'fullname', 'company', 'companyname', 'accountname', '客户名称', '姓名', '名称', '公司名称'],
  type: ['type', 'customertype', '客户类型', '类型'],
  industry: ['industry', 'sector', '行业'],
  region: ['region', 'province', 'city', 'state', 'area', '地区', '省份', '城市', '区域', '所在地'],
  country: ['country', 'nation', '国家'],
  segment: ['segment', 'marketsegment', 'class', '分类', '客户分类', '细分市场'],
  settlement: ['settlement', 'paymentterms', 'payment', '结算方式', '付款方式'],
  receivable: ['receivable', 'receivables', 'balance', 'outstanding', '应收账款', '应收', '欠款'],
  overdueDays: ['overduedays', 'daysoverdue', 'ageing', 'aging', '逾期天数', '账龄'],
  pipelineStage: ['pipelinestage', 'stage', 'salesstage', 'dealstage', '销售阶段', '阶段'],
  size: ['size', 'companysize', '规模', '企业规模'],
  acquisitionCost: ['acquisitioncost', 'cac', '获客成本'],
  serviceCost: ['servicecost', 'costtoserve', 'servicecostperperiod', '服务成本'],
  signupDate: ['signupdate', 'signup', 'joindate', 'registered', 'registrationdate', 'startdate', 'createdate', 'createdat', '注册日期', '注册时间', '签约日期', '入会日期'],
  churnDate: ['churndate', 'enddate', 'canceldate', 'cancellationdate', '流失日期', '解约日期'],
  csat: ['csat', 'satisfaction', 'satisfactionscore', 'rating', 'score', '满意度', '满意度评分', '评分'],
  nps: ['nps', 'recommendscore', 'likelihoodtorecommend', '推荐值', '净推荐值', '推荐意愿评分'],
  willReturn: ['willreturn', 'wouldreturn', 'return', 'comeback', '是否再来', '会再来', '再次购买', '是否回购'],
  willRecommend: ['willrecommend', 'wouldrecommend', 'recommend', '是否推荐', '会推荐', '推荐朋友'],
  surveyDate: ['surveydate', 'responsedate', 'submittedat', 'date', '调查日期', '填写时间', '提交时间', '日期'],
};

/** Customer synonyms so generic that the column may be a row or order id: checked against the data. */
export const GENERIC_CUSTOMER = new Set(['id']);

/** Roles each table kind looks for, in priority order (a header is given to the first role that claims it). */
export const ROLES: Record<TableKind, ColumnRole[]> = {
  transactions: ['customer', 'date', 'refund', 'amount', 'quantity', 'unitPrice', 'orderId', 'status', 'cancelledAt', 'cost', 'margin', 'productCode', 'description', 'channel'],
  customers: ['customer', 'name', 'type', 'industry', 'region', 'country', 'channel', 'segment', 'settlement', 'receivable', 'overdueDays', 'pipelineStage', 'size', 'acquisitionCost', 'serviceCost', 'signupDate', 'churnDate'],
  surveys: ['customer', 'surveyDate', 'csat', 'nps', 'willReturn', 'willRecommend'],
};

export function normalizeHeader(h: string): string {
  return h.trim().toLowerCase().replace(/[\s_\-.()（）:：]/g, '');
}

export interface ColumnPlan {
  /** role → 0-based column index. */
  index: Partial<Record<ColumnRole, number>>;
  /** role → header text, or `#n` (1-based) when headerless. */
  names: Record<string, string>;
  /** role → why that column: `map` (named in the column map) or `synonym "…"` (the header it matched). */
  why: Record<string, string>;
  headers: string[];
}

/**
 * Decide where each role lives. `header` null = headerless file (the map must then give numbers).
 * The explicit map wins; it may name a header text or a 1-based column number.
 * Throws an Error with a one-line message when the map names a header that is not there.
 */
export function planColumns(kind: TableKind, header: string[] | null, map: Partial<Record<ColumnRole, string | number>>): ColumnPlan {
  const headers = header ? header.map((h) => String(h ?? '').trim()) : [];
  const index: Partial<Record<ColumnRole, number>> = {};
  const names: Record<string, string> = {};
  const why: Record<string, string> = {};
  const taken = new Set<number>();
  const normalized = headers.map(normalizeHeader);
  for (const [role, ref] of Object.entries(map) as [ColumnRole, string | number][]) {
    if (ref === undefined || ref === null || ref === '') continue;
    let i: number;
    if (typeof ref === 'number' || /^\d+$/.test(String(ref).trim())) {
      i = Number(ref) - 1;
      if (i < 0) throw new Error(`Column map: ${role}=${ref} is not a 1-based column number`);
    } else {
      i = headers.indexOf(String(ref).trim());
      if (i < 0) i = normalized.indexOf(normalizeHeader(String(ref)));
      if (i < 0) throw new Error(`Column map: ${role}="${ref}" is not among the headers seen: ${headers.join(', ') || '(none)'}`);
    }
    index[role] = i;
    names[role] = headers[i] ?? `#${i + 1}`;
    why[role] = 'map';
    taken.add(i);
  }
  if (header) {
    for (const role of ROLES[kind]) {
      if (index[role] !== undefined) continue;
      const syn = SYNONYMS[role] ?? [];
      let best = -1, bestRank = Infinity;
      normalized.forEach((h, i) => {
        if (taken.has(i)) return;
        const rank = syn.indexOf(h);
        if (rank >= 0 && rank < bestRank) { best = i; bestRank = rank; }
      });
      if (best >= 0) { index[role] = best; names[role] = headers[best]; why[role] = `synonym "${syn[bestRank]}"`; taken.add(best); }
    }
  }
  return { index, names, why, headers };
}

/** Roles a table cannot do without; transactions need an amount, or quantity and unit price. */
function missingRoles(kind: TableKind, plan: ColumnPlan): string[] {
  const has = (r: ColumnRole) => plan.index[r] !== undefined;
  const missing: string[] = [];
  if (!has('customer')) missing.push('customer');
  if (kind === 'transactions') {
    if (!has('date')) missing.push('date');
    if (!has('amount') && !(has('quantity') && has('unitPrice'))) missing.push(has('quantity') ? 'amount (or unitPrice)' : has('unitPrice') ? 'amount (or quantity)' : 'amount');
  }
  return missing;
}

/** The flag that maps columns for a table kind. */
export const MAP_FLAG: Record<TableKind, string> = { transactions: '--map', customers: '--customers-map', surveys: '--survey-map' };

/**
 * Throws one message naming every required role that was not found, the headers seen, a few
 * headers each role would recognise, and the flag that settles it.
 */
export function requireRoles(kind: TableKind, plan: ColumnPlan, source: string): void {
  const missing = missingRoles(kind, plan);
  if (!missing.length) return;
  const seen = plan.headers.length ? plan.headers.join(', ') : 'none (headerless file)';
  const label = (m: string) => m.replace(/^customer$/, 'customer id').replace(/^date$/, 'order date');
  const known = missing.map((m) => {
    const role = m.split(' ')[0] as ColumnRole;
    const syn = SYNONYMS[role] ?? [];
    return `${role}: ${[...syn.filter((h) => /^[a-z]/.test(h)).slice(0, 3), ...syn.filter((h) => /^[^a-z]/.test(h)).slice(0, 2)].join(' / ')} …`;
  }).join('; ');
  const example = missing.map((m) => `${m.split(' ')[0]}=COLUMN`).join(',');
  const also = missing.length > 1 ? `; also missing: ${missing.slice(1).map(label).join(', ')}` : '';
  throw new InputError(`${source}: no ${label(missing[0])} column found; headers seen: ${seen}${also}. Map ${missing.length > 1 ? 'them' : 'it'} with ${MAP_FLAG[kind]} ${example} (recognised headers include ${known})`);
}

/** Whether a first row looks like a header: some cell names a known role, or no cell is a number. */
export function looksLikeHeader(kind: TableKind, row: Cell[]): boolean {
  const cells = row.map((c) => (typeof c === 'string' ? c.trim() : c));
  if (cells.some((c) => typeof c !== 'string' && c !== null && c !== undefined)) return false;
  const all = new Set(ROLES[kind].flatMap((r) => SYNONYMS[r] ?? []));
  if (cells.some((c) => typeof c === 'string' && all.has(normalizeHeader(c)))) return true;
  return !cells.some((c) => typeof c === 'string' && /^[-+(]?[¥￥$£€]?\s*\d[\d,.\s:/-]*\)?$/.test(c));
}

const ORDER_LIKE = /order|invoice|receipt|transaction|订单|单号|发票|流水/i;

/**
 * Watches a customer column chosen only by a generic synonym (`id`). When its first `sample`
 * values (at least `minRows`) are all distinct, it is a row or order id rather than a customer:
 * with an order-like column beside it the file is refused (the user names the customer column);
 * without one, a warning says every customer bought once.
 */
export class GenericIdCheck {
  private seen = new Set<string>();
  private rows = 0;
  private done = false;
  private readonly orderColumn: string | undefined;

  constructor(private plan: ColumnPlan, private source: string, private sample = 200, private minRows = 10) {
    const oi = plan.index.orderId;
    this.orderColumn = oi !== undefined ? plan.headers[oi] : plan.headers.find((h, i) => i !== plan.index.customer && ORDER_LIKE.test(h));
  }

  /** Whether the plan took the customer column by a generic synonym only. */
  static applies(plan: ColumnPlan): boolean {
    const w = plan.why.customer;
    return w !== undefined && w.startsWith('synonym') && GENERIC_CUSTOMER.has(w.slice(9, -1));
  }

  add(id: string): void {
    if (this.done) return;
    this.rows++;
    this.seen.add(id);
    if (this.rows >= this.sample) this.settle();
  }

  /** Decide now (after `sample` rows or at the end of the file): throws, returns a warning, or nothing. */
  settle(): string | undefined {
    if (this.done) return undefined;
    this.done = true;
    const unique = this.rows >= this.minRows && this.seen.size === this.rows;
    this.seen.clear();
    if (!unique) return undefined;
    const col = this.plan.names.customer;
    if (this.orderColumn !== undefined) {
      throw new InputError(`${this.source}: the column "${col}" has a different value on each of the first ${this.rows} rows and "${this.orderColumn}" holds orders, so "${col}" looks like a row id, not a customer; name the customer column with --map customer=COLUMN`);
    }
    return `${this.source}: the customer column "${col}" has a different value on each of the first ${this.rows} rows (every customer bought once?); if it is a row id, name the customer column with --map customer=COLUMN`;
  }
}
