import { describe, expect, it } from 'vitest';
import { LABELS, label } from '../../core/labels.ts';
import { DEFAULT_SEGMENT_MAP } from '../../core/scores/rfm.ts';
import { TIER_ORDER } from '../../core/scores/tiers.ts';
import { dayToIso, isoToDay } from '../../core/report/format.ts';

const cjk = /[\u4e00-\u9fff]/;

describe('labels', () => {
  it('every class the scores produce has an English and a Chinese name', () => {
    const produced: [string, string[]][] = [
      ['tier', Object.values(TIER_ORDER).flat()],
      ['segment', DEFAULT_SEGMENT_MAP.map((r) => r.segment)],
      ['lifecycle', ['exploration', 'formation', 'stable', 'decline', 'lost']],
      ['churnRisk', ['low', 'medium', 'high', 'lost']],
      ['valueClass', ['important', 'ordinary', 'potential']],
      ['satisfaction', ['0', '1', '2', '3']],
      ['type', ['individual', 'enterprise', 'government', 'other', 'unknown']],
      ['region', ['local', 'nonLocal', 'international', 'unknown']],
      ['settlement', ['cash', 'prepaid', 'credit', 'other', 'unknown']],
      ['receivables', ['noDebt', 'shortTerm', 'longTerm', 'badDebt', 'unknown']],
      ['pipeline', ['potential', 'target', 'signed', 'qualifiedSigned', 'other', 'unknown']],
      ['frequency', ['high', 'low', 'oneTime']],
    ];
    for (const [group, keys] of produced) {
      for (const k of keys) {
        const l = (LABELS as Record<string, Record<string, { en: string; 'zh-CN': string }>>)[group]?.[k];
        expect(l, `${group}.${k}`).toBeDefined();
        expect(l.en.length, `${group}.${k}`).toBeGreaterThan(0);
        expect(l['zh-CN'], `${group}.${k}`).toMatch(cjk);
      }
    }
  });

  it('uses the textbook Chinese names', () => {
    expect(label('tier', 'platinum', 'zh-CN')).toBe('铂金');
    expect(label('tier', 'lead', 'zh-CN')).toBe('铅质');
    expect(label('tier', 'diamond', 'zh-CN')).toBe('钻石');
    expect(label('lifecycle', 'exploration', 'zh-CN')).toBe('考察期');
    expect(label('satisfaction', '3', 'zh-CN')).toContain('推荐朋友来');
    expect(label('receivables', 'badDebt', 'zh-CN')).toBe('呆死账');
    expect(label('channel', '线上', 'en')).toBe('线上'); // pass-through labels itself
  });
});

describe('day formatting', () => {
  it('matches the calendar', () => {
    expect(dayToIso(0)).toBe('1970-01-01');
    expect(dayToIso(10134)).toBe('1997-09-30');
    expect(dayToIso(19782)).toBe('2024-02-29');
    expect(dayToIso(-25508)).toBe('1900-03-01');
    expect(isoToDay('1997-09-30')).toBe(10134);
    for (let d = -40000; d < 40000; d += 97) {
      expect(dayToIso(d)).toBe(new Date(d * 86400000).toISOString().slice(0, 10));
      expect(isoToDay(dayToIso(d))).toBe(d);
    }
    expect(() => isoToDay('30/09/1997')).toThrow();
  });
});
