/**
 * Streaming transaction ingest: rows in, per-customer summaries, rejects and counts out.
 *
 * Memory is per customer plus a compact ledger of (customer, day, gross, returns, line, source)
 * in growable typed arrays, one entry per customer-day run (consecutive lines of the same
 * customer and day, as order-grouped exports write them, share one entry). The ledger lets the
 * column's day/month order be decided at the end and distinct purchase days be counted in
 * unsorted input. Money is summed in integer ten-thousandths so that sums do not depend on
 * row order.
 */
import type { Profile, ColumnRole } from '../config.ts';
import type { Cell, CustomerSummary, Detection, Reject, RowCounts } from '../types.ts';
import { parseAmount, normalizeId } from '../amounts.ts';
import { ambiguousOrders, decideDateOrder, isAmbiguousCode, parseDateCell, parseIsoDay, resolveDateCode, dayToIso } from '../dates.ts';
import { planColumns } from './columns.ts';
import { InputError } from './errors.ts';
import { summarizeLedger } from '../summary/summarize.ts';

export interface TransactionIngestResult {
  summaries: CustomerSummary[];
  rejects: Reject[];
  counts: RowCounts;
  detections: Detection[];
  warnings: string[];
}

export interface TransactionIngest {
  beginSource(source: string, header: Cell[] | null): Detection;
  row(cells: Cell[], line: number): void;
  finish(): TransactionIngestResult;
}

/** Status values meaning the order did not go through or was refunded (compared lower-cased, trimmed). */
export const CANCEL_STATUSES = new Set([
  '已关闭', '退款成功', '交易关闭', '已取消', '取消', '已退款', '退款', '退货', '已退货', '退款中', '交易失败', '订单关闭',
  'cancelled', 'canceled', 'refunded', 'closed', 'returned', 'void', 'voided', 'failed', 'refund', 'return', 'cancel',
]);

/** Money unit of the ledger: 1/10000 of the currency unit. */
export const MONEY_SCALE = 10_000;

/** Growable typed-array ledger. */
export class Ledger {
  n = 0;
  cust = new Int32Array(1024);
  code = new Int32Array(1024);
  gross = new Float64Array(1024);
  ret = new Float64Array(1024);
  line = new Int32Array(1024);
  src = new Uint16Array(1024);
  /** 1 when the entry holds a purchase line (a non-return line, even of amount 0). */
  buy = new Uint8Array(1024);
  /** Gross margin (money units), when the export has a margin or cost column. */
  mar = new Float64Array(1024);

  push(c: number, code: number, gross: number, ret: number, buy: number, mar: number, line: number, src: number): void {
    if (this.n === this.cust.length) this.grow();
    const i = this.n++;
    this.cust[i] = c; this.code[i] = code; this.gross[i] = gross; this.ret[i] = ret; this.buy[i] = buy; this.mar[i] = mar; this.line[i] = line; this.src[i] = src;
  }

  private grow(): void {
    const size = this.cust.length * 2;
    const g = <T extends Int32Array | Float64Array | Uint16Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a);
      return b;
    };
    this.cust = g(this.cust); this.code = g(this.code); this.gross = g(this.gross);
    this.ret = g(this.ret); this.line = g(this.line); this.src = g(this.src); this.buy = g(this.buy); this.mar = g(this.mar);
  }
}

interface SourceState {
  name: string;
  detection: Detection;
  customer: number; date: number; amount: number; quantity: number; unitPrice: number;
  orderId: number; status: number; refund: number; productCode: number; description: number; margin: number; cost: number;
}

const ORDER_BIT_MDY = 1, ORDER_BIT_DMY = 2;

