/** CSV output helpers (papaparse unparse): always comma-delimited UTF-8 with a header row. */
import { closeSync, createWriteStream, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import Papa from 'papaparse';
import type { Reject } from '../core/types.ts';

export type OutCell = string | number | boolean | null | undefined;

const clean = (r: OutCell[]) => r.map((c) => (c === null || c === undefined ? '' : c));

export function toCsv(header: string[], rows: OutCell[][]): string {
  return Papa.unparse([header, ...rows.map(clean)], { newline: '\n' }) + '\n';
}

/** Streams rows to a file in blocks, so millions of rows don't build one giant string. */
export async function writeCsv(path: string, header: string[], rows: Iterable<OutCell[]>): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const out = createWriteStream(path, { encoding: 'utf8' });
  const write = (s: string) => new Promise<void>((res, rej) => (out.write(s) ? res() : out.once('drain', res), out.once('error', rej)));
  await write(Papa.unparse([header], { newline: '\n' }) + '\n');
  let block: OutCell[][] = [];
  for (const r of rows) {
    block.push(clean(r));
    if (block.length === 10_000) { await write(Papa.unparse(block, { newline: '\n' }) + '\n'); block = []; }
  }
  if (block.length) await write(Papa.unparse(block, { newline: '\n' }) + '\n');
  await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
}

export const REJECT_HEADER = ['source', 'line', 'column', 'reason', 'message', 'value'];

const rejectRow = (r: Reject): OutCell[] => [r.source, r.line, r.column ?? '', r.reason, r.message, r.value ?? ''];

export function writeRejects(path: string, rejects: Reject[]): Promise<void> {
  return writeCsv(path, REJECT_HEADER, (function* () {
    for (const r of rejects) yield rejectRow(r);
  })());
}

/** rejects.csv as one string, for writing to object storage. */
export function rejectsCsv(rejects: Reject[]): string {
  return toCsv(REJECT_HEADER, rejects.map(rejectRow));
}

export interface RejectWriter {
  /** Appends one reject (synchronously, in blocks: memory stays bounded however many come). */
  write(r: Reject): void;
  /** Flushes and closes; the file exists afterwards (header only when there were no rejects). */
  close(): void;
  /** Closes and deletes the file (a failed run leaves no partial rejects.csv). */
  discard(): void;
  /** Rejects not written because `maxBytes` was reached. */
  readonly dropped: number;
}

/**
 * rejects.csv written as rejects arrive, for an ingest's `onReject`; stops writing past `maxBytes`.
 * The file (and its folder) is created at the first reject or at `close`, not before.
 */
export function openRejectWriter(path: string, maxBytes = Infinity): RejectWriter {
  let fd = -1;
  let block: OutCell[][] = [];
  let bytes = 0, dropped = 0, closed = false;
  const put = (s: string) => { const b = Buffer.from(s, 'utf8'); writeSync(fd, b); bytes += b.length; };
  const open = () => {
    if (fd >= 0) return;
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(path, 'w');
    put(Papa.unparse([REJECT_HEADER], { newline: '\n' }) + '\n');
  };
  const flush = () => {
    if (!block.length) return;
    open();
    put(Papa.unparse(block, { newline: '\n' }) + '\n');
    block = [];
  };
  return {
    get dropped() { return dropped; },
    write(r) {
      if (bytes >= maxBytes) { dropped++; return; }
      block.push(rejectRow(r));
      if (block.length === 1000) flush();
    },
    close() {
      if (closed) return;
      closed = true;
      flush();
      open();
      closeSync(fd);
    },
    discard() {
      if (!closed && fd >= 0) closeSync(fd);
      closed = true;
      if (fd >= 0) rmSync(path, { force: true });
    },
  };
}
