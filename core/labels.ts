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
  /** Header row of customers.csv: English keeps the machine names. */
  column: {
    customer_id: { en: 'customer_id', 'zh-CN': '客户编号' },
    first_purchase: { en: 'first_purchase', 'zh-CN': '首次购买日期' },
    last_purchase: { en: 'last_purchase', 'zh-CN': '最近购买日期' },
    transactions: { en: 'transactions', 'zh-CN': '交易次数' },
    frequency: { en: 'frequency', 'zh-CN': '重复购买次数' },
    recency: { en: 'recency', 'zh-CN': '首末购买间隔' },
    T: { en: 'T', 'zh-CN': '客户年龄' },
    first_spend: { en: 'first_spend', 'zh-CN': '首次消费金额' },
    repeat_spend: { en: 'repeat_spend', 'zh-CN': '复购消费金额' },
    total_spend: { en: 'total_spend', 'zh-CN': '累计消费金额' },
    returns: { en: 'returns', 'zh-CN': '退款金额' },
    net_spend: { en: 'net_spend', 'zh-CN': '净消费金额' },
    mean_repeat_spend: { en: 'mean_repeat_spend', 'zh-CN': '平均复购金额' },
    holdout_transactions: { en: 'holdout_transactions', 'zh-CN': '验证期交易次数' },
    holdout_spend: { en: 'holdout_spend', 'zh-CN': '验证期消费金额' },
    p_alive: { en: 'p_alive', 'zh-CN': '活跃概率' },
    expected_purchases: { en: 'expected_purchases', 'zh-CN': '预期购买次数' },
    expected_spend: { en: 'expected_spend', 'zh-CN': '预期单次消费' },
    clv: { en: 'clv', 'zh-CN': '客户终身价值' },
    clv_low: { en: 'clv_low', 'zh-CN': '客户终身价值下限' },
    clv_high: { en: 'clv_high', 'zh-CN': '客户终身价值上限' },
    expected_purchases_low: { en: 'expected_purchases_low', 'zh-CN': '预期购买次数下限' },
    expected_purchases_high: { en: 'expected_purchases_high', 'zh-CN': '预期购买次数上限' },
    dert: { en: 'dert', 'zh-CN': '折现预期剩余交易' },
    historic_value: { en: 'historic_value', 'zh-CN': '历史价值' },
    tier: { en: 'tier', 'zh-CN': '金字塔层级' },
    tier_rank: { en: 'tier_rank', 'zh-CN': '价值排名' },
    tier_percentile: { en: 'tier_percentile', 'zh-CN': '价值百分位' },
    tier_cumulative_share: { en: 'tier_cumulative_share', 'zh-CN': '累计价值占比' },
    rfm_segment: { en: 'rfm_segment', 'zh-CN': '客户分群' },
    r_score: { en: 'r_score', 'zh-CN': 'R得分' },
    f_score: { en: 'f_score', 'zh-CN': 'F得分' },
    m_score: { en: 'm_score', 'zh-CN': 'M得分' },
    lifecycle_stage: { en: 'lifecycle_stage', 'zh-CN': '生命周期阶段' },
    churn_risk: { en: 'churn_risk', 'zh-CN': '流失风险' },
    value_at_risk: { en: 'value_at_risk', 'zh-CN': '风险价值' },
    value_class: { en: 'value_class', 'zh-CN': '价值分类' },
    satisfaction_level: { en: 'satisfaction_level', 'zh-CN': '满意度等级' },
    class_frequency: { en: 'class_frequency', 'zh-CN': '购买频次分类' },
    class_type: { en: 'class_type', 'zh-CN': '客户类型' },
    class_region: { en: 'class_region', 'zh-CN': '地区分类' },
    class_settlement: { en: 'class_settlement', 'zh-CN': '结算方式' },
    class_receivables: { en: 'class_receivables', 'zh-CN': '应收账款分类' },
    class_pipeline: { en: 'class_pipeline', 'zh-CN': '销售阶段' },
    class_channel: { en: 'class_channel', 'zh-CN': '获客渠道' },
    class_segment: { en: 'class_segment', 'zh-CN': '市场分类' },
    class_industry: { en: 'class_industry', 'zh-CN': '行业' },
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
