/**
 * Column headers people read in a sheet: English words (the CLI's customers.csv keeps machine
 * names such as `p_alive`, a sheet says "P(alive)"), Chinese from the core's labels.
 */
import type { Locale } from '../../core/types.ts';
import { columnHeaders } from '../../core/report/index.ts';

const ENGLISH: Record<string, string> = {
  customer_id: 'Customer', first_purchase: 'First purchase', last_purchase: 'Last purchase', transactions: 'Transactions',
  frequency: 'Repeat purchases', recency: 'Recency', T: 'Customer age', total_spend: 'Total spend', returns: 'Returns',
  net_spend: 'Net spend', mean_repeat_spend: 'Mean repeat spend', p_alive: 'P(alive)', expected_purchases: 'Expected purchases',
  expected_spend: 'Expected spend', clv: 'CLV', historic_value: 'Historic value', tier: 'Tier', tier_rank: 'Value rank',
  tier_percentile: 'Value percentile', tier_cumulative_share: 'Cumulative value share', rfm_segment: 'RFM segment',
  r_score: 'R', f_score: 'F', m_score: 'M', lifecycle_stage: 'Lifecycle stage', churn_risk: 'Churn risk',
  value_at_risk: 'Value at risk', value_class: 'Value class', satisfaction_level: 'Satisfaction level',
  class_frequency: 'Purchase frequency', class_type: 'Customer type', class_region: 'Region', class_settlement: 'Settlement',
  class_receivables: 'Receivables', class_pipeline: 'Pipeline stage', class_channel: 'Channel', class_segment: 'Market segment',
  class_industry: 'Industry',
  clv_low: 'CLV (low)', clv_high: 'CLV (high)', expected_purchases_low: 'Expected purchases (low)', expected_purchases_high: 'Expected purchases (high)',
};

/** Headers of the given machine columns in the locale; an unknown column keeps its machine name. */
export function sheetHeaders(columns: readonly string[], locale: Locale): string[] {
  if (locale === 'zh-CN') return columnHeaders(columns, locale);
  return columns.map((c) => ENGLISH[c] ?? c);
}
