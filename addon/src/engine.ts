/**
 * The one path from spreadsheet cells to scores, shared by the custom functions and the sidebar:
 * the core's ingest with an explicit column map, then the core's pipeline, with the fit stage
 * taken from the cache when the same data was fitted before (fitcache.ts).
 */
import { resolveProfile } from '../../core/config.ts';
import type { Profile } from '../../core/config.ts';
import { createTransactionIngest } from '../../core/ingest/index.ts';
import { prepareInput, scoreFitted, type ScoreInput } from '../../core/pipeline.ts';
import type { Cell, CustomerScore, CustomerSummary, Reject, ScoreRun } from '../../core/types.ts';
import { predict } from '../../core/pipeline/predict.ts';
import { rank } from '../../core/pipeline/rank.ts';
import { classify } from '../../core/pipeline/classify.ts';
import { ArgError, dayFormatter } from './args.ts';
import { cachedFit } from './fitcache.ts';

export const TX_HEADER = ['customer', 'date', 'amount'];

/** Builds the profile for a run; resolveProfile validates and fills defaults. */
export function profileFor(fn: string, partial: Partial<Profile>): Profile {
  try {
    return resolveProfile(partial);
  } catch (e) {
    throw new ArgError(`${fn}: ${(e as Error).message}`);
  }
}

function firstReject(rejects: Reject[]): string {
  const r = rejects[0];
  return r ? ` (first problem: row ${r.line - 1}: ${r.message})` : '';
}

export interface Ingested {
  summaries: CustomerSummary[];
  /** Ids that were numbers in the sheet: they go back as numbers, so VLOOKUP on them works. */
  numericIds: Set<string>;
}

/**
 * Id/date/amount columns → per-customer summaries, streamed into the core's ingest one line at a
 * time (no copy of the table is made). Without amounts every row counts as a purchase of 1.
 * Lines are numbered as in ingestTable (a header line 1, then the rows); blank rows are skipped.
 */
export function summarize(fn: string, ids: Cell[], dates: Cell[], amounts: Cell[] | null, profile: Profile, timeZone: string): Ingested {
  const toDay = dayFormatter(timeZone);
  const numericIds = new Set<string>();
  const ingest = createTransactionIngest({ ...profile, columns: { customer: 'customer', date: 'date', amount: 'amount' }, header: true });
  ingest.beginSource(fn, TX_HEADER);
  const row: Cell[] = ['', '', 1];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i], date = dates[i], amount = amounts ? amounts[i] : 1;
    if (blank(id) && blank(date) && blank(amount)) continue;
    if (typeof id === 'number' && Number.isFinite(id)) numericIds.add(String(id));
    row[0] = id; row[1] = toDay(date); row[2] = amount;
    ingest.row(row, i + 2);
  }
  const t = ingest.finish();
  if (t.summaries.length === 0) throw new ArgError(`${fn}: no usable rows in the ranges${firstReject(t.rejects)}`);
  return { summaries: t.summaries, numericIds };
}

const blank = (c: Cell) => c === null || c === undefined || c === '';

/** A customer id as the sheet had it: a number when it was one. */
export function idCell(id: string, numericIds: Set<string>): string | number {
  return numericIds.has(id) ? Number(id) : id;
}

export function prepare(summaries: CustomerSummary[], profile: Profile): ScoreInput {
  return prepareInput(summaries, profile, {});
}

/** Every score, fitting the models only when this data was not fitted before. */
export function score(input: ScoreInput): ScoreRun {
  return scoreFitted(input, cachedFit(input).fitted);
}

/**
 * The per-customer scores only (the pipeline's predict → rank → classify stages), without the
 * base-wide aggregates, retention tables and holdout a formula does not show: what
 * PYRAMID_SCORES returns, in less time.
 */
export function customerScores(input: ScoreInput): CustomerScore[] {
  const fitted = cachedFit(input).fitted;
  const p = predict(input, fitted);
  return classify(input, p, rank(input, p));
}
