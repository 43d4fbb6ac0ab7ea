/**
 * Bounded reject bookkeeping: every reject goes to the caller's sink (rejects.csv, an upload) as it
 * happens; memory keeps only the count per reason and the first few examples, so a file of a
 * billion bad lines costs what a file of a hundred does.
 */
import type { Reject } from '../types.ts';

/** Longest excerpt of input text carried in a reject or an error message. */
export const EXCERPT_CHARS = 80;

/** `s` cut to `max` characters (with an ellipsis), so no message echoes megabytes of input. */
export function excerpt(s: string, max = EXCERPT_CHARS): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}

export type RejectSink = (r: Reject) => void;

export interface RejectLog {
  /** Rejects by reason code. */
  readonly byReason: Record<string, number>;
  /** The first `limit` rejects (sorted by source and line at `sorted()`). */
  readonly examples: Reject[];
  add(r: Reject): void;
  sorted(): Reject[];
}

export function createRejectLog(limit: number | undefined, sink?: RejectSink): RejectLog {
  const max = limit ?? 100;
  const byReason: Record<string, number> = {};
  const examples: Reject[] = [];
  return {
    byReason, examples,
    add(r) {
      if (r.value !== undefined) r.value = excerpt(r.value);
      byReason[r.reason] = (byReason[r.reason] ?? 0) + 1;
      if (examples.length < max) examples.push(r);
      sink?.(r);
    },
    sorted() {
      return examples.sort((a, b) => (a.source === b.source ? a.line - b.line : a.source < b.source ? -1 : 1));
    },
  };
}
