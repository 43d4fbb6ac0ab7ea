/**
 * The shared vocabulary of the core. Every entry point (CLI, Lambda, Sheets add-on) speaks these types.
 * Pure data: no classes, no I/O, safe to serialize.
 */

/** Calendar day as an integer: days since 1970-01-01, in the profile's time zone. */
export type DayNumber = number;
export type TimeUnit = 'day' | 'week' | 'month';
export type Locale = 'en' | 'zh-CN';
export type TableKind = 'transactions' | 'customers' | 'surveys';
/** A cell as it comes from a parser or a spreadsheet range. */
export type Cell = string | number | boolean | Date | null | undefined;

/** One row that could not be used. Listed in rejects.csv; rows read = accepted + rejected. */
export interface Reject {
  /** File name, S3 key or sheet name the row came from. */
  source: string;
  /** 1-based physical line number in the source (the header is line 1 when there is one). */
  line: number;
  /** Column (header text) that made the row unusable, or null when it is the whole row. */
  column: string | null;
  /** Stable machine code, e.g. `missing-customer-id`, `bad-date`, `bad-amount`, `after-as-of`, `duplicate-line`. */
  reason: string;
  /** Human-readable sentence for the rejects file. */
  message: string;
  /** The offending value, when there is one. */
  value?: string;
}

export interface RowCounts {
  read: number;
  accepted: number;
  rejected: number;
}

/**
 * Per-customer sufficient statistics: the input to every model and score.
 * Purchases on one calendar day count as one transaction (the buy-till-you-die convention).
 */
export interface CustomerSummary {
  id: string;
  firstDay: DayNumber;
  lastDay: DayNumber;
  /** Distinct purchase days with positive spend (≥ 1). */
  transactions: number;
  /** Repeat transactions x = transactions − 1. */
  frequency: number;
  /** t_x = lastDay − firstDay, in the profile's time unit. */
  recency: number;
  /** Age T = asOf − firstDay, in the profile's time unit. */
  T: number;
  /** Spend of the first transaction. */
  firstSpend: number;
  /** Sum of spend over the repeat transactions. */
  repeatSpend: number;
  /** repeatSpend / frequency; 0 when frequency is 0. */
  meanRepeatSpend: number;
  /** firstSpend + repeatSpend: what was bought, before returns. */
  totalSpend: number;
  /** Refunds, returns and cancellations, as a positive amount. */
  returns: number;
  /** totalSpend − returns: the realized historic value. */
  netSpend: number;
  /** Gross margin when the export has a cost or margin column. */
  margin?: number;
  /** Sorted unique indices of retention periods (see Profile.retentionPeriod) with a purchase. */
  activePeriods: number[];
  /** When the profile has a calibrationEnd: what happened after it, up to asOf. */
  holdout?: { transactions: number; spend: number };
  /**
   * The customer's own history split in time for model selection (core/models/select.ts): the
   * summary (x, t_x, T) at the split day, the repeat purchases after it and the holdout length.
   */
  ownSplit?: { frequency: number; recency: number; T: number; holdout: number; length: number };
}

/** Customer master data (客户档案). Raw values pass through; classes are derived in scores. */
export interface CustomerRecord {
  id: string;
  name?: string;
  /** individual / enterprise / government, or the export's own words (个人 / 企业 / 政府). */
  type?: string;
  industry?: string;
  /** Province, city or region as written. */
  region?: string;
  country?: string;
  /** Acquisition channel (获客渠道). */
  channel?: string;
  /** Market segment or channel class (分类: wholesale, e-commerce, restaurants and hotels …). */
  segment?: string;
  /** cash 现金 / prepaid 预付款 / credit 赊销, as written. */
  settlement?: string;
  /** Outstanding receivable amount. */
  receivable?: number;
  /** Age in days of the oldest unpaid receivable. */
  overdueDays?: number;
  /** Sales pipeline stage as written (潜在 / 目标 / 签约 / 合格签约 …). */
  pipelineStage?: string;
  size?: string;
  acquisitionCost?: number;
  /** Cost to serve per time unit. */
  serviceCostPerPeriod?: number;
  /** Contractual customers: signup day, churn day. */
  signupDay?: DayNumber;
  churnDay?: DayNumber;
  extra?: Record<string, string>;
}

/** One survey answer, normalized: CSAT on 1–5, NPS on 0–10. */
export interface SurveyResponse {
  customerId: string;
  day: DayNumber;
  csat?: number;
  nps?: number;
  willReturn?: boolean;
  willRecommend?: boolean;
}

