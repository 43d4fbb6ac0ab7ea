/**
 * The one path from spreadsheet cells to scores, shared by the custom functions and the sidebar:
 * the core's ingest with an explicit column map, then the core's scoring pipeline.
 */
import { resolveProfile } from '../../core/config.ts';
import type { Profile } from '../../core/config.ts';
import { ingestTable } from '../../core/ingest/index.ts';
import { scoreCustomers } from '../../core/pipeline.ts';
import type { Cell, CustomerSummary, Reject, ScoreRun } from '../../core/types.ts';
import { ArgError, dayFormatter } from './args.ts';

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

/** Id/date/amount columns → per-customer summaries. Without amounts every row counts as a purchase of 1. */
export function summarize(fn: string, ids: Cell[], dates: Cell[], amounts: Cell[] | null, profile: Profile, timeZone: string): CustomerSummary[] {
  const toDay = dayFormatter(timeZone);
  const rows: Cell[][] = new Array(ids.length + 1);
  rows[0] = TX_HEADER;
  for (let i = 0; i < ids.length; i++) rows[i + 1] = [ids[i], toDay(dates[i]), amounts ? amounts[i] : 1];
  const columns = { customer: 'customer', date: 'date', amount: 'amount' };
  const t = ingestTable('transactions', rows, { ...profile, columns, header: true }, fn);
  if (t.summaries.length === 0) throw new ArgError(`${fn}: no usable rows in the ranges${firstReject(t.rejects)}`);
  return t.summaries;
}

export function score(summaries: CustomerSummary[], profile: Profile): ScoreRun {
  return scoreCustomers(summaries, profile, {});
}
