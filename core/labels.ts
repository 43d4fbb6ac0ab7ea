/**
 * English and Chinese (zh-CN) names of every class the scores produce.
 * Keys are the machine values stored in CustomerScore; groups name the criterion.
 */
import type { Locale } from './types.ts';

export type Label = { en: string; 'zh-CN': string };

export const LABELS = {
  tier: {
    platinum: { en: 'Platinum', 'zh-CN': '铂金' },
    gold: { en: 'Gold', 'zh-CN': '黄金' },
    iron: { en: 'Iron', 'zh-CN': '铁质' },
    lead: { en: 'Lead', 'zh-CN': '铅质' },
    diamond: { en: 'Diamond', 'zh-CN': '钻石' },
    silver: { en: 'Silver', 'zh-CN': '白银' },
    other: { en: 'Other', 'zh-CN': '其他' },
    focus: { en: 'Focus (top 20 %)', 'zh-CN': '重点（前 20%）' },
    keep: { en: 'Keep (middle 60 %)', 'zh-CN': '保持（中间 60%）' },
    review: { en: 'Review (bottom 20 %)', 'zh-CN': '审视（后 20%）' },
  },
  segment: {
    champions: { en: 'Champions', 'zh-CN': '重要价值客户' },
    loyal: { en: 'Loyal', 'zh-CN': '忠诚客户' },
    potentialLoyalist: { en: 'Potential loyalist', 'zh-CN': '潜在忠诚客户' },
    new: { en: 'New', 'zh-CN': '新客户' },
    promising: { en: 'Promising', 'zh-CN': '有潜力客户' },
    needAttention: { en: 'Need attention', 'zh-CN': '需要关注客户' },
    aboutToSleep: { en: 'About to sleep', 'zh-CN': '即将沉睡客户' },
    atRisk: { en: 'At risk', 'zh-CN': '有流失风险客户' },
    cantLoseThem: { en: "Can't lose them", 'zh-CN': '重要挽留客户' },
    hibernating: { en: 'Hibernating', 'zh-CN': '沉睡客户' },
    lost: { en: 'Lost', 'zh-CN': '流失客户' },
  },
  lifecycle: {
    exploration: { en: 'Exploration', 'zh-CN': '考察期' },
    formation: { en: 'Formation', 'zh-CN': '形成期' },
    stable: { en: 'Stable', 'zh-CN': '稳定期' },
    decline: { en: 'Decline', 'zh-CN': '退化期' },
    lost: { en: 'Lost', 'zh-CN': '流失' },
  },
  churnRisk: {
    low: { en: 'Low', 'zh-CN': '低风险' },
    medium: { en: 'Medium', 'zh-CN': '中风险' },
    high: { en: 'High', 'zh-CN': '高风险' },
    lost: { en: 'Lost', 'zh-CN': '已流失' },
  },
  valueClass: {
    important: { en: 'Important', 'zh-CN': '重要' },
    ordinary: { en: 'Ordinary', 'zh-CN': '普通' },
    potential: { en: 'Potential', 'zh-CN': '潜力' },
  },
  satisfaction: {
    '0': { en: 'Dissatisfied', 'zh-CN': '不满意' },
    '1': { en: 'Satisfied', 'zh-CN': '我满意' },
    '2': { en: 'Will return', 'zh-CN': '我满意，下次还会来' },
    '3': { en: 'Will recommend', 'zh-CN': '我满意，不仅我会来，还会推荐朋友来' },
    none: { en: 'No survey', 'zh-CN': '无调查' },
  },
  type: {
    individual: { en: 'Individual', 'zh-CN': '个人' },
    enterprise: { en: 'Enterprise', 'zh-CN': '企业' },
    government: { en: 'Government', 'zh-CN': '政府' },
    other: { en: 'Other', 'zh-CN': '其他' },
    unknown: { en: 'Unknown', 'zh-CN': '未知' },
  },
  region: {
    local: { en: 'Local', 'zh-CN': '本地' },
    nonLocal: { en: 'Non-local', 'zh-CN': '外地' },
    international: { en: 'International', 'zh-CN': '国际' },
    unknown: { en: 'Unknown', 'zh-CN': '未知' },
  },
  settlement: {
    cash: { en: 'Cash', 'zh-CN': '现金' },
    prepaid: { en: 'Prepaid', 'zh-CN': '预付款' },
    credit: { en: 'Credit', 'zh-CN': '赊销' },
    other: { en: 'Other', 'zh-CN': '其他' },
    unknown: { en: 'Unknown', 'zh-CN': '未知' },
  },
  receivables: {
    noDebt: { en: 'No debt', 'zh-CN': '无欠款' },
    shortTerm: { en: 'Short-term debt', 'zh-CN': '短期欠款' },
    longTerm: { en: 'Long-term debt', 'zh-CN': '长期欠款' },
    badDebt: { en: 'Bad debt', 'zh-CN': '呆死账' },
    unknown: { en: 'Unknown', 'zh-CN': '未知' },
  },
  pipeline: {
    potential: { en: 'Potential', 'zh-CN': '潜在' },
    target: { en: 'Target', 'zh-CN': '目标' },
    signed: { en: 'Signed', 'zh-CN': '签约' },
    qualifiedSigned: { en: 'Qualified signed', 'zh-CN': '合格签约' },
    other: { en: 'Other', 'zh-CN': '其他' },
    unknown: { en: 'Unknown', 'zh-CN': '未知' },
  },
  frequency: {
    high: { en: 'High frequency', 'zh-CN': '高频' },
    low: { en: 'Low frequency', 'zh-CN': '低频' },
    oneTime: { en: 'One-time', 'zh-CN': '一次性' },
  },
} satisfies Record<string, Record<string, Label>>;

export type LabelGroup = keyof typeof LABELS;

/** Groups whose values are passed through from master data as written (no translation). */
export const PASS_THROUGH = ['channel', 'segment', 'industry'] as const;

/** Both names of a class; pass-through or unknown keys label themselves. */
export function labelOf(group: string, key: string): Label {
  const g = (LABELS as Record<string, Record<string, Label>>)[group];
  return g?.[key] ?? { en: key, 'zh-CN': key };
}

export function label(group: string, key: string, locale: Locale): string {
  return labelOf(group, key)[locale];
}
