/**
 * Node-side readers: files or byte streams → rows → the core ingest. Streaming throughout: a file
 * is never held in memory whole. Formats are sniffed from the bytes (gzip, XLSX, JSONL, delimited
 * text with comma / semicolon / tab / pipe, whitespace-aligned text); encodings from the bytes
 * (byte-order marks, UTF-8 validity, else GB18030), unless the profile fixes them.
 */
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import Papa from 'papaparse';
import ExcelJS from 'exceljs';
import type { Profile } from '../core/config.ts';
import type { Cell, CustomerRecord, CustomerSummary, Detection, Reject, RowCounts, SurveyResponse, TableKind } from '../core/types.ts';
import { InputError } from '../core/ingest/errors.ts';
import { detectEncoding } from '../core/ingest/encoding.ts';
import { createIngest, hasHeader, type TableIngest, type TableResult } from '../core/ingest/tables.ts';

export { InputError };

/** A file path, or a named byte stream (an S3 object body, an upload). */
export type Input = string | { name: string; stream: AsyncIterable<Uint8Array>; size?: number };

const SNIFF_BYTES = 64 * 1024;

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

/** Reads ahead until `min` bytes (or the end), then replays them followed by the rest of the stream. */
async function peek(src: AsyncIterable<Uint8Array>, min: number): Promise<{ head: Uint8Array; stream: AsyncIterable<Uint8Array> }> {
  const it = src[Symbol.asyncIterator]();
  const chunks: Uint8Array[] = [];
  let size = 0, done = false;
  while (size < min) {
    const r = await it.next();
    if (r.done) { done = true; break; }
    chunks.push(r.value);
    size += r.value.length;
  }
  const head = Buffer.concat(chunks);
  async function* rest(): AsyncIterable<Uint8Array> {
    if (head.length) yield head;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  return { head, stream: rest() };
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

/** Receives the rows of one input: the header decision is made here, on the first non-blank row. */
class RowSink {
  private started = false;
  constructor(private ingest: TableIngest<unknown>, private kind: TableKind, private profile: Profile, private name: string, private meta: Partial<Detection>) {}
  detection: Detection | null = null;

  row(cells: Cell[], line: number): void {
    if (!this.started) {
      this.started = true;
      const header = hasHeader(this.kind, cells, this.profile) ? cells : null;
      this.begin(header);
      if (header) return;
    }
    this.ingest.row(cells, line);
  }

  begin(header: Cell[] | null): void {
    this.started = true;
    try {
      this.detection = this.ingest.beginSource(this.name, header);
    } catch (e) {
      throw e instanceof InputError ? e : new InputError(`${this.name}: ${(e as Error).message}`);
    }
    Object.assign(this.detection, this.meta);
  }

  end(): void {
    if (!this.started) throw new InputError(`${this.name}: no rows (empty file)`);
  }
}

function isBlank(cells: Cell[]): boolean {
  for (const c of cells) if (c !== '' && c !== null && c !== undefined) return false;
  return true;
}

/** Delimiter from the first lines: the candidate that splits every line into the same number (> 1) of fields. */
export function sniffDelimiter(sample: string): ',' | ';' | '\t' | '|' | 'whitespace' {
  const lines = sample.split(/\r?\n/).slice(0, 30).filter((l) => l.trim() !== '');
  if (lines.length > 1 && !sample.endsWith('\n')) lines.pop(); // last line may be cut off
  let best: ',' | ';' | '\t' | '|' | null = null, bestScore = 0;
  for (const d of [',', ';', '\t', '|'] as const) {
    const counts = lines.map((l) => Papa.parse<string[]>(l, { delimiter: d }).data[0]?.length ?? 1);
    if (!counts.length || counts[0] < 2) continue;
    const consistent = counts.filter((c) => c === counts[0]).length / counts.length;
    const score = consistent * counts[0];
    if (consistent >= 0.9 && score > bestScore) { best = d; bestScore = score; }
  }
  if (best) return best;
  const ws = lines.map((l) => l.trim().split(/\s+/).length);
  if (ws.length && ws[0] > 1 && ws.every((c) => c === ws[0])) return 'whitespace';
  return ',';
}

async function* decodeText(bytes: AsyncIterable<Uint8Array>, encoding: string): AsyncIterable<string> {
  const dec = new TextDecoder(encoding);
  for await (const c of bytes) {
    const s = dec.decode(c, { stream: true });
    if (s) yield s;
  }
  const tail = dec.decode();
  if (tail) yield tail;
}

async function* lines(text: AsyncIterable<string>): AsyncIterable<string> {
  let rest = '';
  for await (const chunk of text) {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const p of parts) yield p.endsWith('\r') ? p.slice(0, -1) : p;
  }
  if (rest !== '') yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
}

async function feedText(bytes: AsyncIterable<Uint8Array>, head: Uint8Array, sink: RowSink, profile: Profile, meta: Partial<Detection>, name: string): Promise<void> {
  const guess = detectEncoding(head);
  const encoding = profile.encoding === 'auto' ? guess.encoding : profile.encoding;
  meta.encoding = encoding;
  let decoder: { decode(b: Uint8Array): string };
  try { decoder = new TextDecoder(encoding); } catch { throw new InputError(`${name}: unsupported encoding ${encoding}`); }
  const sample = decoder.decode(head.subarray(0, SNIFF_BYTES)).replace(/^\uFEFF/, '');
  if (sample.includes('\u0000')) throw new InputError(`${name}: looks like a binary file, not a table`);
  const text = decodeText(bytes, encoding);
  if (/^\s*\{/.test(sample)) {
    meta.format = 'jsonl';
    let keys: string[] | null = null, n = 0;
    for await (const l of lines(text)) {
      n++;
      const t = l.trim();
      if (t === '') continue;
      let obj: Record<string, unknown>;
      try { obj = JSON.parse(t); } catch { throw new InputError(`${name}: line ${n} is not JSON`); }
      if (!keys) { keys = Object.keys(obj); sink.begin(keys); }
      sink.row(keys.map((k) => obj[k] as Cell), n);
    }
    return;
  }
  const delimiter = profile.delimiter === 'auto' ? sniffDelimiter(sample) : profile.delimiter;
  meta.delimiter = delimiter === '\t' ? 'tab' : delimiter;
  if (delimiter === 'whitespace') {
    meta.format = 'whitespace';
    let n = 0;
    for await (const l of lines(text)) {
      n++;
      const t = l.trim();
      if (t !== '') sink.row(t.split(/\s+/), n);
    }
    return;
  }
  meta.format = 'delimited';
  await feedDelimited(text, delimiter, sink);
}

/** Blocks of quote-free lines are split directly; blocks with quotes go to papaparse. See bench/ingest.bench.ts. */
const MAX_CARRY = 16 * 1024 * 1024;

function quotesBefore(s: string, end: number): number {
  let q = 0;
  for (let i = s.indexOf('"'); i >= 0 && i < end; i = s.indexOf('"', i + 1)) q++;
  return q;
}

/**
 * Delimited text, streamed in blocks cut at a line end outside any quoted field (an even number of
 * quotes before the cut). Most exports have no quotes at all: those blocks are split on the
 * delimiter, the rest are parsed by papaparse, so quoting, escaped quotes and newlines inside
 * fields follow RFC 4180. Line numbers count records (a field spanning lines is one record).
 */
async function feedDelimited(text: AsyncIterable<string>, delimiter: string, sink: RowSink): Promise<void> {
  let n = 0, rest = '';
  const emit = (block: string) => {
    if (block.indexOf('"') < 0) {
      for (let start = 0; start <= block.length;) {
        let end = block.indexOf('\n', start);
        if (end < 0) end = block.length;
        const lineEnd = end > start && block.charCodeAt(end - 1) === 13 ? end - 1 : end;
        n++;
        if (lineEnd > start) {
          const cells = block.slice(start, lineEnd).split(delimiter);
          if (!isBlank(cells)) sink.row(cells, n);
        }
        start = end + 1;
      }
      return;
    }
    const parsed = Papa.parse<string[]>(block, { delimiter });
    for (const r of parsed.data) {
      n++;
      if (!isBlank(r)) sink.row(r, n);
    }
  };
  for await (const chunk of text) {
    const buf = rest + chunk;
    const cut = buf.lastIndexOf('\n');
    if (cut < 0 || (quotesBefore(buf, cut) % 2 === 1 && buf.length < MAX_CARRY)) { rest = buf; continue; }
    emit(buf.slice(0, cut > 0 && buf.charCodeAt(cut - 1) === 13 ? cut - 1 : cut));
    rest = buf.slice(cut + 1);
  }
  if (rest.endsWith('\r')) rest = rest.slice(0, -1);
  if (rest !== '') emit(rest);
}

function xlsxCell(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) {
    // exceljs returns wall-clock times as UTC; keep them as local text so no zone shift applies.
    return v.toISOString().slice(0, 19).replace('T', ' ');
  }
  if (typeof v === 'object') {
    const o = v as unknown as Record<string, unknown>;
    if ('result' in o) return xlsxCell(o.result as ExcelJS.CellValue);
    if ('richText' in o) return (o.richText as { text: string }[]).map((t) => t.text).join('');
    if ('text' in o) return String(o.text);
    if ('error' in o) return null;
    return String(v);
  }
  return v as Cell;
}

async function feedXlsx(bytes: AsyncIterable<Uint8Array>, sink: RowSink, profile: Profile, meta: Partial<Detection>, name: string): Promise<void> {
  meta.format = 'xlsx';
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(bytes), {
    worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore',
  });
  let found = false;
  for await (const ws of reader) {
    const sheet = ws as unknown as AsyncIterable<ExcelJS.Row> & { name: string };
    if (found || (profile.sheet && sheet.name !== profile.sheet)) {
      for await (const _ of sheet) { /* drain: the zip is read in order */ }
      continue;
    }
    found = true;
    meta.format = `xlsx:${sheet.name}`;
    for await (const row of sheet) {
      const values = row.values as ExcelJS.CellValue[];
      const cells: Cell[] = [];
      for (let i = 1; i < values.length; i++) cells.push(xlsxCell(values[i]));
      if (!isBlank(cells)) sink.row(cells, row.number);
    }
  }
  if (!found) throw new InputError(profile.sheet ? `${name}: no sheet named "${profile.sheet}"` : `${name}: the workbook has no sheets`);
}

