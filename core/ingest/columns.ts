/**
 * Column detection from English and Chinese headers, and the explicit column map.
 * Headers are compared after trimming, lower-casing and dropping spaces, `_`, `-`, `.`, `()`.
 */
import type { ColumnRole } from '../config.ts';
import type { Cell, TableKind } from '../types.ts';

const SYNONYMS: Partial<Record<ColumnRole, string[]>> = {
  customer: ['customerid', 'customer', 'customerno', 'customernumber', 'customercode', 'clientid', 'client', 'memberid', 'member', 'buyer', 'buyerid', 'userid', 'user', 'accountid', 'account', 'id', 'masterid',
    '客户id', '客户编号', '客户号', '客户代码', '客户', '会员id', '会员编号', '会员号', '会员', '买家昵称', '买家会员名', '买家id', '买家', '用户id', '用户名', '顾客id', '顾客编号'],
  date: ['orderdate', 'date', 'invoicedate', 'transactiondate', 'purchasedate', 'paymentdate', 'paiddate', 'saledate', 'orderdatetime', 'ordertime', 'createdat', 'time', 'datetime', 'timestamp',
    '下单时间', '下单日期', '订单日期', '付款时间', '订单付款时间', '订单创建时间', '创建时间', '交易时间', '交易日期', '日期', '时间', '购买日期', '销售日期', '支付时间'],
  amount: ['amount', 'total', 'totalamount', 'ordertotal', 'ordervalue', 'sales', 'revenue', 'value', 'dollars', 'dollarvalue', 'pricetotal', 'totalprice', 'lineamount', 'netamount', 'paid', 'amountpaid', 'spend',
    '金额', '实付金额', '订单金额', '总金额', '销售额', '买家实际支付金额', '实收金额', '支付金额', '成交金额', '应付金额', '消费金额', '合计'],
  quantity: ['quantity', 'qty', 'units', 'count', 'numberofcds', 'cds', '数量', '购买数量', '商品数量', '件数'],
  unitPrice: ['unitprice', 'price', 'itemprice', '单价', '商品单价', '价格', '售价'],
  orderId: ['orderid', 'orderno', 'ordernumber', 'invoiceno', 'invoice', 'invoiceid', 'invoicenumber', 'transactionid', 'receiptno', '订单号', '订单编号', '订单id', '发票号', '单号', '交易号'],
  status: ['status', 'orderstatus', 'state', '订单状态', '状态', '交易状态'],
  refund: ['refund', 'refundamount', 'refunded', 'returnamount', '退款金额', '退款', '退货金额'],
  cost: ['cost', 'cogs', 'linecost', 'totalcost', '成本', '成本金额'],
  margin: ['margin', 'grossmargin', 'profit', 'grossprofit', '毛利', '利润', '毛利额'],
  productCode: ['stockcode', 'sku', 'productcode', 'productid', 'itemcode', 'itemid', '商品编码', '商品编号', '货号', '商家编码'],
  description: ['description', 'product', 'productname', 'item', 'itemname', '商品名称', '宝贝标题', '商品', '品名', '描述'],
  channel: ['channel', 'source', 'acquisitionchannel', '渠道', '获客渠道', '来源'],
  name: ['name', 'customername', 'fullname', 'company', 'companyname', '客户名称', '姓名', '名称', '公司名称'],
  type: ['type', 'customertype', '客户类型', '类型'],
  industry: ['industry', 'sector', '行业'],
  region: ['region', 'province', 'city', 'state', 'area', '地区', '省份', '城市', '区域', '所在地'],
  country: ['country', 'nation', '国家'],
  segment: ['segment', 'marketsegment', 'class', '分类', '客户分类', '细分市场'],
  settlement: ['settlement', 'paymentterms', 'payment', '结算方式', '付款方式'],
  receivable: ['receivable', 'receivables', 'balance', 'outstanding', '应收账款', '应收', '欠款'],
  overdueDays: ['overduedays', 'daysoverdue', 'ageing', 'aging', '逾期天数', '账龄'],
  pipelineStage: ['pipelinestage', 'stage', 'salesstage', '销售阶段', '阶段'],
  size: ['size', 'companysize', '规模', '企业规模'],
  acquisitionCost: ['acquisitioncost', 'cac', '获客成本'],
  serviceCost: ['servicecost', 'costtoserve', 'servicecostperperiod', '服务成本'],
  signupDate: ['signupdate', 'signup', 'joindate', 'registered', 'registrationdate', 'startdate', '注册日期', '注册时间', '签约日期', '入会日期'],
  churnDate: ['churndate', 'enddate', 'canceldate', 'cancellationdate', '流失日期', '解约日期'],
  csat: ['csat', 'satisfaction', 'satisfactionscore', 'rating', 'score', '满意度', '满意度评分', '评分'],
  nps: ['nps', 'recommendscore', 'likelihoodtorecommend', '推荐值', '净推荐值', '推荐意愿评分'],
  willReturn: ['willreturn', 'wouldreturn', 'return', 'comeback', '是否再来', '会再来', '再次购买', '是否回购'],
  willRecommend: ['willrecommend', 'wouldrecommend', 'recommend', '是否推荐', '会推荐', '推荐朋友'],
  surveyDate: ['surveydate', 'responsedate', 'submittedat', 'date', '调查日期', '填写时间', '提交时间', '日期'],
};

/** Roles each table kind looks for, in priority order (a header is given to the first role that claims it). */
export const ROLES: Record<TableKind, ColumnRole[]> = {
  transactions: ['customer', 'date', 'refund', 'amount', 'quantity', 'unitPrice', 'orderId', 'status', 'cost', 'margin', 'productCode', 'description', 'channel'],
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
      if (best >= 0) { index[role] = best; names[role] = headers[best]; taken.add(best); }
    }
  }
  return { index, names, headers };
}

/** Whether a first row looks like a header: some cell names a known role, or no cell is a number. */
export function looksLikeHeader(kind: TableKind, row: Cell[]): boolean {
  const cells = row.map((c) => (typeof c === 'string' ? c.trim() : c));
  if (cells.some((c) => typeof c !== 'string' && c !== null && c !== undefined)) return false;
  const all = new Set(ROLES[kind].flatMap((r) => SYNONYMS[r] ?? []));
  if (cells.some((c) => typeof c === 'string' && all.has(normalizeHeader(c)))) return true;
  return !cells.some((c) => typeof c === 'string' && /^[-+(]?[¥￥$£€]?\s*\d[\d,.\s:/-]*\)?$/.test(c));
}
