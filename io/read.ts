/**
 * Node-side readers: files or byte streams → rows → the core ingest. Streaming throughout: a text
 * file is never held in memory whole. Formats are sniffed from the bytes (gzip, XLSX, JSONL,
 * delimited text with comma / semicolon / tab / pipe, whitespace-aligned text); encodings too
 * (io/decode.ts), unless the profile fixes them. Every physical data line becomes one row read:
 * accepted, or rejected with its line number (docs/ingest.md, "Accounting").
 */
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Profile } from '../core/config.ts';
import type { Cell, CustomerRecord, CustomerSummary, Detection, Reject, RowCounts, SurveyResponse, TableKind } from '../core/types.ts';
import { InputError } from '../core/ingest/errors.ts';
import { excerpt, type RejectSink } from '../core/ingest/rejects.ts';
import { createIngest, hasHeader, type TableIngest, type TableResult } from '../core/ingest/tables.ts';
import { decodeStream, type DecodeReport } from './decode.ts';
import { DelimitedRecords, sniffDelimiter } from './delimited.ts';
import { HAS_FFFD, LineSplitter } from './lines.ts';
import { ByteLines } from './bytes.ts';
import { isAscii } from 'node:buffer';
import { bomOf, canonicalEncoding } from '../core/ingest/encoding.ts';
import { readAhead } from './streams.ts';
import { readXlsx } from './xlsx.ts';

export { InputError, sniffDelimiter };

/** A file path, or a named byte stream (an S3 object body, an upload). */
export type Input = string | { name: string; stream: AsyncIterable<Uint8Array>; size?: number };

const SNIFF_BYTES = 64 * 1024;
/** Bytes per decompressed chunk of a gzip file (zlib's default is 16 KiB: many more chunks, each with its stream overhead). */
const GUNZIP_CHUNK = 256 * 1024;

function inputName(input: Input): string {
  return typeof input === 'string' ? basename(input) : input.name;
}