/** What column detection found, reported in summary.json. */
export interface Detection {
  kind: TableKind;
  /** The file (name, S3 key or sheet) this detection describes. */
  source: string;
  /** role → header text (or `#3` for a headerless column index). */
  columns: Record<string, string>;
  /** Header texts seen, as trimmed. */
  headers: string[];
  encoding?: string;
  delimiter?: string;
  format?: string;
  /** How day and month were ordered for the whole date column. */
  dateOrder?: 'YMD' | 'MDY' | 'DMY';
  /** role → why that column was chosen: `map`, or `synonym "…"` (the header it matched). */
  why?: Record<string, string>;
  /** How the day/month order was settled: proved by the `data`, set in the `profile`, or the M/D `default` (warned). */
  dateOrderBy?: 'data' | 'profile' | 'default';
  /** Numeric date cells by how they were read (yyyymmdd, excel-serial, epoch-seconds, epoch-milliseconds). */
  dateNumbers?: Record<string, number>;
  /** Rows per status value and the class it went to (top values, then "(other)" per class). */
  statuses?: { value: string; class: 'kept' | 'cancelled' | 'refunded' | 'unpaid'; rule: string; rows: number }[];
  /**
   * Physical-line accounting of a text file: physical = header + blank + joined + data lines, and
   * every data line is one row read (accepted or rejected). `joined` are the extra lines of records
   * whose quoted field holds a line break.
   */
  lines?: { physical: number; header: number; blank: number; joined: number };
  /** Doubts about this file (encoding, oversize workbook…), each with the flag that settles it. */
  warnings?: string[];
}

// ---------------------------------------------------------------------------------------------
// Models (core/models) — what the scoring pipeline needs from a fitted model.

export interface FitReport {
  /** Parameter name → maximum-likelihood estimate. */
  params: Record<string, number>;
  logLikelihood: number;
  /** False when the optimizer stopped early, a parameter ran to a bound, or the standard errors are unavailable. */
  converged: boolean;
  /** Why the fit is not converged, as codes: optimizer-stopped, parameter-at-bound: a, b, singular-hessian, nan-standard-errors: b. */
  problems?: string[];
  iterations: number;
  /** Parameter name → standard error from the observed information (NaN when not invertible). */
  standardErrors: Record<string, number>;
  /** Asymptotic covariance of the log-parameters (inverse observed information), in `params` order; for intervals. */
  logCovariance?: number[][];
  /** Customers the fit used (sum of histogram weights). */
  customers: number;
  warnings: string[];
}

/** A fitted buy-till-you-die purchase model (BG/NBD, Pareto/NBD, MBG/NBD). Times in the profile's time unit. */
export interface PurchaseModel {
  kind: 'bgnbd' | 'paretonbd' | 'mbgnbd';
  fit: FitReport;
  /** E[X(t) | x, t_x, T]: expected purchases in the next t periods. */
  expectedPurchases(t: number, x: number, tx: number, T: number): number;
  /** P(alive | x, t_x, T) now. */
  pAlive(x: number, tx: number, T: number): number;
}

/** A fitted Gamma-Gamma spend model. */
export interface SpendModel {
  fit: FitReport;
  /** False when q ≤ 1: mean spend is infinite and CLV from this model is undefined. */
  finiteMean: boolean;
  /** E[M | x, m̄_x]: expected spend per future transaction. */
  expectedSpend(x: number, meanSpend: number): number;
}

// ---------------------------------------------------------------------------------------------
// Scores (core/scores) — one row per customer, and the dataset-level aggregates.

export type ChurnRisk = 'low' | 'medium' | 'high' | 'lost';
export type LifecycleStage = 'exploration' | 'formation' | 'stable' | 'decline' | 'lost';
export type ValueClass = 'important' | 'ordinary' | 'potential';

export interface CustomerScore {
  id: string;
  summary: CustomerSummary;
  pAlive: number;
  /** Over the profile's horizon. */
  expectedPurchases: number;
  expectedSpend: number;
  /** Discounted expected margin over the horizon (net of costs when master data gives them). */
  clv: number;
  /** Central intervals (profile.intervals.level) from parameter uncertainty, when the model's fit has a covariance. */
  intervals?: { clv: [number, number]; expectedPurchases: [number, number] };
  /** Discounted expected residual transactions (Pareto/NBD only, as CLVTools reports it). */
  dert?: number;
  /** netSpend × margin: what the customer has already brought. */
  historicValue: number;
  tier: string;
  /** Why this tier: rank (1 = most valuable), percentile (0–100, top = small), cumulative share of value. */
  tierReason: { rank: number; percentile: number; cumulativeShare: number; value: number };
  rfm: { r: number; f: number; m: number; segment: string };
  lifecycleStage: LifecycleStage;
  churnRisk: ChurnRisk;
  /** CLV over the horizon if the customer is still active (before any cost to serve): CLV ÷ P(alive) of the model. */
  valueIfAlive: number;
  /** (1 − P(alive)) × valueIfAlive: the value lost if the customer has gone (see core/scores/consistency.ts). */
  valueAtRisk: number;
  valueClass: ValueClass;
  /** 0 dissatisfied … 3 will recommend; null without survey evidence. */
  satisfactionLevel: number | null;
  /** Classes from master data, keyed by criterion (type, region, settlement, receivables, pipeline, channel, segment, industry). */
  classes: Record<string, string>;
}

