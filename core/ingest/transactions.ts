/**
 * Streaming transaction ingest: rows in, per-customer summaries, rejects and counts out.
 *
 * Memory is per customer plus a compact ledger of (customer, day, gross, returns, margin) in
 * growable typed arrays, one entry per customer-day run (consecutive lines of the same customer
 * and day, as order-grouped exports write them, share one entry; an `a/b/yyyy` date also keeps
 * its line and source, to be settled or rejected at the end). The ledger lets the
 * column's day/month order be decided at the end and distinct purchase days be counted in
 * unsorted input. Money is summed in integer ten-thousandths so that sums do not depend on
 * row order.
 */
import type { Profile, ColumnRole } from '../config.ts';
import type { Cell, CustomerSummary, Detection, Reject, RowCounts } from '../types.ts';
import { parseAmount, normalizeId, amountProblem, isMissingToken, MAX_AMOUNT } from '../amounts.ts';
import {
  ambiguousOrders, isAmbiguousCode, parseDateCell, parseIsoDay, resolveDateCode, dayToIso, dateWindowDays, dateCellNumericKind, settleDateOrder,
  undecidedOrderWarning, DateCellCache, type NumericDateKind,
} from '../dates.ts';
import { planColumns, requireRoles, GenericIdCheck } from './columns.ts';
import { StatusTally, statusMap, unknownStatusWarning } from './statuses.ts';
import { InputError } from './errors.ts';
import { summarizeLedger, type SummarizeOptions } from '../summary/summarize.ts';
import { createRejectLog, type RejectSink } from './rejects.ts';
import { IdTable } from './ids.ts';

export interface TransactionIngestResult {
  summaries: CustomerSummary[];
  /** The first `profile.rejectExamples` rejects, by source and line; all of them went to `onReject`. */
  rejects: Reject[];
  /** Every reject, counted by reason. */
  rejectReasons: Record<string, number>;
  counts: RowCounts;
  detections: Detection[];
  warnings: string[];
}

export interface TransactionIngest {
  beginSource(source: string, header: Cell[] | null): Detection;
  row(cells: Cell[], line: number): void;
  /** A data line the reader could not split into a row: read and rejected. */
  rejectLine(line: number, reason: string, message: string, value?: string): void;
  finish(): TransactionIngestResult;
  /** Everything `finish` does before summarizing (per-source decisions, rejects): for runs that merge ledgers by customer first. */
  finishLedger(): ResolvedLedger;
}

/**
 * A finished ingest before its summaries: every date resolved, rejected entries with customer −1.
 * Sharded runs (one ingest per source file) partition these ledgers by customer, merge them and
 * summarize with `summaryOptions`: every per-source decision was already taken here, so the
 * result is the single ingest's. `finish()` = this + summarizeLedger + summaryWarnings.
 */
export interface ResolvedLedger {
  ledger: Ledger;
  ids: string[];
  /** Whether a source had a margin or cost column (then every summary gets `margin`). */
  hasMargin: boolean;
  rejects: Reject[];
  rejectReasons: Record<string, number>;
  counts: RowCounts;
  detections: Detection[];
  /** Warnings in finish()'s order: day/month order of every source first, then each source's other warnings. */
  dateWarnings: string[];
  sourceWarnings: string[];
}

/** How a ledger of this profile is summarized. */
export function summaryOptions(profile: Profile, hasMargin: boolean): SummarizeOptions {
  const asOfDay = parseIsoDay(profile.asOf);
  const calEnd = profile.calibrationEnd ? parseIsoDay(profile.calibrationEnd) : NaN;
  return {
    asOfDay, cutDay: Number.isFinite(calEnd) ? Math.min(calEnd, asOfDay) : asOfDay,
    split: Number.isFinite(calEnd), margin: hasMargin, timeUnit: profile.timeUnit, retentionPeriod: profile.retentionPeriod,
  };
}