function openInput(input: Input): AsyncIterable<Uint8Array> {
  if (typeof input !== 'string') return input.stream;
  try {
    if (!statSync(input).isFile()) throw new InputError(`${input}: not a file`);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${input}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return createReadStream(input, { highWaterMark: 1 << 20 });
}

/** The first `min` bytes of a byte stream (or all of it), and the whole stream replayed. */
async function peek(src: AsyncIterable<Uint8Array>, min: number): Promise<{ head: Uint8Array; stream: AsyncIterable<Uint8Array> }> {
  const { head, stream } = await readAhead(src, min);
  return { head: Buffer.concat(head), stream };
}

/** Counts bytes as they pass, for progress reporting. */
async function* counted(src: AsyncIterable<Uint8Array>, onProgress?: (bytes: number) => void): AsyncIterable<Uint8Array> {
  let n = 0;
  for await (const c of src) {
    n += c.length;
    onProgress?.(n);
    yield c;
  }
}

/** Numeric roles whose unquoted `1,234.50` in a comma file explains extra fields. */
const AMOUNT_ROLES = ['amount', 'quantity', 'unitPrice', 'refund', 'cost', 'margin', 'receivable', 'acquisitionCost', 'serviceCost'];
const THOUSANDS_HEAD = /^\s*[-+(]?\s*[¥￥$€£]?\s*-?\d{1,3}$/, THOUSANDS_MID = /^\d{3}$/, THOUSANDS_TAIL = /^\d{3}(\.\d*)?\)?\s*$/;

/**
 * Receives the rows of one input: the header decision is made here, on the first non-blank row;
 * text rows are checked against the header's field count.
 */
class RowSink {
  started = false;
  header = false;
  width = -1;
  badEncoding = 0;
  private amountCols: number[] = [];
  /** Columns some role reads: a short row may only lack columns outside this set. */
  private roleCols = new Set<number>();
  /** Role and column name, from the detection. */
  private roleNames: [string, string][] = [];
  constructor(private ingest: TableIngest<unknown>, private kind: TableKind, private profile: Profile, private name: string, private meta: Partial<Detection>, private comma: boolean) {}
  detection: Detection | null = null;

  /** A row from XLSX or JSONL (no field count to check). */
  row(cells: Cell[], line: number): void {
    if (!this.started) {
      const header = hasHeader(this.kind, cells, this.profile) ? cells : null;
      this.begin(header, cells.length);
      if (header) return;
    }
    this.ingest.row(cells, line);
  }

  /** A record of a text file: it must have the header's field count, or be explained by thousands separators. */
  record(cells: string[], line: number): void {
    if (!this.started) { this.row(cells, line); return; }
    if (cells.length !== this.width) {
      const fitted = this.fit(cells);
      if (!fitted) {
        this.bad(line, 'field-count', `${cells.length} fields where the header has ${this.width}`, cells.join(this.comma ? ',' : ' '));
        return;
      }
      cells = fitted;
    }
    this.ingest.row(cells, line);
  }

  /** A record of the header's width from the fast lane (io/bytes.ts). */
  fastRow(cells: Cell[], line: number): void {
    this.ingest.row(cells, line);
  }

  /**
   * Per column: 0 no role reads it, 1 a role reads its text, 2 every role that may read it is in
   * `numeric`, 3 every role that may read it is in `prefix` (io/bytes.ts `FastTarget.columns`). A
   * role's column is known by name (or `#n`), so every column that name could mean is marked
   * (duplicate headers, a header spelled `#3`).
   */
  columnKinds(numeric: ReadonlySet<string>, prefix: ReadonlySet<string>): Uint8Array {
    const kinds = new Uint8Array(Math.max(this.width, 0));
    const mark = (i: number, k: number) => { if (i >= 0 && i < kinds.length) kinds[i] = kinds[i] === 0 ? k : Math.min(kinds[i], k); };
    const headers = this.detection?.headers ?? [];
    for (const [role, col] of this.roleNames) {
      const k = numeric.has(role) ? 2 : prefix.has(role) ? 3 : 1;
      if (/^#\d+$/.test(col)) mark(Number(col.slice(1)) - 1, k);
      headers.forEach((h, i) => { if (h === col) mark(i, k); });
    }
    return kinds;
  }

  /**
   * A row of the wrong width that loses nothing: extra fields explained by an unquoted thousands
   * separator in exactly one amount column, extra fields that are all empty, or missing trailing
   * fields that no role reads (some writers drop trailing empty cells).
   */
  private fit(cells: string[]): string[] | null {
    const extra = cells.length - this.width;
    if (extra < 0) {
      for (let i = cells.length; i < this.width; i++) if (this.roleCols.has(i)) return null;
      return [...cells, ...new Array<string>(-extra).fill('')];
    }
    if (this.comma) {
      const hits = this.amountCols.filter((i) => THOUSANDS_HEAD.test(cells[i])
        && cells.slice(i + 1, i + extra).every((c) => THOUSANDS_MID.test(c)) && THOUSANDS_TAIL.test(cells[i + extra]));
      if (hits.length === 1) {
        const i = hits[0];
        return [...cells.slice(0, i), cells.slice(i, i + extra + 1).join(','), ...cells.slice(i + extra + 1)];
      }
    }
    for (let i = this.width; i < cells.length; i++) if (cells[i].trim() !== '') return null;
    return cells.slice(0, this.width);
  }

  bad(line: number, reason: string, message: string, text: string): void {
    if (!this.started) throw new InputError(`${this.name}: line ${line} cannot be read (${message}): ${excerpt(text)}`);
    if (reason === 'bad-encoding') this.badEncoding++;
    this.ingest.rejectLine(line, reason, message, text);
  }

  begin(header: Cell[] | null, width: number): void {
    this.started = true;
    this.header = header !== null;
    this.width = width;
    try {
      this.detection = this.ingest.beginSource(this.name, header);
    } catch (e) {
      throw e instanceof InputError ? e : new InputError(`${this.name}: ${(e as Error).message}`);
    }
    const headers = this.detection.headers;
    for (const [role, col] of Object.entries(this.detection.columns)) {
      const i = /^#\d+$/.test(col) ? Number(col.slice(1)) - 1 : headers.indexOf(col);
      this.roleNames.push([role, col]);
      if (i < 0) continue;
      this.roleCols.add(i);
      if (AMOUNT_ROLES.includes(role)) this.amountCols.push(i);
    }
    Object.assign(this.detection, this.meta);
  }

  end(): void {
    if (!this.started) throw new InputError(`${this.name}: no rows (empty file)`);
  }
}

/** Text lines → JSON objects → rows (the first object's keys are the header). */
function jsonLine(sink: RowSink, name: string, text: string, line: number, flags: number): boolean {
  const t = text.trim();
  if (t === '') return false;
  let obj: unknown;
  try { obj = JSON.parse(t); } catch { obj = undefined; }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    if (!sink.started) throw new InputError(`${name}: line ${line} is not a JSON object: ${excerpt(t)}`);
    sink.bad(line, 'bad-json', 'Not a JSON object', t);
    return true;
  }
  if (!sink.started) sink.begin(Object.keys(obj), Object.keys(obj).length);
  if (flags & HAS_FFFD) { sink.bad(line, 'bad-encoding', 'Characters not valid in the file\'s encoding (U+FFFD)', t); return true; }
  const o = obj as Record<string, unknown>;
  const keys = sink.detection!.headers;
  const cells: Cell[] = [];
  for (const k of keys) {
    const v = o[k];
    if (v !== null && typeof v === 'object') { sink.bad(line, 'nested-value', `"${excerpt(k, 40)}" holds an object or a list, not a value`, JSON.stringify(v)); return true; }
    cells.push(v as Cell);
  }
  sink.row(cells, line);
  return true;
}

/** The first `min` characters of a text stream (or all of it), and the whole stream replayed. */
async function peekText(src: AsyncIterable<string>, min: number): Promise<{ sample: string; text: AsyncIterable<string> }> {
  const { head, stream } = await readAhead(src, min);
  return { sample: head.join(''), text: stream };
}

/** Per-format handling of physical lines; `counts` gives the header, blank and joined lines seen. */
function lineReader(format: 'jsonl' | 'whitespace' | 'delimited', delimiter: string, sink: RowSink, name: string, max: number) {
  let header = 0, blank = 0;
  const noteHeader = (was: boolean) => { if (!was && sink.header) header = 1; };
  if (format === 'jsonl') {
    return { onLine: (t: string, n: number, f: number) => { if (!jsonLine(sink, name, t, n, f)) blank++; }, end() {}, counts: () => ({ header: 0, blank, joined: 0 }) };
  }
  if (format === 'whitespace') {
    const onLine = (t: string, n: number, f: number) => {
      const s = t.trim();
      if (s === '') { blank++; return; }
      if (f & HAS_FFFD) { sink.bad(n, 'bad-encoding', 'Characters not valid in the file\'s encoding (U+FFFD)', s); return; }
      const was = sink.started;
      sink.record(s.split(/\s+/), n);
      noteHeader(was);
    };
    return { onLine, end() {}, counts: () => ({ header, blank, joined: 0 }) };
  }
  const rec = new DelimitedRecords(delimiter, max, {
    get width() { return sink.width; },
    record(cells, n) { const was = sink.started; sink.record(cells, n); noteHeader(was); },
    bad: (n, reason, message, t) => sink.bad(n, reason, message, t),
  });
  return {
    rec,
    onLine: (t: string, n: number, f: number) => rec.line(n === 1 && t.charCodeAt(0) === 0xfeff ? t.slice(1) : t, n, f),
    end: () => rec.end(),
    counts: () => ({ header, blank: rec.blank, joined: rec.joined }),
  };
}

/** Chunks pulled from `src`, kept until `stop()` so that a reader can start over from the first byte. */
function recording(src: AsyncIterable<Uint8Array>) {
  const it = src[Symbol.asyncIterator]();
  let kept: Uint8Array[] | null = [];
  const stream: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        const r = await it.next();
        if (!r.done) kept?.push(r.value);
        return r;
      },
    }),
  };
  /** Every chunk pulled so far and then the rest of `src` (the recording ends). */
  const replay = async function* (): AsyncIterable<Uint8Array> {
    const head = kept ?? [];
    kept = null;
    yield* head;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  };
  return { stream, replay, stop: () => { kept = null; }, first: () => kept?.[0] };
}

