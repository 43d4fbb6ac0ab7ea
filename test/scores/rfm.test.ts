import { describe, expect, it } from 'vitest';
import { DEFAULT_SEGMENT_MAP, cutScore, quantileScores, rfmScores, segmentOf, toFive } from '../../core/scores/rfm.ts';
import { shuffled } from '../pipeline/simulate.ts';

describe('RFM quantile scores', () => {
  it('gives 1..5 to five distinct values, larger is better', () => {
    expect([...quantileScores([30, 10, 50, 20, 40], 5)]).toEqual([3, 1, 5, 2, 4]);
  });

  it('gives tied values the bin of their first position', () => {
    // sorted: 1 (pos 0), 5 5 5 (pos 1..3), 9 9 (pos 4..5); score = floor(pos·3/6) + 1 of the group start
    expect([...quantileScores([5, 5, 5, 1, 9, 9], 3)]).toEqual([1, 1, 1, 1, 3, 3]);
    // all equal → all in the lowest bin
    expect([...quantileScores([7, 7, 7, 7], 5)]).toEqual([1, 1, 1, 1]);
  });

  it('scores R on days since the last purchase, fewer days is better', () => {
    const s = rfmScores([0, 10, 100, 365, 5], [1, 1, 1, 1, 1], [1, 1, 1, 1, 1], { bins: 5 });
    expect([...s.r]).toEqual([5, 3, 2, 1, 4]);
  });

  it('uses custom cut points: value ≥ cut raises the score; R cuts are days, fewer is better', () => {
    expect(cutScore(150, [100, 200])).toBe(2);
    expect(cutScore(200, [100, 200])).toBe(3);
    const s = rfmScores([10, 60, 100, 30], [1, 3, 8, 2], [10, 500, 50, 99], { bins: 5, cuts: { r: [30, 90], f: [2, 5], m: [100] } });
    // R: 10 days ≤ 30 and ≤ 90 → 3; 60 ≤ 90 only → 2; 100 → 1; exactly 30 → 3
    expect([...s.r]).toEqual([3, 2, 1, 3]);
    expect([...s.f]).toEqual([1, 2, 3, 2]);
    expect([...s.m]).toEqual([1, 2, 1, 1]);
  });

  it('does not depend on row order', () => {
    const n = 200;
    const days = Array.from({ length: n }, (_, i) => (i * 37) % 50);
    const tx = Array.from({ length: n }, (_, i) => 1 + ((i * 13) % 7));
    const m = Array.from({ length: n }, (_, i) => ((i * 71) % 90) * 1.5);
    const base = rfmScores(days, tx, m, { bins: 5 });
    const perm = shuffled(Array.from({ length: n }, (_, i) => i), 7);
    const s = rfmScores(perm.map((i) => days[i]), perm.map((i) => tx[i]), perm.map((i) => m[i]), { bins: 5 });
    perm.forEach((i, k) => {
      expect([s.r[k], s.f[k], s.m[k], s.segment[k]]).toEqual([base.r[i], base.f[i], base.m[i], base.segment[i]]);
    });
  });
});

describe('RFM segments', () => {
  it('maps every R × FM pair on 1..5 to exactly one rule', () => {
    for (let r = 1; r <= 5; r++) {
      for (let fm = 1; fm <= 5; fm++) {
        const hits = DEFAULT_SEGMENT_MAP.filter((x) => r >= x.r[0] && r <= x.r[1] && fm >= x.fm[0] && fm <= x.fm[1]);
        expect(hits.length, `R${r} FM${fm}`).toBe(1);
      }
    }
  });

  it('names the corners of the grid as the common map does', () => {
    expect(segmentOf(5, 5)).toBe('champions');
    expect(segmentOf(5, 1)).toBe('new');
    expect(segmentOf(4, 1)).toBe('promising');
    expect(segmentOf(3, 3)).toBe('needAttention');
    expect(segmentOf(3, 1)).toBe('aboutToSleep');
    expect(segmentOf(1, 5)).toBe('cantLoseThem');
    expect(segmentOf(2, 3)).toBe('atRisk');
    expect(segmentOf(2, 2)).toBe('hibernating');
    expect(segmentOf(1, 1)).toBe('lost');
    expect(segmentOf(4, 4)).toBe('loyal');
    expect(segmentOf(4, 2)).toBe('potentialLoyalist');
  });

  it('uses FM = round((F + M) / 2) and rescales other bin counts to five', () => {
    // R 5, F 5, M 2 → FM round(3.5) = 4 → champions
    const s = rfmScores([0, 100], [10, 1], [1, 5], { bins: 2 });
    // two customers, 2 bins: R = [2, 1] → on 1..5: [5, 3]; F = [2, 1] → [5, 3]; M = [1, 2] → [3, 5]
    expect(toFive(2, 2)).toBe(5);
    expect(toFive(1, 2)).toBe(3);
    expect(s.segment).toEqual([segmentOf(5, 4), segmentOf(3, 4)]);
    expect(s.segment).toEqual(['champions', 'loyal']);
  });

  it('accepts a custom map', () => {
    const s = rfmScores([0, 100], [5, 1], [5, 1], { bins: 2, segments: [{ segment: 'vip', r: [5, 5], fm: [1, 5] }, { segment: 'rest', r: [1, 4], fm: [1, 5] }] });
    expect(s.segment).toEqual(['vip', 'rest']);
  });
});