export function createTransactionIngest(profile: Profile): TransactionIngest {
  const asOfDay = parseIsoDay(profile.asOf);
  if (!Number.isFinite(asOfDay)) throw new InputError(`The as-of date must be YYYY-MM-DD, got "${profile.asOf}"`);
  const tz = profile.timeZone;
  const codes = new Set(profile.exclusions.codes.map((c) => c.trim().toUpperCase()));
  const descriptions = new Set(profile.exclusions.descriptions.map((d) => d.trim().toLowerCase()));
  const seen = profile.dedupe ? new Set<string>() : null;

  const ledger = new Ledger();
  const ids: string[] = [];
  const index = new Map<string, number>();
  const rejects: Reject[] = [];
  const counts: RowCounts = { read: 0, accepted: 0, rejected: 0 };
  const sources: SourceState[] = [];
  const warnings: string[] = [];
  let cur: SourceState | null = null;
  let hasMargin = false;
  // Consecutive lines of one order repeat the customer and the timestamp: remember the last ones.
  let lastDateCell: Cell = undefined, lastCode = NaN, lastIdCell: Cell = undefined, lastId = '', lastCustId = '', lastCust = -1;

  const reject = (line: number, column: string | null, reason: string, message: string, value?: Cell): void => {
    counts.rejected++;
    rejects.push({ source: cur!.name, line, column, reason, message, value: value === undefined || value === null ? undefined : String(value) });
  };

  return {
    beginSource(source, header) {
      if (sources.length >= 65535) throw new InputError('Too many sources for one ingest (65535 at most)');
      const plan = planColumns('transactions', header ? header.map((h) => String(h ?? '')) : null, profile.columns);
      const detection: Detection = { kind: 'transactions', source, columns: plan.names, headers: plan.headers };
      const at = (r: ColumnRole): number => plan.index[r] ?? -1;
      const seenHeaders = plan.headers.length ? plan.headers.join(', ') : 'none (headerless file)';
      if (at('customer') < 0) throw new InputError(`${source}: no customer id column found; headers seen: ${seenHeaders}. Map it with customer=COLUMN`);
      if (at('date') < 0) throw new InputError(`${source}: no order date column found; headers seen: ${seenHeaders}. Map it with date=COLUMN`);
      if (at('amount') < 0 && (at('quantity') < 0 || at('unitPrice') < 0)) {
        throw new InputError(`${source}: no amount column (nor quantity and unit price) found; headers seen: ${seenHeaders}. Map it with amount=COLUMN`);
      }
      cur = {
        name: source, detection,
        customer: at('customer'), date: at('date'), amount: at('amount'), quantity: at('quantity'), unitPrice: at('unitPrice'),
        orderId: at('orderId'), status: at('status'), refund: at('refund'), productCode: at('productCode'), description: at('description'),
        margin: at('margin'), cost: at('cost'),
      };
      if (cur.margin >= 0 || cur.cost >= 0) hasMargin = true;
      sources.push(cur);
      lastDateCell = lastIdCell = undefined;
      return detection;
    },

    row(cells, line) {
      const s = cur;
      if (!s) throw new Error('beginSource must be called before row');
      counts.read++;
      const names = s.detection.columns;
      if (seen) {
        const key = cells.map((c) => (c instanceof Date ? c.toISOString() : String(c ?? ''))).join('\u0001');
        if (seen.has(key)) { reject(line, null, 'duplicate-line', 'Exact duplicate of an earlier line', undefined); return; }
        seen.add(key);
      }
      const idCell = cells[s.customer];
      const id = typeof idCell === 'string' && idCell === lastIdCell ? lastId : normalizeId(idCell);
      lastIdCell = idCell; lastId = id;
      if (id === '') { reject(line, names.customer, 'missing-customer-id', 'No customer id', cells[s.customer]); return; }
      const dateCell = cells[s.date];
      const code = typeof dateCell === 'string' && dateCell === lastDateCell ? lastCode : parseDateCell(dateCell, tz);
      lastDateCell = dateCell; lastCode = code;
      if (code !== code) {
        const empty = dateCell === null || dateCell === undefined || String(dateCell).trim() === '';
        reject(line, names.date, empty ? 'missing-date' : 'bad-date', empty ? 'No date' : 'Not a date this reader understands', dateCell);
        return;
      }
      if (!isAmbiguousCode(code) && code > asOfDay) {
        reject(line, names.date, 'after-as-of', `Date after the as-of date ${profile.asOf}`, dateCell); return;
      }
      let amount: number;
      if (s.amount >= 0) {
        amount = parseAmount(cells[s.amount]);
        if (amount !== amount) { reject(line, names.amount, 'bad-amount', 'Not an amount', cells[s.amount]); return; }
      } else {
        const q = parseAmount(cells[s.quantity]);
        if (q !== q) { reject(line, names.quantity, 'bad-amount', 'Not a quantity', cells[s.quantity]); return; }
        const p = parseAmount(cells[s.unitPrice]);
        if (p !== p) { reject(line, names.unitPrice, 'bad-amount', 'Not a unit price', cells[s.unitPrice]); return; }
        amount = q * p;
      }
      let refund = 0;
      if (s.refund >= 0) {
        const rc = cells[s.refund];
        if (rc !== null && rc !== undefined && String(rc).trim() !== '') {
          refund = parseAmount(rc);
          if (refund !== refund) { reject(line, names.refund, 'bad-amount', 'Not a refund amount', rc); return; }
          refund = Math.abs(refund);
        }
      }
      if (s.productCode >= 0 && codes.size) {
        const pc = cells[s.productCode];
        if (pc !== null && pc !== undefined && codes.has(String(pc).trim().toUpperCase())) {
          reject(line, names.productCode, 'excluded', 'Non-purchase line (excluded product code)', pc); return;
        }
      }
      if (s.description >= 0 && descriptions.size) {
        const dc = cells[s.description];
        if (dc !== null && dc !== undefined && descriptions.has(String(dc).trim().toLowerCase())) {
          reject(line, names.description, 'excluded', 'Non-purchase line (excluded description)', dc); return;
        }
      }
      // Margin of the line: the margin column, else amount − cost; a blank cell: amount × profile margin.
      let margin = amount * profile.margin;
      const mi = s.margin >= 0 ? s.margin : s.cost;
      if (mi >= 0) {
        const mc = cells[mi];
        if (mc !== null && mc !== undefined && String(mc).trim() !== '') {
          const v = parseAmount(mc);
          if (v !== v) { reject(line, s.margin >= 0 ? names.margin : names.cost, 'bad-amount', s.margin >= 0 ? 'Not a margin' : 'Not a cost', mc); return; }
          margin = s.margin >= 0 ? v : amount - v;
        }
      }
      counts.accepted++;
      let gross = 0, buy = 0, ret = Math.round(refund * MONEY_SCALE);
      const cents = Math.round(amount * MONEY_SCALE);
      const status = s.status >= 0 ? cells[s.status] : null;
      const cancelled = status !== null && status !== undefined && CANCEL_STATUSES.has(String(status).trim().toLowerCase());
      const oid = s.orderId >= 0 ? cells[s.orderId] : null;
      const creditNote = typeof oid === 'string' && oid.length > 1 && (oid.charCodeAt(0) === 67 || oid.charCodeAt(0) === 99) && oid.charCodeAt(1) >= 48 && oid.charCodeAt(1) <= 57;
      let mar = Math.round(margin * MONEY_SCALE);
      if (cents < 0) ret += -cents;
      else if (creditNote) { ret += cents; mar = -Math.abs(mar); }
      else if (!cancelled) { gross = cents; buy = 1; }
      else mar = 0;
      // A cancelled order with a positive amount was never bought: neither a purchase nor a return.

      let c = id === lastCustId ? lastCust : index.get(id);
      if (c === undefined) { c = ids.length; ids.push(id); index.set(id, c); }
      lastCustId = id; lastCust = c;
      const srcIdx = sources.length - 1;
      const k = ledger.n - 1;
      if (k >= 0 && ledger.cust[k] === c && ledger.code[k] === code && ledger.src[k] === srcIdx && !isAmbiguousCode(code)) {
        ledger.gross[k] += gross; ledger.ret[k] += ret; ledger.buy[k] |= buy; ledger.mar[k] += mar;
      } else {
        ledger.push(c, code, gross, ret, buy, mar, line, srcIdx);
      }
    },

    finish() {
      // Decide each source's day/month order from its ambiguous values.
      const tallies = sources.map(() => ({ mdy: 0, dmy: 0, any: 0 }));
      for (let i = 0; i < ledger.n; i++) {
        const code = ledger.code[i];
        if (!isAmbiguousCode(code)) continue;
        const t = tallies[ledger.src[i]];
        t.any++;
        const o = ambiguousOrders(code);
        if (o === ORDER_BIT_MDY) t.mdy++;
        else if (o === ORDER_BIT_DMY) t.dmy++;
      }
      const orders = sources.map((s, i) => {
        const t = tallies[i];
        if (!t.any) { s.detection.dateOrder = 'YMD'; return 'YMD' as const; }
        const o = profile.dateOrder === 'MDY' || profile.dateOrder === 'DMY' ? profile.dateOrder : decideDateOrder(t.mdy, t.dmy);
        s.detection.dateOrder = o;
        if (t.mdy && t.dmy) warnings.push(`${s.name}: the date column mixes day/month orders; read as ${o}, the other rows are rejected`);
        return o;
      });
      for (let i = 0; i < ledger.n; i++) {
        const code = ledger.code[i];
        if (!isAmbiguousCode(code)) continue;
        const s = sources[ledger.src[i]];
        cur = s;
        const day = resolveDateCode(code, orders[ledger.src[i]]);
        const raw = code - 1_000_000_000;
        const shown = `${Math.floor(raw / 100) % 100}/${raw % 100}/${Math.floor(raw / 10000)}`;
        if (day !== day) {
          reject(ledger.line[i], s.detection.columns.date, 'bad-date', `Not a date in the column's ${orders[ledger.src[i]]} order`, shown);
        } else if (day > asOfDay) {
          reject(ledger.line[i], s.detection.columns.date, 'after-as-of', `Date ${dayToIso(day)} after the as-of date ${profile.asOf}`, shown);
        } else { ledger.code[i] = day; continue; }
        counts.accepted--;
        ledger.cust[i] = -1;
      }
      const calEnd = profile.calibrationEnd ? parseIsoDay(profile.calibrationEnd) : NaN;
      const { summaries, noPurchase, lateFirst } = summarizeLedger(ledger, ids, {
        asOfDay, cutDay: Number.isFinite(calEnd) ? Math.min(calEnd, asOfDay) : asOfDay,
        split: Number.isFinite(calEnd), margin: hasMargin, timeUnit: profile.timeUnit, retentionPeriod: profile.retentionPeriod,
      });
      if (noPurchase) warnings.push(`${noPurchase} customer(s) with only returns or cancellations have no purchase and no summary`);
      if (lateFirst) warnings.push(`${lateFirst} customer(s) first bought after the calibration end ${profile.calibrationEnd} and are left out of the summaries`);
      rejects.sort((a, b) => (a.source === b.source ? a.line - b.line : a.source < b.source ? -1 : 1));
      return { summaries, rejects, counts, detections: sources.map((s) => s.detection), warnings };
    },
  };
}