/** Roles whose plain decimals the fast lane may pass as numbers (they are only ever read by parseAmount). */
const NUMERIC_ROLES = new Set(['amount', 'refund', 'margin', 'cost']);
/** Roles of which the transactions ingest reads only the first characters (io/bytes.ts `PREFIX_CHARS`): the credit-note test of the order id. */
const PREFIX_ROLES = new Set(['orderId']);

/**
 * Whether the fast lane (io/bytes.ts) may read this text: a transactions table, delimited by one
 * ASCII character, without dedupe (which keys on every field), in an encoding that reads ASCII as
 * ASCII, with a pure-ASCII start and no byte-order mark.
 */
function fastLaneApplies(kind: TableKind, profile: Profile, format: string, delimiter: string, sample: string, first: Uint8Array | undefined): boolean {
  if (kind !== 'transactions' || format !== 'delimited' || delimiter.length !== 1 || delimiter.charCodeAt(0) > 0x7f || profile.dedupe) return false;
  const enc = profile.encoding === 'auto' ? 'auto' : canonicalEncoding(profile.encoding);
  if (!enc || enc === 'utf-16le' || enc === 'utf-16be') return false;
  if (!first || bomOf(first)) return false;
  return !/[^\x00-\x7f]/.test(sample);
}

/** Reads `bytes` on the fast lane while they are ASCII; returns the rest of the text (decoded) when a non-ASCII chunk arrives. */
async function fastLane(bytes: AsyncIterable<Uint8Array>, reader: ReturnType<typeof lineReader>, sink: RowSink, lines: LineSplitter, delimiter: string, max: number,
  tooLong: (n: number, head: string) => void, choice: string, report: DecodeReport): Promise<AsyncIterable<string> | null> {
  const rec = reader.rec!;
  const byteLines = new ByteLines(delimiter.charCodeAt(0), max, {
    get width() { return sink.started ? sink.width : -1; },
    get pending() { return rec.pending; },
    columns: () => sink.columnKinds(NUMERIC_ROLES, PREFIX_ROLES),
    slow: reader.onLine,
    record: (cells, n) => sink.fastRow(cells, n),
    blank: () => { rec.blank++; },
    tooLong,
  });
  const it = bytes[Symbol.asyncIterator]();
  for (;;) {
    const r = await it.next();
    if (r.done) break;
    if (!r.value.length) continue;
    const b = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value.buffer, r.value.byteOffset, r.value.length);
    if (byteLines.push(b, isAscii(b))) continue;
    const h = byteLines.handOver();
    lines.resume(h);
    const rest = async function* (): AsyncIterable<Uint8Array> {
      yield* h.pieces;
      yield b;
      for (;;) {
        const x = await it.next();
        if (x.done) return;
        yield x.value;
      }
    };
    return decodeStream(rest(), choice, report, true);
  }
  byteLines.end();
  lines.resume({ lines: byteLines.lines, skipping: false, afterCR: false });
  return null;
}

