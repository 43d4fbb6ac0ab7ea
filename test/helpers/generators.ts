/**
 * Seeded order-file generators for the model robustness tests: the shapes that sent the purchase
 * fits to the parameter boundary. Lines are { id, date (YYYY-MM-DD), amount }.
 */
import { uniform } from '../../scripts/random.ts';

export interface OrderLine { id: string; date: string; amount: number }

const DAY_MS = 86_400_000;
/** The observation window: 18 months ending the day before AS_OF. */
export const START = Date.UTC(2023, 0, 1);
export const WINDOW_DAYS = 546;
export const AS_OF = new Date(START + WINDOW_DAYS * DAY_MS).toISOString().slice(0, 10);

const iso = (day: number) => new Date(START + day * DAY_MS).toISOString().slice(0, 10);
const amount = (r: () => number) => Math.round((10 + 190 * r()) * 100) / 100;

/**
 * Active-span shape: each customer arrives on a uniform day, stays active for an exponential span
 * (mean 90 days for half of them, 180 for the other half) and makes 1–6 purchases on random days
 * inside that span (cut at the end of the window).
 */
export function activeSpanOrders(seed: number, customers = 300): OrderLine[] {
  const r = uniform(seed);
  const out: OrderLine[] = [];
  for (let c = 0; c < customers; c++) {
    const id = `A${String(c + 1).padStart(4, '0')}`;
    const start = Math.floor(r() * WINDOW_DAYS);
    const meanSpan = c % 2 === 0 ? 90 : 180;
    const span = -Math.log(1 - r()) * meanSpan;
    const end = Math.min(WINDOW_DAYS - 1, start + span);
    const n = 1 + Math.floor(r() * 6);
    out.push({ id, date: iso(start), amount: amount(r) });
    for (let k = 1; k < n; k++) out.push({ id, date: iso(start + Math.floor(r() * (end - start + 1))), amount: amount(r) });
  }
  return out;
}

/**
 * Random order file: `rows` lines (100–1,000 in the tests) from customers with 1–6 purchases each
 * on uniform random days of the window.
 */
export function randomOrders(seed: number, rows: number): OrderLine[] {
  const r = uniform(seed);
  const out: OrderLine[] = [];
  let c = 0;
  while (out.length < rows) {
    const id = `R${String(++c).padStart(4, '0')}`;
    const n = Math.min(rows - out.length, 1 + Math.floor(r() * 6));
    for (let k = 0; k < n; k++) out.push({ id, date: iso(Math.floor(r() * WINDOW_DAYS)), amount: amount(r) });
  }
  return out;
}

/** The lines as a CSV file's text, header first. */
export function toCsv(lines: OrderLine[]): string {
  return ['customer_id,order_date,amount', ...lines.map((l) => `${l.id},${l.date},${l.amount}`)].join('\n') + '\n';
}

/** 100–1,000 rows, drawn from the seed, as the random-order tests use. */
export function randomRowCount(seed: number): number {
  return 100 + Math.floor(uniform(seed ^ 0x5bd1e995)() * 901);
}