export interface GroupAggregate {
  key: string;
  label: { en: string; 'zh-CN': string };
  customers: number;
  revenue: number;
  revenueShare: number;
  clv: number;
  clvShare: number;
  meanPAlive: number;
  nps: number | null;
}

/** Retention in one calendar period (labels: 2024-W05, 2024-03, 2024-Q1, 2024). */
export interface PeriodRate {
  period: string;
  active: number;
  retained: number;
  retention: number;
  churn: number;
  /** The next period is still running at the as-of day: `retained` may still grow. */
  partial: boolean;
}

export interface CohortRow {
  /** Label of the cohort's first period. */
  cohort: string;
  size: number;
  /** retention[j] = share of the cohort active in the j-th period after its first (j = 0 is 1). */
  retention: number[];
  /** The last cell's period (the one holding the as-of day) is still running. */
  partial: boolean;
}

/** One entry of the churn-warning list (流失预警). */
export interface ChurnWarning {
  id: string;
  tier: string;
  clv: number;
  pAlive: number;
  valueIfAlive: number;
  valueAtRisk: number;
  churnRisk: ChurnRisk;
}

export interface RetentionReport {
  period: 'week' | 'month' | 'quarter' | 'year';
  periods: PeriodRate[];
  cohorts: CohortRow[];
  /** Per acquisition channel, when the master data has one. */
  cohortsByChannel?: Record<string, CohortRow[]>;
  churnRisk: Record<ChurnRisk, number>;
  lifecycle: Record<LifecycleStage, number>;
  /** Master-data customers without a purchase yet (lifecycle exploration), sorted. */
  explorationCustomers: string[];
  /** Σ value at risk over all customers. */
  valueAtRisk: number;
  warningList: ChurnWarning[];
}

export interface SurveyStats {
  responses: number;
  /** Share (0–100) of CSAT answers of 4–5; null without CSAT answers. */
  csat: number | null;
  /** % promoters − % detractors (−100 … 100); null without NPS answers. */
  nps: number | null;
  /** Customers per ladder level, keys '0'..'3'. */
  levels: Record<string, number>;
  /** Shares per level among customers with a level. */
  levelShares: Record<string, number>;
}

export interface SatisfactionReport {
  overall: SurveyStats;
  byTier: Record<string, SurveyStats>;
  bySegment: Record<string, SurveyStats>;
  /** Survey respondents with no purchase in the data. */
  respondentsWithoutPurchases: number;
}

export interface ScoreRun {
  asOf: string;
  timeUnit: TimeUnit;
  customers: CustomerScore[];
  models: {
    bgnbd?: FitReport;
    paretoNbd?: FitReport;
    mbgnbd?: FitReport;
    gammaGamma?: FitReport & { finiteMean: boolean };
    /** Which purchase model scored the run and why, with every candidate's figures (core/models/select.ts). */
    choice?: import('./models/select.ts').ModelChoice;
    /** Interval settings and model-level interval figures (or why there are none). */
    intervals?: import('./models/intervals.ts').IntervalReport;
  };
  customerEquity: number;
  tiers: GroupAggregate[];
  segments: GroupAggregate[];
  classes: Record<string, GroupAggregate[]>;
  retention: RetentionReport;
  satisfaction: SatisfactionReport | null;
  /** Share of value from the top x % of customers, x = 1 … 100. */
  concentration: { topPercent: number; share: number }[];
  /** With a calibration end: predicted vs actual holdout purchases per calibration frequency (length in time units). */
  holdout?: { length: number; buckets: { frequency: string; customers: number; predicted: number; actual: number }[]; mae: number };
  warnings: string[];  /** Seconds per stage when the caller gave a clock (core/pipeline/timings.ts); never part of the scores. */
  timings?: Record<string, number>;
}