/** Feed one input's rows into an ingest (several inputs may feed the same ingest). */
export async function feedInput(input: Input, ingest: TableIngest<unknown>, kind: TableKind, profile: Profile, onProgress?: (bytes: number) => void): Promise<Detection> {
  const name = inputName(input);
  const meta: Partial<Detection> = {};
  const sink = new RowSink(ingest, kind, profile, name, meta);
  let { head, stream } = await peek(counted(openInput(input), onProgress), SNIFF_BYTES);
  let gzipped = false;
  try {
    if (head[0] === 0x1f && head[1] === 0x8b) {
      const gunzip = createGunzip();
      const raw = Readable.from(stream);
      raw.on('error', (e) => gunzip.destroy(e));
      ({ head, stream } = await peek(raw.pipe(gunzip), SNIFF_BYTES));
      gzipped = true;
    }
    if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 3 && head[3] === 4) await feedXlsx(stream, sink, profile, meta, name);
    else await feedText(stream, head, sink, profile, meta, name);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${name}: unreadable (${(e as Error).message})`);
  }
  if (gzipped) meta.format = `gzip+${meta.format}`;
  sink.end();
  Object.assign(sink.detection!, meta);
  return sink.detection!;
}

/** Read one table of one kind. */
export async function readTable<K extends TableKind>(input: Input, kind: K, profile: Profile, onProgress?: (bytes: number) => void): Promise<TableResult<K>> {
  const ingest = createIngest(kind, profile);
  await feedInput(input, ingest as TableIngest<unknown>, kind, profile, onProgress);
  return ingest.finish();
}

export interface Dataset {
  summaries: CustomerSummary[];
  customers: CustomerRecord[];
  surveys: SurveyResponse[];
  rejects: Reject[];
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

/** Transactions (one accumulator for all files), master data and surveys. `onProgress` gets bytes read so far over all inputs. */
export async function loadDataset(
  inputs: { transactions: Input[]; customers?: Input[]; surveys?: Input[] },
  profile: Profile,
  onProgress?: (bytes: number) => void,
): Promise<Dataset> {
  let done = 0;
  const progress = (n: number) => onProgress?.(done + n);
  const after = (i: Input) => { done += typeof i === 'string' ? statSync(i).size : i.size ?? 0; };
  if (!inputs.transactions.length) throw new InputError('No transaction file given');
  const tx = createIngest('transactions', profile);
  for (const i of inputs.transactions) { await feedInput(i, tx as TableIngest<unknown>, 'transactions', profile, progress); after(i); }
  const t = tx.finish();
  const out: Dataset = {
    summaries: t.summaries, customers: [], surveys: [], rejects: [...t.rejects],
    counts: { transactions: t.counts }, detections: [...t.detections], warnings: [...t.warnings],
  };
  for (const kind of ['customers', 'surveys'] as const) {
    const list = inputs[kind];
    if (!list?.length) continue;
    const ing = createIngest(kind, profile);
    for (const i of list) { await feedInput(i, ing as TableIngest<unknown>, kind, profile, progress); after(i); }
    const r = ing.finish();
    out.rejects.push(...r.rejects);
    out.counts[kind] = r.counts;
    out.detections.push(...r.detections);
    out.warnings.push(...r.warnings);
    if (kind === 'customers') out.customers = (r as TableResult<'customers'>).records;
    else out.surveys = (r as TableResult<'surveys'>).responses;
  }
  return out;
}
