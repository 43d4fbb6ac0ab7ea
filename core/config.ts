/**
 * One configuration profile shared by every entry point (CLI, Lambda, Sheets add-on).
 * Every field has a default; `resolveProfile` validates a partial profile and fills the rest.
 */
import type { Locale, TimeUnit } from './types.ts';

export type ColumnRole =
  | 'customer' | 'date' | 'amount' | 'quantity' | 'unitPrice' | 'orderId' | 'status' | 'refund'
  | 'cost' | 'margin' | 'productCode' | 'description' | 'channel'
  // customers table
  | 'name' | 'type' | 'industry' | 'region' | 'country' | 'segment' | 'settlement' | 'receivable'
  | 'overdueDays' | 'pipelineStage' | 'size' | 'acquisitionCost' | 'serviceCost' | 'signupDate' | 'churnDate'
  // surveys table
  | 'csat' | 'nps' | 'willReturn' | 'willRecommend' | 'surveyDate';

export type TierScheme = 'zeithaml' | 'ibm' | 'pareto' | 'custom';
export type PurchaseModelKind = 'bgnbd' | 'paretonbd' | 'mbgnbd';

export interface Profile {
  /** The day scores are computed as of, `YYYY-MM-DD`. Required to score. */
  asOf: string;
  /** Unit of recency, T, horizon and model parameters. */
  timeUnit: TimeUnit;
  /** IANA zone used to turn timestamps with an offset into calendar days. */
  timeZone: string;
  locale: Locale;
  /** Explicit column map (role → header text, or 1-based column number for headerless files). Overrides detection. */
  columns: Partial<Record<ColumnRole, string | number>>;
  /** Whether the file has a header row. `auto` guesses from the first row. */
  header: 'auto' | boolean;
  dateOrder: 'auto' | 'YMD' | 'MDY' | 'DMY';
  encoding: 'auto' | 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';
  delimiter: 'auto' | ',' | ';' | '\t' | '|' | 'whitespace';
  /** XLSX sheet name; first sheet when absent. */
  sheet?: string;
  /** Non-purchase lines (postage, bank charges, fees, adjustments), matched on product code or description (case-insensitive, exact). */
  exclusions: { codes: string[]; descriptions: string[] };
  /** Reject exact duplicate lines. */
  dedupe: boolean;
  /** Split calibration / holdout at this day (`YYYY-MM-DD`): models fit up to it, holdout counts after it. */
  calibrationEnd?: string;
  /** Period used for retention / churn rates and cohorts. */
  retentionPeriod: 'week' | 'month' | 'quarter' | 'year';

  // models and value
  model: PurchaseModelKind;
  /** CLV horizon, in `timeUnit` periods. */
  horizon: number;
  /** Annual discount rate (0.1 = 10 %/year); converted to the time unit for CLV. */
  discountRate: number;
  /** Gross margin applied to spend (0–1). */
  margin: number;

  // tiers
  tierScheme: TierScheme;
  tierBy: 'clv' | 'historic' | 'margin';
  /** For `custom`: cut points, highest tier first, by top-percentile (e.g. [1, 5, 20]) or by value. */
  customTiers?: { by: 'percentile' | 'value'; cuts: number[]; labels: string[] };

  // RFM
  rfm: { bins: number };

  // retention and lifecycle thresholds
  churn: {
    /** P(alive) at or above → low risk. */
    lowRiskPAlive: number;
    /** P(alive) below → high risk. */
    highRiskPAlive: number;
    /** Days without purchase after which a customer counts as lost, whatever the model says. */
    lostAfterDays: number;
  };

  // master data classes
  homeRegion?: string;
  homeCountry?: string;
  /** Receivables ageing thresholds in days: above `short` is long-term, above `bad` is bad debt. */
  receivables: { shortTermDays: number; badDebtDays: number };
}

export const DEFAULT_PROFILE: Profile = {
  asOf: '',
  timeUnit: 'week',
  timeZone: 'Asia/Shanghai',
  locale: 'en',
  columns: {},
  header: 'auto',
  dateOrder: 'auto',
  encoding: 'auto',
  delimiter: 'auto',
  exclusions: {
    codes: ['POST', 'DOT', 'M', 'BANK CHARGES', 'C2', 'CRUK', 'D', 'S', 'AMAZONFEE', 'ADJUST', 'ADJUST2', 'B', 'PADS'],
    descriptions: ['postage', 'carriage', 'manual', 'bank charges', 'discount', 'amazon fee', 'adjust bad debt', '运费', '邮费', '手续费', '调整'],
  },
  dedupe: false,
  retentionPeriod: 'month',
  model: 'bgnbd',
  horizon: 52,
  discountRate: 0.1,
  margin: 1,
  tierScheme: 'zeithaml',
  tierBy: 'clv',
  rfm: { bins: 5 },
  churn: { lowRiskPAlive: 0.7, highRiskPAlive: 0.3, lostAfterDays: 365 },
  receivables: { shortTermDays: 90, badDebtDays: 365 },
};
