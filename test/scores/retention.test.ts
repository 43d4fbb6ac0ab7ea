import { describe, expect, it } from 'vitest';
import { cohortMatrix, cohortsByChannel, periodRetention } from '../../core/scores/retention.ts';
import { civilToDay, periodIndex } from '../../core/dates.ts';

describe('period retention and cohorts', () => {
  // Months 2024-01 (A, B), 2024-02 (A, C), 2024-03 (A, B, C, D).
  const jan = periodIndex(civilToDay(2024, 1, 15), 'month');
  const rows = [
    { id: 'A', activePeriods: [jan, jan + 1, jan + 2] },
    { id: 'B', activePeriods: [jan, jan + 2] },
    { id: 'C', activePeriods: [jan + 1, jan + 2] },
    { id: 'D', activePeriods: [jan + 2] },
  ];
  const endOfMarch = { period: 'month' as const, asOfDay: civilToDay(2024, 3, 31) };
  const midMarch = { period: 'month' as const, asOfDay: civilToDay(2024, 3, 15) };

  it('retention(k) = active in k and k+1 / active in k, labelled by ISO month, the running period left out', () => {
    // period 0: A, B active; only A again in 1 → 1/2. Period 1: A, C; both again in 2 → 2/2.
    expect(periodRetention(rows, endOfMarch)).toEqual([
      { period: '2024-01', active: 2, retained: 1, retention: 0.5, churn: 0.5, partial: false },
      { period: '2024-02', active: 2, retained: 2, retention: 1, churn: 0, partial: false },
    ]);
  });

  it('flags a period whose next period is still running at the as-of day', () => {
    const out = periodRetention(rows, midMarch);
    expect(out.map((r) => [r.period, r.partial])).toEqual([['2024-01', false], ['2024-02', true]]);
  });

  it('reports periods up to the as-of day even when the data stops earlier', () => {
    // Nobody bought in April: March retention is a complete 0, not left out.
    const out = periodRetention(rows, { period: 'month', asOfDay: civilToDay(2024, 4, 30) });
    expect(out.at(-1)).toEqual({ period: '2024-03', active: 4, retained: 0, retention: 0, churn: 1, partial: false });
  });

  it('cohort matrix by first period, the last column flagged while its period runs', () => {
    expect(cohortMatrix(rows, endOfMarch)).toEqual([
      { cohort: '2024-01', size: 2, retention: [1, 0.5, 1], partial: false },
      { cohort: '2024-02', size: 1, retention: [1, 1], partial: false },
      { cohort: '2024-03', size: 1, retention: [1], partial: false },
    ]);
    expect(cohortMatrix(rows, midMarch).every((c) => c.partial)).toBe(true);
  });

  it('cohorts per channel share the as-of period', () => {
    const ch: Record<string, string> = { A: 'web', B: 'store', C: 'web' };
    const out = cohortsByChannel(rows, (id) => ch[id], endOfMarch);
    expect(Object.keys(out)).toEqual(['store', 'web']);
    expect(out.store).toEqual([{ cohort: '2024-01', size: 1, retention: [1, 0, 1], partial: false }]);
    expect(out.web).toEqual([
      { cohort: '2024-01', size: 1, retention: [1, 1, 1], partial: false },
      { cohort: '2024-02', size: 1, retention: [1, 1], partial: false },
    ]);
  });

  it('handles nobody', () => {
    expect(periodRetention([], endOfMarch)).toEqual([]);
    expect(cohortMatrix([], endOfMarch)).toEqual([]);
  });
});
