/**
 * The options argument of PYRAMID_SCORES: a two-column range (key | value) or text
 * `"horizon=26; discount=8%; margin=0.4; model=bgnbd; tier=ibm; locale=zh-CN"`.
 * Keys are case-insensitive and take a few aliases; an unknown key is an error that lists the
 * known ones (a typo must not be silently ignored).
 */
import { ArgError } from './args.ts';

export const OPTION_KEYS = {
  horizon: ['horizon', 'periods', '预测期'],
  discount: ['discount', 'discount_rate', 'discountrate', '折现率'],
  margin: ['margin', '毛利率'],
  model: ['model', '模型'],
  tier: ['tier', 'tier_scheme', 'tierscheme', 'scheme', '层级方案'],
  locale: ['locale', 'language', '语言'],
  timeUnit: ['time_unit', 'timeunit', 'unit', '时间单位'],
  bins: ['bins'],
} as const;
export type OptionKey = keyof typeof OPTION_KEYS;

const ALIAS = new Map<string, OptionKey>();
for (const [key, names] of Object.entries(OPTION_KEYS) as [OptionKey, readonly string[]][]) for (const n of names) ALIAS.set(n, key);

const blank = (v: unknown) => v === null || v === undefined || v === '';

/** Options as key → raw cell value; blank rows skipped. */
export function parseOptions(arg: unknown, fn: string): Partial<Record<OptionKey, unknown>> {
  const pairs: [unknown, unknown][] = [];
  if (blank(arg)) return {};
  if (typeof arg === 'string') {
    for (const part of arg.split(/[;；\n]/)) {
      if (part.trim() === '') continue;
      const eq = part.search(/[=:：]/);
      if (eq < 0) throw new ArgError(`${fn}: options must be "key=value; …", got ${JSON.stringify(part.trim())}`);
      pairs.push([part.slice(0, eq), part.slice(eq + 1).trim()]);
    }
  } else if (Array.isArray(arg) && arg.every((r) => Array.isArray(r))) {
    const rows = arg as unknown[][];
    if (rows.length === 1 && rows[0].length === 1) return parseOptions(rows[0][0], fn);
    if (rows[0].length !== 2) throw new ArgError(`${fn}: options must be a two-column range (key, value) or "key=value; …" text, got ${rows.length}×${rows[0].length} cells`);
    for (const [k, v] of rows) if (!blank(k)) pairs.push([k, v]);
  } else {
    throw new ArgError(`${fn}: options must be a two-column range (key, value) or "key=value; …" text, got ${JSON.stringify(arg)}`);
  }
  const out: Partial<Record<OptionKey, unknown>> = {};
  for (const [k, v] of pairs) {
    const name = String(k).trim().toLowerCase();
    const key = ALIAS.get(name);
    if (!key) throw new ArgError(`${fn}: unknown option ${JSON.stringify(String(k).trim())} (known: ${Object.keys(OPTION_KEYS).join(', ')})`);
    if (key in out) throw new ArgError(`${fn}: option ${key} is given twice`);
    out[key] = v;
  }
  return out;
}
