/**
 * The `pyramid` command line (parsing and dispatch; cli/main.ts is the entry point).
 * Exit codes: 0 done, 2 a user error (bad flag or profile, unusable or missing input, unwritable
 * output), 1 unexpected failure. Every error is one line on stderr.
 */
import { parseArgs } from 'node:util';
import { InputError } from '../core/ingest/errors.ts';
import { excerpt } from '../core/ingest/rejects.ts';
import { runScore } from './score.ts';

export const HELP = `pyramid — score customers from order exports

Usage:
  pyramid score <files…> --as-of YYYY-MM-DD [options]
  pyramid --help

Files: CSV / TSV / semicolon / pipe / whitespace-aligned text, .gz of those, XLSX, JSONL;
UTF-8 (± BOM), UTF-16 with BOM, GBK/GB18030 or cp1252, detected from the bytes anywhere in the file.

Options:
  --as-of DATE            day the scores are computed as of (required)
  --time-unit U           day | week | month (default week)
  --config FILE           JSON profile; the flags below override its fields
  --map ROLE=COL,…        column map of the transaction files, e.g. customer=CustomerID,date=3,amount=5
                          (header text or 1-based column number; numbers serve headerless files)
  --customers-map ROLE=COL,…  the same for the --customers files
  --survey-map ROLE=COL,…     the same for the --survey files
  --status-map VALUE=CLASS,…  order status values (text or code) → kept | cancelled | refunded | unpaid,
                          e.g. 0=unpaid,1=kept,2=cancelled; overrides the keyword rules
  --date-order O          DMY | MDY | YMD: day/month order of a/b/yyyy dates when the data cannot tell
  --date-from DATE        earliest plausible date (default 1990-01-01); later than as-of + 1 day is rejected too
  --customers FILE        customer master data (repeatable)
  --survey FILE           survey responses (repeatable)
  --out DIR               output folder (default ./out)
  --horizon N             CLV horizon in time units
  --discount-rate R       annual discount rate, e.g. 0.1
  --margin M              gross margin 0–1
  --tier-scheme S         zeithaml | ibm | pareto | custom
  --model M               auto (default) | bgnbd | paretonbd | mbgnbd
  --no-intervals          skip the CLV / expected-purchases intervals (faster on large runs)
  --intervals-budget N    most (frequency, T) × draw evaluations spent on intervals (default 100000,
                          about 5 s; larger bases skip them and say so); 0 = no limit
  --calibration-end DATE  calibration / holdout split
  --encoding E            auto | utf-8 | utf-16le | utf-16be | gb18030 (gbk) | latin1 | cp1252
  --max-record-bytes N    longest line (or quoted multi-line record) read as a row (default 4194304);
                          a longer one is one reject, a file without line breaks fails
  --delimiter D           auto | , | ; | tab | | | whitespace
  --sheet NAME            XLSX sheet (default: the first)
  --time-zone TZ          IANA zone for timestamps with an offset (default Asia/Shanghai)
  --dedupe                reject exact duplicate lines
  --summary-only          write the per-customer summaries without model scores
  --locale L              en | zh-CN (labels, header row of customers.csv, report.html)
  --no-bom                CSV files without the UTF-8 byte order mark (kept by default for Excel)
  --no-report             do not write report.html (the one-page report with charts)
  --threads N             fit the models on N threads at once (default 1); the results are the same
                          numbers for any N
  --verbose               print the seconds spent in each stage (read, fit per model, score, write, report)

Writes DIR/customers.csv, DIR/rejects.csv, DIR/summary.json and DIR/report.html (each to a temporary file, then
renamed; never onto an input). Exit codes: 0 done, 2 user error, 1 unexpected failure.
Example:
  pyramid score orders.csv.gz --as-of 2024-12-31 --time-unit week --out out
`;

