/**
 * Saved state of a sidebar run, so that a run Apps Script stops at its 6-minute limit (or one that
 * yields before it) continues where it stopped instead of starting again.
 *
 * - The run's descriptor (settings, source range, columns kept, next row to read, chunks saved) is
 *   a document property `pyramid-run:<id>`: a few hundred bytes of the 9 KB a value may hold.
 * - The rows read so far fit neither the properties (500 KB per store) nor the cache (100 KB per
 *   value, and entries may be evicted before their 6 hours), so they are kept in a hidden sheet,
 *   one row per chunk of source rows: the chunk's first line number, its number of parts, then its
 *   cells as JSON text cut into cells of at most 50,000 characters (Sheets' limit per cell).
 *   Chunk k always goes to row k + 1, so a chunk read again after a time-out overwrites itself and
 *   is never counted twice.
 * Both are deleted when the run ends, fails or is cancelled; a state left by a run nobody resumed
 * is deleted by the next run after 6 hours.
 */
import type { Cell } from '../../core/types.ts';
import { growGrid } from './grid.ts';
import './gas.ts';

export const CELL_CHARS = 50_000;
export const PROPERTY_VALUE_LIMIT = 9 * 1024;
const STALE_MS = 6 * 3600 * 1000;
const PREFIX = 'pyramid-run:';

export interface RunState {
  runId: string;
  /** The run's settings as the sidebar sent them (validated again on every resume). */
  options: Record<string, unknown>;
  sheetName: string;
  /** Source block: header row, first column, last row, width (1-based, inclusive). */
  top: number;
  left: number;
  bottom: number;
  width: number;
  /** 0-based offsets (within the block) of the columns the ingest uses, and their headers. */
  keep: number[];
  header: string[];
  /** Position of the customer id within the kept columns (-1: none mapped). */
  idCol: number;
  /** Next source row to read, and chunks saved so far. */
  next: number;
  chunks: number;
  /** Widest saved chunk row (columns), to read them back in one call. */
  stateWidth: number;
  started: number;
}

function props(): any {
  return PropertiesService.getDocumentProperties();
}

export const stateSheetName = (runId: string) => `pyramid-state ${runId}`.slice(0, 99);

export function saveState(s: RunState): void {
  const text = JSON.stringify(s);
  if (text.length * 3 > PROPERTY_VALUE_LIMIT) {
    throw new Error('runSegmentation: the column headers are too long to save the run\'s progress (9 KB); shorten them');
  }
  props().setProperty(PREFIX + s.runId, text);
}

export function loadState(runId: string): RunState | null {
  const text = props().getProperty(PREFIX + runId);
  return text ? (JSON.parse(text) as RunState) : null;
}

/** Deletes a run's descriptor and hidden sheet. */
export function deleteState(runId: string): void {
  try {
    props().deleteProperty(PREFIX + runId);
  } catch {
    // nothing saved
  }
  const ss = SpreadsheetApp.getActive();
  const sheet = ss.getSheetByName(stateSheetName(runId));
  if (sheet) ss.deleteSheet(sheet);
}

/** Deletes the state of runs started more than 6 hours ago (their sidebar is gone). */
export function deleteStaleStates(now: number): void {
  const all: Record<string, string> = props().getProperties() ?? {};
  for (const [k, v] of Object.entries(all)) {
    if (!k.startsWith(PREFIX)) continue;
    let started = 0;
    try { started = (JSON.parse(v) as RunState).started; } catch { /* damaged: delete */ }
    if (!(now - started < STALE_MS)) deleteState(k.slice(PREFIX.length));
  }
}

/** The run's hidden sheet, created on first use. */
export function stateSheet(runId: string): any {
  const ss = SpreadsheetApp.getActive();
  const name = stateSheetName(runId);
  let sheet = ss.getSheetByName(name);
  if (!sheet) {
    const active = ss.getActiveSheet(); // insertSheet activates the new sheet: give the user theirs back
    sheet = ss.insertSheet(name);
    sheet.hideSheet();
    if (active) ss.setActiveSheet(active);
  }
  return sheet;
}

/** Saves chunk k (0-based): its first line number and its rows. Returns the row's width. */
export function saveChunk(sheet: any, k: number, firstLine: number, rows: Cell[][]): number {
  const text = JSON.stringify(rows);
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += CELL_CHARS) parts.push(text.slice(i, i + CELL_CHARS));
  const width = 2 + parts.length;
  growGrid(sheet, k + 1, width);
  sheet.getRange(k + 1, 1, 1, width).setValues([[firstLine, parts.length, ...parts]]);
  return width;
}

/** Every saved chunk, in order. */
export function readChunks(sheet: any, s: RunState): { firstLine: number; rows: Cell[][] }[] {
  if (s.chunks === 0) return [];
  const block: Cell[][] = sheet.getRange(1, 1, s.chunks, s.stateWidth).getValues();
  return block.map((r) => {
    const n = Number(r[1]);
    return { firstLine: Number(r[0]), rows: JSON.parse(r.slice(2, 2 + n).join('')) as Cell[][] };
  });
}