/** The warnings about customers left without a summary. */
export function summaryWarnings(noPurchase: number, lateFirst: number, profile: Profile): string[] {
  const out: string[] = [];
  if (noPurchase) out.push(`${noPurchase} customer(s) with only returns or cancellations have no purchase and no summary`);
  if (lateFirst) out.push(`${lateFirst} customer(s) first bought after the calibration end ${profile.calibrationEnd} and are left out of the summaries`);
  return out;
}

/** Money unit of the ledger: 1/10000 of the currency unit. */
export const MONEY_SCALE = 10_000;

/**
 * Growable typed-array ledger. The line and source of an entry are needed only to settle the
 * day/month order of `a/b/yyyy` dates at the end, so they are kept for those entries alone (in
 * `amb`), not for every entry.
 */
export class Ledger {
  n = 0;
  cust = new Int32Array(1024);
  code = new Int32Array(1024);
  gross = new Float64Array(1024);
  ret = new Float64Array(1024);
  /** 1 when the entry holds a purchase line (a non-return line, even of amount 0). */
  buy = new Uint8Array(1024);
  /** Gross margin (money units), when the export has a margin or cost column. */
  mar = new Float64Array(1024);
  /** Source of the last entry. */
  lastSrc = -1;
  /** Entries with an ambiguous day/month code, in entry order: their index, line and source. */
  amb = { n: 0, entry: new Int32Array(64), line: new Int32Array(64), src: new Uint16Array(64) };

  push(c: number, code: number, gross: number, ret: number, buy: number, mar: number, line: number, src: number): void {
    if (this.n === this.cust.length) this.grow();
    const i = this.n++;
    this.cust[i] = c; this.code[i] = code; this.gross[i] = gross; this.ret[i] = ret; this.buy[i] = buy; this.mar[i] = mar;
    this.lastSrc = src;
    if (isAmbiguousCode(code)) this.pushAmbiguous(i, line, src);
  }

  private pushAmbiguous(i: number, line: number, src: number): void {
    const a = this.amb;
    if (a.n === a.entry.length) { a.entry = grown(a.entry, 2 * a.n); a.line = grown(a.line, 2 * a.n); a.src = grown(a.src, 2 * a.n); }
    a.entry[a.n] = i; a.line[a.n] = line; a.src[a.n] = src;
    a.n++;
  }

  private grow(): void {
    const size = this.cust.length * 2;
    this.cust = grown(this.cust, size); this.code = grown(this.code, size); this.gross = grown(this.gross, size);
    this.ret = grown(this.ret, size); this.buy = grown(this.buy, size); this.mar = grown(this.mar, size);
  }
}

type Column = Int32Array | Float64Array | Uint16Array | Uint8Array;
type ColumnOf<T> = new (buffer: ArrayBuffer, offset: number, length: number) => T;
/** An ArrayBuffer that can grow in place (ES2024; absent from older engines such as some Apps Script runtimes). */
type Resizable = ArrayBuffer & { resizable?: boolean; maxByteLength?: number; resize?: (n: number) => void };
/** Largest resizable buffer a column reserves (address space only: memory is committed as it grows). */
const MAX_RESIZABLE_BYTES = 2 ** 31;
/** A new resizable buffer reserves this many times its size (so many small ledgers reserve little). */
const RESERVE_FACTOR = 64;
const RESIZABLE = typeof (ArrayBuffer.prototype as Resizable).resize === 'function';

/**
 * `a` with room for `size` elements, same contents. Where the engine has resizable buffers the
 * column grows in place (no copy, and no second set of fresh pages to fault in, which is most of
 * what growing a large ledger costs) up to 64 times the size it had when it moved to one, then
 * once into a new one; otherwise, or past 2 GiB, it is copied into a larger array.
 */