/** Most threads `--threads` starts (a run has at most six fits to share out). */
export const MAX_THREADS = 64;

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
      'max-record-bytes': { type: 'string' },
      model: { type: 'string' }, 'calibration-end': { type: 'string' }, encoding: { type: 'string' }, delimiter: { type: 'string' },
      sheet: { type: 'string' }, 'time-zone': { type: 'string' }, dedupe: { type: 'boolean' }, 'summary-only': { type: 'boolean' }, locale: { type: 'string' },
      'no-bom': { type: 'boolean' }, 'no-report': { type: 'boolean' },
      'customers-map': { type: 'string' }, 'survey-map': { type: 'string' }, 'status-map': { type: 'string' }, 'date-order': { type: 'string' },
      'date-from': { type: 'string' },
      'no-intervals': { type: 'boolean' },
      'intervals-budget': { type: 'string' },
      threads: { type: 'string' },
      verbose: { type: 'boolean' },
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
  if (values['intervals-budget'] !== undefined) {
    const n = Number(values['intervals-budget']);
    if (!Number.isInteger(n) || n < 0) throw new InputError(`--intervals-budget must be a whole number ≥ 0, got "${values['intervals-budget']}"`);
    o.intervals = { ...(o.intervals as object | undefined), budget: n };
  }
  let threads = 1;
  if (values.threads !== undefined) {
    threads = Number(values.threads);
    if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) throw new InputError(`--threads must be a whole number from 1 to ${MAX_THREADS}, got "${values.threads}"`);
  }
  if (values.locale !== undefined) o.locale = values.locale;
  if (values.dedupe) o.dedupe = true;
  if (values['no-bom']) o.bom = false;
  num('horizon', values.horizon, 'horizon');
  num('discount-rate', values['discount-rate'], 'discountRate');
  num('margin', values.margin, 'margin');
  num('max-record-bytes', values['max-record-bytes'], 'maxRecordBytes');
  if (values.map !== undefined) o.columns = columnMap('map', values.map);
  if (values['customers-map'] !== undefined) o.customerColumns = columnMap('customers-map', values['customers-map']);
  if (values['survey-map'] !== undefined) o.surveyColumns = columnMap('survey-map', values['survey-map']);
  if (values['status-map'] !== undefined) o.statuses = Object.fromEntries(pairs('status-map', values['status-map'], 'VALUE=kept|cancelled|refunded|unpaid'));
  if (values['date-order'] !== undefined) {
    const d = values['date-order'].toUpperCase();
    if (d !== 'DMY' && d !== 'MDY' && d !== 'YMD') throw new InputError(`--date-order must be DMY, MDY or YMD, got "${values['date-order']}"`);
    o.dateOrder = d;
  }
  if (values['date-from'] !== undefined) o.dateWindow = { from: values['date-from'] };
  return {
    help: false as const,
    files, customers: values.customers, surveys: values.survey, config: values.config, out: values.out,
    overrides: o, summaryOnly: values['summary-only'] ?? false, report: !values['no-report'], verbose: values.verbose ?? false, threads,
  };
}

/** `A=B,C=D` → [[A, B], [C, D]] (split on the first `=` of each part). */
function pairs(flag: string, text: string, shape: string): [string, string][] {
  return text.split(',').map((part) => {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new InputError(`--${flag} expects ${shape} pairs separated by commas, got "${part}"`);
    return [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
  });
}

function columnMap(flag: string, text: string): Record<string, string | number> {
  return Object.fromEntries(pairs(flag, text, 'ROLE=COLUMN').map(([role, col]) => [role, /^\d+$/.test(col) ? Number(col) : col]));
}

export async function main(argv: string[]): Promise<number> {
  try {
    const a = parseCli(argv);
    if (a.help) { process.stdout.write(HELP); return 0; }
    const { outDir, summary, timings } = await runScore({ ...a, progress: true });
    const rows = summary.rows as { read: number; accepted: number; rejected: number };
    for (const w of (summary.warnings as string[] | undefined) ?? []) process.stderr.write(`pyramid: warning: ${oneLine(w)}\n`);
    process.stderr.write(`${rows.read} rows read, ${rows.accepted} accepted, ${rows.rejected} rejected; ${summary.customers} customers → ${outDir}\n`);
    if (a.verbose) process.stderr.write(formatTimings(timings));
    return 0;
  } catch (e) {
    process.stderr.write(`pyramid: ${oneLine((e as Error).message)}\n`);
    return isUserError(e) ? 2 : 1;
  }
}

/** `--verbose`: one line per stage, seconds right-aligned, in the order the stages ran. */
export function formatTimings(timings: Record<string, number>): string {
  const width = Math.max(...Object.keys(timings).map((k) => k.length));
  return Object.entries(timings).map(([k, v]) => `pyramid: ${k.padEnd(width)} ${v.toFixed(3).padStart(8)} s\n`).join('');
}

/** File-system errors the user can fix (a missing folder, no permission, a file where a folder should be). */
const USER_FS_ERRORS = new Set(['ENOENT', 'EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EISDIR', 'ELOOP', 'ENAMETOOLONG', 'EEXIST', 'ENOSPC', 'EDQUOT']);

export function isUserError(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return e instanceof InputError || (typeof code === 'string' && (code.startsWith('ERR_PARSE_ARGS') || USER_FS_ERRORS.has(code)));
}

/** The first line of a message, cut to 500 characters (input content is never echoed at length). */
function oneLine(message: string): string {
  return excerpt(String(message).split(/\r\n|\r|\n/)[0], 500);
}

