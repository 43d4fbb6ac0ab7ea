import { describe, expect, it } from 'vitest';
import { churnRisk, cohortMatrix, cohortsByChannel, lifecycleStage, periodRetention, valueAtRisk } from '../../core/scores/retention.ts';

const t = { lowRiskPAlive: 0.7, highRiskPAlive: 0.3, lostAfterDays: 365 };

describe('churn risk and lifecycle', () => {
  it('bands P(alive) and overrides with the lost window', () => {
    expect(churnRisk(0.7, 10, t)).toBe('low');
    expect(churnRisk(0.69, 10, t)).toBe('medium');
    expect(churnRisk(0.3, 10, t)).toBe('medium');
    expect(churnRisk(0.29, 10, t)).toBe('high');
    expect(churnRisk(0.99, 366, t)).toBe('lost');
    expect(churnRisk(0.99, 365, t)).toBe('low');
  });

  it('assigns stages by the documented thresholds', () => {
    expect(lifecycleStage('lost', 0.9, 10, 1000, t)).toBe('lost');
    expect(lifecycleStage('low', 1, 1, 30, t)).toBe('formation');
    expect(lifecycleStage('low', 1, 2, 180, t)).toBe('formation');
    expect(lifecycleStage('low', 0.8, 3, 30, t)).toBe('stable');
    expect(lifecycleStage('low', 0.8, 2, 181, t)).toBe('stable');
    expect(lifecycleStage('medium', 0.5, 5, 400, t)).toBe('decline');
    expect(lifecycleStage('low', 1, 1, 200, t)).toBe('decline'); // one-time buyer past the formation window
  });

  it('value at risk = CLV × (1 − P(alive)), never negative', () => {
    expect(valueAtRisk(200, 0.25)).toBe(150);
    expect(valueAtRisk(-50, 0.25)).toBe(0);
  });
});

describe('period retention and cohorts', () => {
  // A buys in periods 0,1,2; B in 0,2; C in 1,2; D in 2.
  const rows = [
    { id: 'A', activePeriods: [0, 1, 2] },
    { id: 'B', activePeriods: [0, 2] },
    { id: 'C', activePeriods: [1, 2] },
    { id: 'D', activePeriods: [2] },
  ];

  it('retention(k) = active in k and k+1 / active in k, last period left out', () => {
    // period 0: A, B active; only A again in 1 → 1/2. Period 1: A, C; both again in 2 → 2/2.
    expect(periodRetention(rows)).toEqual([
      { period: 0, active: 2, retained: 1, retention: 0.5, churn: 0.5 },
      { period: 1, active: 2, retained: 2, retention: 1, churn: 0 },
    ]);
  });

  it('cohort matrix by first period', () => {
    expect(cohortMatrix(rows)).toEqual([
      { cohort: 0, size: 2, retention: [1, 0.5, 1] },
      { cohort: 1, size: 1, retention: [1, 1] },
      { cohort: 2, size: 1, retention: [1] },
    ]);
  });

  it('cohorts per channel share the overall last period', () => {
    const ch: Record<string, string> = { A: 'web', B: 'store', C: 'web' };
    const out = cohortsByChannel(rows, (id) => ch[id]);
    expect(Object.keys(out)).toEqual(['store', 'web']);
    expect(out.store).toEqual([{ cohort: 0, size: 1, retention: [1, 0, 1] }]);
    expect(out.web).toEqual([
      { cohort: 0, size: 1, retention: [1, 1, 1] },
      { cohort: 1, size: 1, retention: [1, 1] },
    ]);
  });

  it('handles nobody', () => {
    expect(periodRetention([])).toEqual([]);
    expect(cohortMatrix([])).toEqual([]);
  });
});