function grown<T extends Column>(a: T, size: number): T {
  const bytes = size * a.BYTES_PER_ELEMENT;
  const buf = a.buffer as Resizable;
  if (buf.resizable && bytes <= buf.maxByteLength!) {
    buf.resize!(bytes);
    return new (a.constructor as ColumnOf<T>)(buf, 0, size);
  }
  if (RESIZABLE && bytes <= MAX_RESIZABLE_BYTES) {
    const max = Math.min(MAX_RESIZABLE_BYTES, bytes * RESERVE_FACTOR);
    const b = new (a.constructor as ColumnOf<T>)(new (ArrayBuffer as new (n: number, o: object) => ArrayBuffer)(bytes, { maxByteLength: max }), 0, size);
    b.set(a);
    return b;
  }
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

interface SourceState {
  name: string;
  detection: Detection;
  customer: number; date: number; amount: number; quantity: number; unitPrice: number;
  orderId: number; status: number; refund: number; productCode: number; description: number; margin: number; cost: number; cancelledAt: number;
  statuses: StatusTally;
  idCheck: GenericIdCheck | null;
  dateNumbers: Record<string, number>;
  /** Date cells read as text dates (not numbers), to tell a numeric column from a stray number. */
  textDates: number;
}

/** Whether a cell holds nothing (blank or a missing-value token such as `NA`). */
const blank = (c: Cell): boolean => c === null || c === undefined || (typeof c === 'string' && isMissingToken(c));

const ORDER_BIT_MDY = 1, ORDER_BIT_DMY = 2;

export function createTransactionIngest(profile: Profile, onReject?: RejectSink): TransactionIngest {
  const asOfDay = parseIsoDay(profile.asOf);
  if (!Number.isFinite(asOfDay)) throw new InputError(`The as-of date must be YYYY-MM-DD, got "${profile.asOf}"`);
  const tz = profile.timeZone;
  const codes = new Set(profile.exclusions.codes.map((c) => c.trim().toUpperCase()));
  const descriptions = new Set(profile.exclusions.descriptions.map((d) => d.trim().toLowerCase()));
  const seen = profile.dedupe ? new Set<string>() : null;

  const ledger = new Ledger();
  const idTable = new IdTable();
  const ids = idTable.ids;
  let finished = false;
  const log = createRejectLog(profile.rejectExamples, onReject);
  const counts: RowCounts = { read: 0, accepted: 0, rejected: 0 };
  const sources: SourceState[] = [];
  const warnings: string[] = [];
  let cur: SourceState | null = null;
  let hasMargin = false;
  // Consecutive lines of one order repeat the customer and the timestamp: remember the last ones.
  let lastDateCell: Cell = undefined, lastCode = NaN, lastIdCell: Cell = undefined, lastId = '', lastCustId = '', lastCust = -1;
  let lastKind: NumericDateKind | undefined;
  // The reject message of the last non-sale status (the tally shares one rule object per tracked value).
  let lastStatusRule: unknown = null, lastStatusMessage = '';
  const dateCache = new DateCellCache(tz);

  const reject = (line: number, column: string | null, reason: string, message: string, value?: Cell): void => {
    counts.rejected++;
    log.add({ source: cur!.name, line, column, reason, message, value: value === undefined || value === null ? undefined : String(value) });
  };

  const statusClasses = statusMap(profile.statuses ?? {});
  const span = dateWindowDays(profile.dateWindow ?? { from: '1990-01-01' });
  const outsideWindow = (day: number): string =>
    `date outside window: ${dayToIso(day)} is ${day < span.from ? `before ${dayToIso(span.from)}` : `after ${dayToIso(span.to)}`} (profile dateWindow, --date-from)`;

  /** The line's amount (or quantity × unit price); NaN after rejecting the line. */
  function lineAmount(s: SourceState, cells: Cell[], line: number): number {
    const names = s.detection.columns;
    if (s.amount >= 0) {
      const amount = parseAmount(cells[s.amount]);
      if (amount !== amount) reject(line, names.amount, 'bad-amount', `Not an amount: ${amountProblem(cells[s.amount])}`, cells[s.amount]);
      return amount;
    }
    const q = parseAmount(cells[s.quantity]);
    if (q !== q) { reject(line, names.quantity, 'bad-amount', `Not a quantity: ${amountProblem(cells[s.quantity])}`, cells[s.quantity]); return NaN; }
    const p = parseAmount(cells[s.unitPrice]);
    if (p !== p) { reject(line, names.unitPrice, 'bad-amount', `Not a unit price: ${amountProblem(cells[s.unitPrice])}`, cells[s.unitPrice]); return NaN; }
    const amount = q * p;
    if (Math.abs(amount) >= MAX_AMOUNT) {
      reject(line, names.quantity, 'bad-amount', `Quantity × unit price is not a plausible amount (limit ${MAX_AMOUNT.toExponential()})`, `${cells[s.quantity]} × ${cells[s.unitPrice]}`);
      return NaN;
    }
    return amount;
  }

  /** Rejects non-purchase lines named in the profile's exclusions. */
  function excluded(s: SourceState, cells: Cell[], line: number): boolean {
    if (s.productCode >= 0 && codes.size) {
      const pc = cells[s.productCode];
      if (pc !== null && pc !== undefined && codes.has(String(pc).trim().toUpperCase())) {
        reject(line, s.detection.columns.productCode, 'excluded', 'Non-purchase line (excluded product code)', pc); return true;
      }
    }
    if (s.description >= 0 && descriptions.size) {
      const dc = cells[s.description];
      if (dc !== null && dc !== undefined && descriptions.has(String(dc).trim().toLowerCase())) {
        reject(line, s.detection.columns.description, 'excluded', 'Non-purchase line (excluded description)', dc); return true;
      }
    }
    return false;
  }

  /** Rejects a line whose status (or a filled cancelled-at cell) says it was no sale; counts every status value. */
  function notASale(s: SourceState, cells: Cell[], line: number): boolean {
    const names = s.detection.columns;
    if (s.cancelledAt >= 0 && !blank(cells[s.cancelledAt])) {
      reject(line, names.cancelledAt, 'cancelled', `Cancelled order (the ${names.cancelledAt} column is filled); not a sale`, cells[s.cancelledAt]);
      return true;
    }
    if (s.status < 0) return false;
    const sc = cells[s.status];
    const value = sc === null || sc === undefined ? '' : sc instanceof Date ? sc.toISOString() : String(sc).trim();
    const r = s.statuses.add(value);
    if (r.cls === 'kept') return false;
    if (r !== lastStatusRule) {
      const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
      lastStatusRule = r;
      lastStatusMessage = `Status "${shown}" reads as ${r.cls} (rule: ${r.rule}); not a sale`;
    }
    reject(line, names.status, r.cls, lastStatusMessage, value);
    return true;
  }

  return {
    beginSource(source, header) {
      if (sources.length >= 65535) throw new InputError('Too many sources for one ingest (65535 at most)');
      const plan = planColumns('transactions', header ? header.map((h) => String(h ?? '')) : null, profile.columns);
      requireRoles('transactions', plan, source);
      const detection: Detection = { kind: 'transactions', source, columns: plan.names, why: plan.why, headers: plan.headers };
      const at = (r: ColumnRole): number => plan.index[r] ?? -1;
      cur = {
        name: source, detection,
        customer: at('customer'), date: at('date'), amount: at('amount'), quantity: at('quantity'), unitPrice: at('unitPrice'),
        orderId: at('orderId'), status: at('status'), refund: at('refund'), productCode: at('productCode'), description: at('description'),
        margin: at('margin'), cost: at('cost'), cancelledAt: at('cancelledAt'),
        statuses: new StatusTally(statusClasses), idCheck: GenericIdCheck.applies(plan) ? new GenericIdCheck(plan, source) : null, dateNumbers: {}, textDates: 0,
      };
      if (cur.margin >= 0 || cur.cost >= 0) hasMargin = true;
      sources.push(cur);
      lastDateCell = lastIdCell = undefined;
      return detection;
    },

    rejectLine(line, reason, message, value) {
      if (!cur) throw new Error('beginSource must be called before rejectLine');
      counts.read++;
      reject(line, null, reason, message, value);
    },

    row(cells, line) {
      const s = cur;
      if (!s) throw new Error('beginSource must be called before row');
      if (finished) throw new Error('row after finish');
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
      if (id === '') { reject(line, names.customer, 'missing-customer-id', 'No customer id (blank or a missing-value token such as NA)', cells[s.customer]); return; }
      s.idCheck?.add(id);
      const dateCell = cells[s.date];
      const same = typeof dateCell === 'string' && dateCell === lastDateCell;
      const text = !same && typeof dateCell === 'string';
      const code = same ? lastCode : text ? dateCache.code(dateCell) : parseDateCell(dateCell, tz);
      lastDateCell = dateCell; lastCode = code;
      if (code !== code) {
        const empty = blank(dateCell);
        reject(line, names.date, empty ? 'missing-date' : 'bad-date', empty ? 'No date' : 'Not a valid date or time this reader understands', dateCell);
        return;
      }
      if (!isAmbiguousCode(code)) {
        if (!same) lastKind = text ? dateCache.kind : dateCellNumericKind(dateCell);
        if (lastKind) s.dateNumbers[lastKind] = (s.dateNumbers[lastKind] ?? 0) + 1;
        else s.textDates++;
        if (code < span.from || code > span.to) { reject(line, names.date, 'date-outside-window', outsideWindow(code), dateCell); return; }
        if (code > asOfDay) { reject(line, names.date, 'after-as-of', `Date after the as-of date ${profile.asOf}`, dateCell); return; }
      }
      const amount = lineAmount(s, cells, line);
      if (amount !== amount) return;
      let refund = 0;
      if (s.refund >= 0 && !blank(cells[s.refund])) {
        refund = parseAmount(cells[s.refund]);
        if (refund !== refund) { reject(line, names.refund, 'bad-amount', `Not a refund amount: ${amountProblem(cells[s.refund])}`, cells[s.refund]); return; }
        refund = Math.abs(refund);
      }
      if (excluded(s, cells, line)) return;
      // Margin of the line: the margin column, else amount − cost; a blank cell: amount × profile margin.
      let margin = amount * profile.margin;
      const mi = s.margin >= 0 ? s.margin : s.cost;
      if (mi >= 0 && !blank(cells[mi])) {
        const v = parseAmount(cells[mi]);
        if (v !== v) { reject(line, s.margin >= 0 ? names.margin : names.cost, 'bad-amount', `${s.margin >= 0 ? 'Not a margin' : 'Not a cost'}: ${amountProblem(cells[mi])}`, cells[mi]); return; }
        margin = s.margin >= 0 ? v : amount - v;
      }
      // Only the order id's first two characters are read (the byte lane passes no more: io/bytes.ts PREFIX_CHARS).
      const oid = s.orderId >= 0 ? cells[s.orderId] : null;
      const creditNote = typeof oid === 'string' && oid.length > 1 && (oid.charCodeAt(0) === 67 || oid.charCodeAt(0) === 99) && oid.charCodeAt(1) >= 48 && oid.charCodeAt(1) <= 57;
      // A non-sale status (cancelled, refunded, unpaid) on a purchase line: the order never counted. Return lines stay returns.
      if (amount >= 0 && !creditNote && notASale(s, cells, line)) return;
      counts.accepted++;
      let gross = 0, buy = 0, ret = Math.round(refund * MONEY_SCALE);
      const cents = Math.round(amount * MONEY_SCALE);
      let mar = Math.round(margin * MONEY_SCALE);
      if (cents < 0) ret += -cents;
      else if (creditNote) { ret += cents; mar = -Math.abs(mar); }
      else { gross = cents; buy = 1; }

      const c = id === lastCustId ? lastCust : idTable.intern(id);
      lastCustId = id; lastCust = c;
      const srcIdx = sources.length - 1;
      const k = ledger.n - 1;
      if (k >= 0 && ledger.cust[k] === c && ledger.code[k] === code && ledger.lastSrc === srcIdx && !isAmbiguousCode(code)) {
        ledger.gross[k] += gross; ledger.ret[k] += ret; ledger.buy[k] |= buy; ledger.mar[k] += mar;
      } else {
        ledger.push(c, code, gross, ret, buy, mar, line, srcIdx);
      }
    },

    finish() {
      const r = this.finishLedger();
      const { summaries, noPurchase, lateFirst } = summarizeLedger(r.ledger, r.ids, summaryOptions(profile, r.hasMargin));
      const warnings = [...r.dateWarnings, ...r.sourceWarnings, ...summaryWarnings(noPurchase, lateFirst, profile)];
      return { summaries, rejects: r.rejects, rejectReasons: r.rejectReasons, counts: r.counts, detections: r.detections, warnings };
    },

    finishLedger() {
      // The id index and the dedupe keys are not needed any more: free them before the summaries are built.
      finished = true;
      idTable.release();
      seen?.clear();
      // Decide each source's day/month order from its ambiguous values.
      const tallies = sources.map(() => ({ mdy: 0, dmy: 0, any: 0 }));
      const amb = ledger.amb;
      for (let a = 0; a < amb.n; a++) {
        const t = tallies[amb.src[a]];
        t.any++;
        const o = ambiguousOrders(ledger.code[amb.entry[a]]);
        if (o === ORDER_BIT_MDY) t.mdy++;
        else if (o === ORDER_BIT_DMY) t.dmy++;
      }
      const orders = sources.map((s, i) => {
        const t = tallies[i];
        if (!t.any) { s.detection.dateOrder = 'YMD'; return 'YMD' as const; }
        const { order: o, by } = settleDateOrder(t.mdy, t.dmy, profile.dateOrder);
        s.detection.dateOrder = o;
        s.detection.dateOrderBy = by;
        if (by === 'default') warnings.push(undecidedOrderWarning(s.name));
        if (t.mdy && t.dmy) warnings.push(`${s.name}: the date column mixes day/month orders; read as ${o}, the other rows are rejected`);
        return o;
      });
      for (let a = 0; a < amb.n; a++) {
        const i = amb.entry[a], line = amb.line[a], src = amb.src[a];
        const code = ledger.code[i];
        const s = sources[src];
        cur = s;
        const day = resolveDateCode(code, orders[src]);
        const raw = code - 1_000_000_000;
        const shown = `${Math.floor(raw / 100) % 100}/${raw % 100}/${Math.floor(raw / 10000)}`;
        if (day !== day) {
          reject(line, s.detection.columns.date, 'bad-date', `Not a date in the column's ${orders[src]} order`, shown);
        } else if (day < span.from || day > span.to) {
          reject(line, s.detection.columns.date, 'date-outside-window', outsideWindow(day), shown);
        } else if (day > asOfDay) {
          reject(line, s.detection.columns.date, 'after-as-of', `Date ${dayToIso(day)} after the as-of date ${profile.asOf}`, shown);
        } else { ledger.code[i] = day; continue; }
        counts.accepted--;
        ledger.cust[i] = -1;
      }
      const dateWarnings = warnings.splice(0);
      for (const s of sources) {
        const w = s.idCheck?.settle();
        if (w) warnings.push(w);
        if (Object.keys(s.dateNumbers).length) s.detection.dateNumbers = s.dateNumbers;
        const styles = Object.entries(s.dateNumbers).map(([k, n]) => `${n} ${k}`).join(', ');
        if (styles && (s.textDates || Object.keys(s.dateNumbers).length > 1)) {
          warnings.push(`${s.name}: the date column mixes styles (${s.textDates ? `${s.textDates} text dates, ` : ''}${styles}); check that the numbers are dates`);
        }
        if (s.status < 0) continue;
        s.detection.statuses = s.statuses.report();
        const u = unknownStatusWarning(s.name, s.statuses.unknown());
        if (u) warnings.push(u);
      }
      return {
        ledger, ids, hasMargin, rejects: log.sorted(), rejectReasons: log.byReason, counts, detections: sources.map((s) => s.detection),
        dateWarnings, sourceWarnings: warnings.splice(0),
      };
    },
  };
}
