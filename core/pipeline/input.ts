/**
 * Stage 0 of scoring: the validated, ordered input every later stage reads. Customers are sorted
 * by id, so results depend only on the set of summaries, never on row order or sharding.
 */
import type { Profile } from '../config.ts';
import type { CustomerRecord, CustomerSummary, DayNumber, Reject, SurveyResponse } from '../types.ts';
import { InputError } from '../ingest/errors.ts';
import { dayToIso } from '../dates.ts';
import { isoToDay } from '../report/format.ts';
import { latestResponses } from '../scores/satisfaction.ts';
import { stopwatch, type Clock, type Stopwatch } from './timings.ts';
import type { FitRunner } from '../models/fit-jobs.ts';

export interface ScoreExtra {
  customers?: CustomerRecord[];
  surveys?: SurveyResponse[];
  /** A clock for stage timings (e.g. `performance.now`); without one nothing is timed. */
  clock?: Clock;
  /** Runs the model fits at once (e.g. on threads); the results are the same numbers without it. */
  fitRunner?: FitRunner;
}

export interface ScoreInput {
  /** Summaries sorted by id. */
  rows: CustomerSummary[];
  profile: Profile;
  /**
   * The day scores are taken at: the calibration end when there is one (the purchases after it are
   * the holdout), else the as-of day. Every "days since" counts from it.
   */
  scoreDay: DayNumber;
  /** The as-of day. */
  endDay: DayNumber;
  /** Master data by id (first record of each id). */
  records: Map<string, CustomerRecord>;
  /** Each customer's latest survey response. */
  surveys: Map<string, SurveyResponse>;
  /** Warnings for the run; every stage appends to it. */
  warnings: string[];
  /** Stage timings (run.timings); times nothing without a clock. */
  watch: Stopwatch;
  /** ScoreExtra.fitRunner. */
  fitRunner?: FitRunner;
}

export const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function prepareInput(summaries: CustomerSummary[], profile: Profile, extra: ScoreExtra): ScoreInput {
  const warnings: string[] = [];
  const endDay = isoToDay(profile.asOf);
  const scoreDay = profile.calibrationEnd ? isoToDay(profile.calibrationEnd) : endDay;
  const rows = summaries.slice().sort(byId);
  for (let i = 1; i < rows.length; i++) {
    if (rows[i].id === rows[i - 1].id) {
      warnings.push(`Customer id "${rows[i].id}" appears in more than one summary; merge shards before scoring.`);
      break;
    }
  }
  let first = Infinity;
  for (const s of rows) first = Math.min(first, s.firstDay);
  if (first > scoreDay && rows.length) throw asOfError(dayToIso(scoreDay), `(the first is on ${dayToIso(first)})`);
  const records = new Map<string, CustomerRecord>();
  let duplicateRecords = 0;
  for (const c of extra.customers ?? []) {
    if (records.has(c.id)) duplicateRecords++;
    else records.set(c.id, c);
  }
  if (duplicateRecords) warnings.push(`${duplicateRecords} master-data records repeat an id; the first record of each id is used.`);
  return { rows, profile, scoreDay, endDay, records, surveys: latestResponses(extra.surveys ?? []), warnings, watch: stopwatch(extra.clock), fitRunner: extra.fitRunner };
}

function asOfError(asOf: string, example: string): InputError {
  return new InputError(`The as-of date ${asOf} is before every purchase ${example}: nothing can be scored; give an as-of date on or after the first purchase.`);
}

/**
 * For entry points that read files: an as-of date before every purchase leaves no customer and
 * every dated row rejected as `after-as-of`; that is a usage error, not an empty result.
 */
export function checkAsOf(
  data: { summaries: ArrayLike<unknown>; rejects: readonly Reject[]; rejectReasons?: Record<string, number> },
  profile: Pick<Profile, 'asOf'>,
): void {
  if (data.summaries.length > 0) return;
  // The examples are capped (profile.rejectExamples): the counts by reason see every reject.
  const late = data.rejects.find((r) => r.reason === 'after-as-of');
  if (!late && !data.rejectReasons?.['after-as-of']) return;
  throw asOfError(profile.asOf, late ? `(line ${late.line}: ${late.value ?? late.message})` : '');
}