/** `fastKind`: the table kind when the fast lane may be used, else null. */
async function feedText(bytes: AsyncIterable<Uint8Array>, profile: Profile, meta: Partial<Detection>, name: string, makeSink: (comma: boolean) => RowSink, fastKind: TableKind | null): Promise<RowSink> {
  let report: DecodeReport = { encoding: 'utf-8', warnings: [] };
  const tap = recording(bytes);
  const { sample: raw, text } = await peekText(decodeStream(tap.stream, profile.encoding, report), SNIFF_BYTES);
  const sample = raw.replace(/^\uFEFF/, '');
  if (sample.includes('\u0000')) throw new InputError(`${name}: looks like a binary file, not a table`);
  const jsonl = /^\s*\{/.test(sample);
  const delimiter = jsonl ? ',' : profile.delimiter === 'auto' ? sniffDelimiter(sample) : profile.delimiter;
  if (!jsonl) meta.delimiter = delimiter === '\t' ? 'tab' : delimiter;
  meta.format = jsonl ? 'jsonl' : delimiter === 'whitespace' ? 'whitespace' : 'delimited';
  const sink = makeSink(delimiter === ',');
  const max = profile.maxRecordBytes;
  const reader = lineReader(meta.format as 'jsonl' | 'whitespace' | 'delimited', delimiter, sink, name, max);
  const tooLong = (n: number, head: string) => {
    if (!sink.started) throw new InputError(`${name}: line ${n} runs past ${max} bytes without a line break — not a table file (or raise --max-record-bytes)`);
    sink.bad(n, 'record-too-long', `Line longer than ${max} bytes (--max-record-bytes)`, head);
  };
  const lines = new LineSplitter(max, reader.onLine, tooLong);
  let rest: AsyncIterable<string> | null = text;
  if (fastKind && fastLaneApplies(fastKind, profile, meta.format, delimiter, raw, tap.first())) {
    // Start over from the first byte on the fast lane; the decoding above only served the sniffing.
    report = { encoding: profile.encoding === 'auto' ? 'utf-8' : canonicalEncoding(profile.encoding)!, warnings: [] };
    rest = await fastLane(tap.replay(), reader, sink, lines, delimiter, max, tooLong, profile.encoding, report);
  } else tap.stop();
  if (rest) {
    for await (const chunk of rest) lines.push(chunk);
    lines.end();
  }
  reader.end();
  meta.encoding = report.encoding;
  const warnings = report.warnings.map((w) => `${name}: ${w}`);
  if (sink.badEncoding) {
    warnings.push(`${name}: ${sink.badEncoding} line(s) hold bytes that are not ${report.encoding} and were rejected (bad-encoding): the file mixes encodings or was damaged; re-save it in one encoding, or pass --encoding gb18030, latin1 or cp1252 if most of it is in that one`);
  }
  if (warnings.length) meta.warnings = warnings;
  meta.lines = { physical: lines.lines, ...reader.counts() };
  return sink;
}

async function feedXlsx(bytes: AsyncIterable<Uint8Array>, sink: RowSink, profile: Profile, meta: Partial<Detection>, name: string): Promise<void> {
  meta.format = 'xlsx';
  const warnings: string[] = [];
  const sheet = await readXlsx(bytes, profile, name, { row: (c, n) => sink.row(c, n), bad: (n, r, m, t) => sink.bad(n, r, m, t) }, warnings);
  meta.format = `xlsx:${sheet}`;
  if (sink.badEncoding) warnings.push(`${name}: ${sink.badEncoding} row(s) with U+FFFD in their text were rejected (bad-encoding)`);
  if (warnings.length) meta.warnings = warnings;
}

/**
 * Feed one input's rows into an ingest (several inputs may feed the same ingest). `fastLane: false`
 * reads ASCII text on the text path too (the results are the same; tests compare the two).
 */
export async function feedInput(input: Input, ingest: TableIngest<unknown>, kind: TableKind, profile: Profile, onProgress?: (bytes: number) => void, options: { fastLane?: boolean } = {}): Promise<Detection> {
  const name = inputName(input);
  const meta: Partial<Detection> = {};
  let sink: RowSink | null = null;
  const makeSink = (comma: boolean) => (sink = new RowSink(ingest, kind, profile, name, meta, comma));
  let { head, stream } = await peek(counted(openInput(input), onProgress), SNIFF_BYTES);
  let gzipped = false;
  try {
    if (head[0] === 0x1f && head[1] === 0x8b) {
      const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK });
      const raw = Readable.from(stream);
      raw.on('error', (e) => gunzip.destroy(e));
      ({ head, stream } = await peek(raw.pipe(gunzip), SNIFF_BYTES));
      gzipped = true;
    }
    if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 3 && head[3] === 4) await feedXlsx(stream, makeSink(false), profile, meta, name);
    else await feedText(stream, profile, meta, name, makeSink, options.fastLane === false ? null : kind);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${name}: unreadable (${excerpt((e as Error).message, 200)})`);
  }
  if (gzipped) meta.format = `gzip+${meta.format}`;
  const s = sink as RowSink | null;
  if (!s) throw new InputError(`${name}: no rows (empty file)`);
  s.end();
  Object.assign(s.detection!, meta);
  return s.detection!;
}

/** Read one table of one kind; every reject also goes to `onReject` as it happens. */
export async function readTable<K extends TableKind>(input: Input, kind: K, profile: Profile, onProgress?: (bytes: number) => void, onReject?: RejectSink): Promise<TableResult<K>> {
  const ingest = createIngest(kind, profile, onReject);
  await feedInput(input, ingest as TableIngest<unknown>, kind, profile, onProgress);
  return ingest.finish();
}

export interface Dataset {
  summaries: CustomerSummary[];
  customers: CustomerRecord[];
  surveys: SurveyResponse[];
  /** The first `profile.rejectExamples` rejects of each table (all of them went to `onReject`). */
  rejects: Reject[];
  /** Every reject of every table, counted by reason. */
  rejectReasons: Record<string, number>;
  counts: { transactions: RowCounts; customers?: RowCounts; surveys?: RowCounts };
  detections: Detection[];
  warnings: string[];
}

/** Total size in bytes of the file inputs (for a progress bar); undefined when unknown. */
export function totalSize(inputs: Input[]): number | undefined {
  let n = 0;
  for (const i of inputs) {
    if (typeof i === 'string') { try { n += statSync(i).size; } catch { return undefined; } }
    else if (i.size !== undefined) n += i.size; else return undefined;
  }
  return n;
}

/** Adds reject counts by reason into `to`. */
export const addReasons = (to: Record<string, number>, from: Record<string, number>) => {
  for (const [k, v] of Object.entries(from)) to[k] = (to[k] ?? 0) + v;
};

/**
 * Transactions (one accumulator for all files), master data and surveys. `onProgress` gets bytes
 * read so far over all inputs; `onReject` every reject as it happens (memory keeps only examples).
 */
export async function loadDataset(
  inputs: { transactions: Input[]; customers?: Input[]; surveys?: Input[] },
  profile: Profile,
  onProgress?: (bytes: number) => void,
  onReject?: RejectSink,
): Promise<Dataset> {
  let done = 0;
  const progress = (n: number) => onProgress?.(done + n);
  const after = (i: Input) => { done += typeof i === 'string' ? statSync(i).size : i.size ?? 0; };
  if (!inputs.transactions.length) throw new InputError('No transaction file given');
  const tx = createIngest('transactions', profile, onReject);
  for (const i of inputs.transactions) { await feedInput(i, tx as TableIngest<unknown>, 'transactions', profile, progress); after(i); }
  const t = tx.finish();
  const out: Dataset = {
    summaries: t.summaries, customers: [], surveys: [], rejects: [...t.rejects], rejectReasons: { ...t.rejectReasons },
    counts: { transactions: t.counts }, detections: [...t.detections], warnings: [],
  };
  for (const kind of ['customers', 'surveys'] as const) {
    const list = inputs[kind];
    if (!list?.length) continue;
    const ing = createIngest(kind, profile, onReject);
    for (const i of list) { await feedInput(i, ing as TableIngest<unknown>, kind, profile, progress); after(i); }
    addTableResult(out, kind, ing.finish());
  }
  for (const d of out.detections) out.warnings.push(...(d.warnings ?? []));
  out.warnings.push(...t.warnings);
  return out;
}

/** Adds a finished master-data or survey table to a dataset: its rejects, counts, detections, warnings and rows. */
export function addTableResult(out: Dataset, kind: 'customers' | 'surveys', r: TableResult<'customers'> | TableResult<'surveys'>): void {
  out.rejects.push(...r.rejects);
  addReasons(out.rejectReasons, r.rejectReasons);
  out.counts[kind] = r.counts;
  out.detections.push(...r.detections);
  out.warnings.push(...r.warnings);
  if (kind === 'customers') out.customers = (r as TableResult<'customers'>).records;
  else out.surveys = (r as TableResult<'surveys'>).responses;
}
