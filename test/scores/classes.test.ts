import { describe, expect, it } from 'vitest';
import {
  customerType, frequencyClass, masterClasses, pipelineStage, receivablesClass, regionClass, repeatMedian,
  settlementClass, valueClasses,
} from '../../core/scores/classes.ts';

const rt = { shortTermDays: 90, badDebtDays: 365 };

describe('classes from master data', () => {
  it('type in English and Chinese', () => {
    expect(customerType('企业')).toBe('enterprise');
    expect(customerType('个人')).toBe('individual');
    expect(customerType('政府')).toBe('government');
    expect(customerType('事业单位')).toBe('government');
    expect(customerType(' Enterprise ')).toBe('enterprise');
    expect(customerType('Government agency')).toBe('government');
    expect(customerType('club')).toBe('other');
    expect(customerType(undefined)).toBe('unknown');
  });

  it('region against the home region and country', () => {
    expect(regionClass({ id: 'x', region: '浙江省杭州市' }, '浙江')).toBe('local');
    expect(regionClass({ id: 'x', region: '上海' }, '浙江')).toBe('nonLocal');
    expect(regionClass({ id: 'x', region: 'Ohio', country: 'US' }, '浙江', 'CN')).toBe('international');
    expect(regionClass({ id: 'x', region: '浙江', country: 'cn' }, '浙江', 'CN')).toBe('local');
    expect(regionClass({ id: 'x' }, '浙江')).toBe('unknown');
  });

  it('settlement, pipeline stage', () => {
    expect(settlementClass('现金')).toBe('cash');
    expect(settlementClass('预付款')).toBe('prepaid');
    expect(settlementClass('赊销')).toBe('credit');
    expect(settlementClass('Credit')).toBe('credit');
    expect(pipelineStage('合格签约')).toBe('qualifiedSigned');
    expect(pipelineStage('签约')).toBe('signed');
    expect(pipelineStage('目标')).toBe('target');
    expect(pipelineStage('潜在')).toBe('potential');
    expect(pipelineStage('Qualified signed')).toBe('qualifiedSigned');
  });

  it('receivables ageing: > 90 days long-term, > 365 bad debt', () => {
    expect(receivablesClass({ id: 'x', receivable: 0 }, rt)).toBe('noDebt');
    expect(receivablesClass({ id: 'x', receivable: 500, overdueDays: 30 }, rt)).toBe('shortTerm');
    expect(receivablesClass({ id: 'x', receivable: 500, overdueDays: 90 }, rt)).toBe('shortTerm');
    expect(receivablesClass({ id: 'x', receivable: 500, overdueDays: 91 }, rt)).toBe('longTerm');
    expect(receivablesClass({ id: 'x', receivable: 500, overdueDays: 366 }, rt)).toBe('badDebt');
    expect(receivablesClass({ id: 'x' }, rt)).toBe('unknown');
  });

  it('passes channel, segment and industry through', () => {
    const c = masterClasses({ id: 'x', channel: ' 线上 ', segment: 'wholesale', industry: '零售业' }, { receivables: rt });
    expect(c.channel).toBe('线上');
    expect(c.segment).toBe('wholesale');
    expect(c.industry).toBe('零售业');
    expect(masterClasses(undefined, { receivables: rt })).toEqual({});
  });
});

describe('value and frequency classes', () => {
  it('important = top 20 % historic; potential = bottom half historic with top 20 % CLV', () => {
    const ids = Array.from({ length: 10 }, (_, i) => `c${i}`);
    const historic = [100, 90, 80, 70, 60, 50, 40, 30, 20, 10];
    const clv = [5, 5, 5, 5, 5, 5, 5, 5, 500, 1];
    // c0 (percentile 10) and c1 (20) important; c8: historic percentile 90, CLV percentile 10 → potential
    expect(valueClasses(historic, clv, ids)).toEqual([
      'important', 'important', 'ordinary', 'ordinary', 'ordinary', 'ordinary', 'ordinary', 'ordinary', 'potential', 'ordinary',
    ]);
  });

  it('frequency: one-time, or high/low around the median repeat count of repeat buyers', () => {
    expect(repeatMedian([0, 1, 2, 3, 10])).toBe(2);
    expect(repeatMedian([0, 0])).toBe(0);
    expect(frequencyClass(1, 0, 2)).toBe('oneTime');
    expect(frequencyClass(3, 2, 2)).toBe('high');
    expect(frequencyClass(2, 1, 2)).toBe('low');
  });
});
