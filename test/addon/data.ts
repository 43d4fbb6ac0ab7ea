/** Deterministic synthetic order lines for the add-on tests and benchmark (no real data needed). */
import { uniform } from '../../scripts/random.ts';

export const rng = uniform;

export interface Line { id: string; date: string; amount: number }

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * About `lines` order lines over 2023-01-01 … 2024-06-30 from customers who buy at their own
 * rate and may drop out (buy-till-you-die), with amounts in cents.
 */
export function orderLines(lines: number, seed = 7): Line[] {
  const r = rng(seed);
  const start = Date.UTC(2023, 0, 1);
  const days = 546;
  const out: Line[] = [];
  let c = 0;
  while (out.length < lines) {
    const id = `C${String(++c).padStart(6, '0')}`;
    let day = Math.floor(r() * days * 0.8);
    const rate = 0.005 + r() * 0.08; // purchases per day while alive
    const spend = 10 + r() * 190;
    const dropout = 0.5 * r() * r(); // heterogeneous, as BG/NBD assumes
    while (day < days && out.length < lines) {
      out.push({ id, date: iso(start + day * 86_400_000), amount: Math.round(spend * (0.5 + r()) * 100) / 100 });
      if (r() < dropout) break;
      day += 1 + Math.floor(-Math.log(1 - r()) / rate);
    }
  }
  return out;
}

/** A spreadsheet date cell: midnight of the day in the sheet's zone, as Sheets hands it over. */
export function sheetDate(isoDay: string, zoneOffsetHours: number): Date {
  const [y, m, d] = isoDay.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d) - zoneOffsetHours * 3_600_000);
}

/**
 * Exactly `lines` order lines from about `customers` customers, most of whom buy once (a real
 * shop at 50,000 lines has ≈ 37,000 customers): buy-till-you-die with a first purchase anywhere in
 * 2023-01-01 … 2024-06-30, heterogeneous rates and a high, heterogeneous drop-out chance tuned so
 * that lines / customers comes out near the ratio asked for. Amounts in cents.
 */
export function shopLines(lines: number, customers: number, seed = 7): Line[] {
  const r = rng(seed);
  const start = Date.UTC(2023, 0, 1);
  const days = 546;
  const repeat = Math.min(0.95, Math.max(0, 1 - customers / lines)) * 2; // mean chance of buying again, before the horizon cuts it
  const out: Line[] = [];
  for (let c = 1; out.length < lines; c++) {
    const id = `C${String(c).padStart(6, '0')}`;
    let day = Math.floor(r() * days);
    const rate = 0.01 + r() * 0.05;
    const stay = Math.min(0.98, repeat * r());
    const spend = 10 + r() * 190;
    do {
      out.push({ id, date: iso(start + day * 86_400_000), amount: Math.round(spend * (0.5 + r()) * 100) / 100 });
      day += 1 + Math.floor(-Math.log(1 - r()) / rate);
    } while (day < days && r() < stay && out.length < lines);
  }
  return out;
}
