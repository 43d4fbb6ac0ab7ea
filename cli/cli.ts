/**
 * The `pyramid` command line (parsing and dispatch; cli/main.ts is the entry point).
 * Exit codes: 0 done, 2 unusable input or bad arguments, 1 unexpected failure.
 */
import { parseArgs } from 'node:util';
import { InputError } from '../core/ingest/errors.ts';
import { runScore } from './score.ts';

export const HELP = `pyramid — score customers from order exports

Usage:
  pyramid score <files…> --as-of YYYY-MM-DD [options]
  pyramid --help

Files: CSV / TSV / semicolon / pipe / whitespace-aligned text, .gz of those, XLSX, JSONL;
UTF-8 (± BOM), UTF-16 with BOM or GBK/GB18030, detected from the bytes.

Options:
  --as-of DATE            day the scores are computed as of (required)
  --time-unit U           day | week | month (default week)
  --config FILE           JSON profile; the flags below override its fields
  --map ROLE=COL,…        column map, e.g. customer=CustomerID,date=3,amount=5
                          (header text or 1-based column number; numbers serve headerless files)
  --customers FILE        customer master data (repeatable)
  --survey FILE           survey responses (repeatable)
  --out DIR               output folder (default ./out)
  --horizon N             CLV horizon in time units
  --discount-rate R       annual discount rate, e.g. 0.1
  --margin M              gross margin 0–1
  --tier-scheme S         zeithaml | ibm | pareto | custom
  --model M               auto (default) | bgnbd | paretonbd | mbgnbd
  --no-intervals          skip the CLV / expected-purchases intervals (faster on large runs)
  --calibration-end DATE  calibration / holdout split
  --encoding E            auto | utf-8 | utf-16le | utf-16be | gb18030
  --delimiter D           auto | , | ; | tab | | | whitespace
  --sheet NAME            XLSX sheet (default: the first)
  --time-zone TZ          IANA zone for timestamps with an offset (default Asia/Shanghai)
  --dedupe                reject exact duplicate lines
  --summary-only          write the per-customer summaries without model scores
  --locale L              en | zh-CN (column labels of customers.csv)

Writes DIR/customers.csv, DIR/rejects.csv and DIR/summary.json.
Example:
  pyramid score orders.csv.gz --as-of 2024-12-31 --time-unit week --out out
`;

/** Command-line arguments → runScore options (throws InputError on bad usage). */
export function parseCli(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      'as-of': { type: 'string' }, 'time-unit': { type: 'string' }, config: { type: 'string' }, map: { type: 'string' },
      customers: { type: 'string', multiple: true }, survey: { type: 'string', multiple: true }, out: { type: 'string' },
      horizon: { type: 'string' }, 'discount-rate': { type: 'string' }, margin: { type: 'string' }, 'tier-scheme': { type: 'string' },
      model: { type: 'string' }, 'calibration-end': { type: 'string' }, encoding: { type: 'string' }, delimiter: { type: 'string' },
      sheet: { type: 'string' }, 'time-zone': { type: 'string' }, dedupe: { type: 'boolean' }, 'summary-only': { type: 'boolean' }, locale: { type: 'string' },
      'no-intervals': { type: 'boolean' },
    },
  });
  if (values.help || positionals.length === 0) return { help: true as const };
  const [command, ...files] = positionals;
  if (command !== 'score') throw new InputError(`Unknown command "${command}"; try pyramid --help`);
  if (!files.length) throw new InputError('No transaction files given; try pyramid --help');
  const o: Record<string, unknown> = {};
  const num = (flag: string, v: string | undefined, key: string) => {
    if (v === undefined) return;
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new InputError(`--${flag} must be a number, got "${v}"`);
    o[key] = n;
  };
  if (values['as-of'] !== undefined) o.asOf = values['as-of'];
  if (values['time-unit'] !== undefined) o.timeUnit = values['time-unit'];
  if (values['calibration-end'] !== undefined) o.calibrationEnd = values['calibration-end'];
  if (values.encoding !== undefined) o.encoding = values.encoding;
  if (values.delimiter !== undefined) o.delimiter = values.delimiter === 'tab' ? '\t' : values.delimiter;
  if (values.sheet !== undefined) o.sheet = values.sheet;
  if (values['time-zone'] !== undefined) o.timeZone = values['time-zone'];
  if (values['tier-scheme'] !== undefined) o.tierScheme = values['tier-scheme'];
  if (values.model !== undefined) o.model = values.model;
  if (values['no-intervals']) o.intervals = { draws: 0 };
  if (values.locale !== undefined) o.locale = values.locale;
  if (values.dedupe) o.dedupe = true;
  num('horizon', values.horizon, 'horizon');
  num('discount-rate', values['discount-rate'], 'discountRate');
  num('margin', values.margin, 'margin');
  if (values.map !== undefined) {
    const columns: Record<string, string | number> = {};
    for (const part of values.map.split(',')) {
      const eq = part.indexOf('=');
      if (eq <= 0) throw new InputError(`--map expects ROLE=COLUMN pairs separated by commas, got "${part}"`);
      const col = part.slice(eq + 1).trim();
      columns[part.slice(0, eq).trim()] = /^\d+$/.test(col) ? Number(col) : col;
    }
    o.columns = columns;
  }
  return {
    help: false as const,
    files, customers: values.customers, surveys: values.survey, config: values.config, out: values.out,
    overrides: o, summaryOnly: values['summary-only'] ?? false,
  };
}

export async function main(argv: string[]): Promise<number> {
  try {
    const a = parseCli(argv);
    if (a.help) { process.stdout.write(HELP); return 0; }
    const { outDir, summary } = await runScore({ ...a, progress: true });
    const rows = summary.rows as { read: number; accepted: number; rejected: number };
    process.stderr.write(`${rows.read} rows read, ${rows.accepted} accepted, ${rows.rejected} rejected; ${summary.customers} customers → ${outDir}\n`);
    return 0;
  } catch (e) {
    const usage = e instanceof InputError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`pyramid: ${(e as Error).message.split('\n')[0]}\n`);
    return usage ? 2 : 1;
  }
}

