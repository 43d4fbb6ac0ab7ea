/**
 * The scoring pipeline: per-customer summaries (+ optional master data and surveys) → ScoreRun.
 * Pure and deterministic: customers are sorted by id first, so results depend only on the set of
 * summaries, the profile and the as-of date — never on row order or sharding.
 */
import type { Profile } from './config.ts';
import type {
  CustomerRecord, CustomerScore, CustomerSummary, PurchaseModel, ScoreRun, SpendModel, SurveyResponse,
} from './types.ts';
import {
  clv as modelClv, fitGammaGamma, holdoutValidation, pAliveAt, periodDiscountRate, scoreIntervals, selectPurchaseModel,
} from './models/index.ts';
import { isoToDay } from './report/format.ts';
import { DEFAULT_SEGMENT_MAP, rfmScores, type RfmOptions } from './scores/rfm.ts';
import { assignTiers } from './scores/tiers.ts';
import { churnRisk, cohortMatrix, cohortsByChannel, lifecycleStage, periodRetention, valueAtRisk } from './scores/retention.ts';
import { latestResponses, satisfactionLevel, surveyStats } from './scores/satisfaction.ts';
import { frequencyClass, masterClasses, repeatMedian, valueClasses } from './scores/classes.ts';
import { concentration, groupAggregates, type AggregateInput } from './scores/aggregates.ts';
import { LABELS } from './labels.ts';

const UNIT_DAYS = { day: 1, week: 7, month: 365.25 / 12 } as const;

/** Below this many customers, or without any repeat buyer, purchase models are not fitted. */
export const MIN_FIT_CUSTOMERS = 20;
/** Below this many repeat buyers with spend, Gamma-Gamma is not fitted. */
export const MIN_SPEND_CUSTOMERS = 10;
/** Length of the churn-warning list in the retention report. */
export const WARNING_LIST_SIZE = 100;

export interface ScoreExtra {
  customers?: CustomerRecord[];
  surveys?: SurveyResponse[];
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const finite = (x: number, fallback = 0) => (Number.isFinite(x) ? x : fallback);

function paramsFinite(m: PurchaseModel | SpendModel): boolean {
  return Object.values(m.fit.params).every((v) => Number.isFinite(v) && v > 0);
}

export function scoreCustomers(summaries: CustomerSummary[], profile: Profile, extra: ScoreExtra = {}): ScoreRun {
  const warnings: string[] = [];
  // With a calibration end the summaries are taken at that day, so every "days since" is counted
  // from it, and the purchases after it are the holdout the run checks the model against.
  const endDay = isoToDay(profile.asOf);
  const asOfDay = profile.calibrationEnd ? isoToDay(profile.calibrationEnd) : endDay;
  const rows = summaries.slice().sort(byId);
  const n = rows.length;
  for (let i = 1; i < n; i++) {
    if (rows[i].id === rows[i - 1].id) {
      warnings.push(`Customer id "${rows[i].id}" appears in more than one summary; merge shards before scoring.`);
      break;
    }
  }
  const d = periodDiscountRate(profile.discountRate, profile.timeUnit);
  const H = profile.horizon;
  const margin = profile.margin;

  // ---- models
  const models: ScoreRun['models'] = {};
  let model: PurchaseModel | undefined;
  const repeaters = countRepeaters(rows);
  if (n < MIN_FIT_CUSTOMERS || repeaters === 0) {
    warnings.push(
      n < MIN_FIT_CUSTOMERS
        ? `Only ${n} customers: too few to fit a purchase model (need ${MIN_FIT_CUSTOMERS}); P(alive) and CLV use the simple fallback (see docs/scores.md).`
        : 'No customer has bought twice: purchase models cannot be fitted; P(alive) and CLV use the simple fallback (see docs/scores.md).',
    );
  } else {
    // Model fitting and choice (core/models/select.ts): fits only what profile.model needs, says why in models.choice.
    const sel = selectPurchaseModel(rows, profile.model);
    if (sel.fits.bgnbd) models.bgnbd = sel.fits.bgnbd;
    if (sel.fits.paretonbd) models.paretoNbd = sel.fits.paretonbd;
    if (sel.fits.mbgnbd) models.mbgnbd = sel.fits.mbgnbd;
    models.choice = sel.choice;
    warnings.push(...sel.warnings);
    model = sel.model;
  }

  let spend: SpendModel | undefined;
  const spenders = rows.filter((s) => s.frequency > 0 && s.meanRepeatSpend > 0).length;
  if (spenders < MIN_SPEND_CUSTOMERS) {
    warnings.push(`Only ${spenders} repeat buyers with spend: Gamma-Gamma not fitted; expected spend = the customer's own mean spend.`);
  } else {
    try {
      const g = fitGammaGamma(rows);
      models.gammaGamma = { ...g.fit, finiteMean: g.finiteMean };
      if (!g.finiteMean) warnings.push('Gamma-Gamma: q ≤ 1, so mean spend is infinite; expected spend = the customer\'s own mean spend.');
      else if (!paramsFinite(g)) warnings.push('Gamma-Gamma gave invalid parameters; expected spend = the customer\'s own mean spend.');
      else if (!g.fit.converged) warnings.push('Gamma-Gamma did not converge; expected spend = the customer\'s own mean spend.');
      else spend = g;
      for (const w of g.fit.warnings) warnings.push(`gammaGamma: ${w}`);
    } catch (e) {
      warnings.push(`Gamma-Gamma fit failed (${(e as Error).message}); expected spend = the customer's own mean spend.`);
    }
  }

  // ---- per-customer predictions, computed once per distinct (x, t_x, T)
  const records = new Map<string, CustomerRecord>();
  let duplicateRecords = 0;
  for (const c of extra.customers ?? []) {
    if (records.has(c.id)) duplicateRecords++;
    else records.set(c.id, c);
  }
  if (duplicateRecords) warnings.push(`${duplicateRecords} master-data records repeat an id; the first record of each id is used.`);
  const pAlive = new Float64Array(n);
  const expPurchases = new Float64Array(n);
  const expSpend = new Float64Array(n);
  const clvs = new Float64Array(n);
  const unitClv = new Float64Array(n); // per unit of margin × spend, for the intervals
  const historic = new Float64Array(n);
  // Predictions per distinct (x, t_x, T): typed arrays indexed by slot, grown by doubling.
  const cache = new Map<string, number>();
  let cacheP = new Float64Array(256), cacheE = new Float64Array(256), cacheC = new Float64Array(256);
  const grow = (a: Float64Array) => { const b = new Float64Array(a.length * 2); b.set(a); return b; };
  const Hk = Math.max(0, Math.floor(H)); // whole periods for the fallback and the cost sums
  const discounts = new Float64Array(Hk + 1);
  for (let k = 1; k <= Hk; k++) discounts[k] = 1 / Math.pow(1 + d, k);
  let totalSpend = 0, totalTx = 0;
  for (const s of rows) { totalSpend += s.totalSpend; totalTx += s.transactions; }
  const meanSpend = totalTx > 0 ? totalSpend / totalTx : 0;
  let costNetted = 0;

  for (let i = 0; i < n; i++) {
    const s = rows[i];
    const c = { frequency: s.frequency, recency: s.recency, T: s.T };
    const ownMean = s.transactions > 0 ? s.totalSpend / s.transactions : meanSpend;
    expSpend[i] = finite(spend ? spend.expectedSpend(s.frequency, s.meanRepeatSpend) : ownMean, ownMean);
    const daysSince = asOfDay - s.lastDay;
    let perUnitClv: number;
    if (model) {
      const key = `${s.frequency},${s.recency},${s.T}`;
      let slot = cache.get(key);
      if (slot === undefined) {
        slot = cache.size;
        cache.set(key, slot);
        if (slot >= cacheP.length) { cacheP = grow(cacheP); cacheE = grow(cacheE); cacheC = grow(cacheC); }
        cacheP[slot] = finite(model.pAlive(s.frequency, s.recency, s.T));
        cacheE[slot] = finite(model.expectedPurchases(H, s.frequency, s.recency, s.T));
        cacheC[slot] = finite(modelClv(model, 1, c, { horizon: H, discountPerPeriod: d, margin: 1 }));
      }
      pAlive[i] = cacheP[slot];
      expPurchases[i] = cacheE[slot];
      perUnitClv = cacheC[slot];
    } else {
      // Fallback: alive until the lost window passes, buying at the customer's own past rate.
      const alive = daysSince > profile.churn.lostAfterDays ? 0 : 1;
      const rate = s.T > 0 ? s.frequency / s.T : 0;
      pAlive[i] = alive;
      expPurchases[i] = rate * H * alive;
      let acc = 0;
      for (let k = 1; k <= Hk; k++) acc += rate * alive * discounts[k];
      perUnitClv = acc;
    }
    unitClv[i] = perUnitClv;
    let value = margin * expSpend[i] * perUnitClv;
    const rec = records.get(s.id);
    if (rec?.serviceCostPerPeriod && rec.serviceCostPerPeriod > 0) {
      // Cost to serve while alive: Σ_k cost · P(alive at k) / (1 + d)^k over the horizon.
      let alivePeriods = 0;
      for (let k = 1; k <= Hk; k++) alivePeriods += (model ? finite(pAliveAt(model, c, k)) : pAlive[i]) * discounts[k];
      value -= rec.serviceCostPerPeriod * alivePeriods;
      costNetted++;
    }
    clvs[i] = finite(value);
    historic[i] = s.netSpend * margin - (rec?.acquisitionCost ?? 0);
  }
  if (costNetted) warnings.push(`CLV of ${costNetted} customers is net of their cost to serve from the master data.`);
  // Intervals from parameter uncertainty, and DERT where the model has it (core/models/intervals.ts).
  const iv = model
    ? scoreIntervals(model, rows, { unit: expSpend.map((v) => margin * v), unitClv, clv: clvs }, { horizon: H, discountPerPeriod: d, ...profile.intervals })
    : undefined;
  if (iv) models.intervals = iv.report;

  // ---- tiers
  const ids = rows.map((s) => s.id);
  let rankValue: Float64Array = clvs;
  if (profile.tierBy === 'historic') rankValue = historic;
  else if (profile.tierBy === 'margin') {
    rankValue = new Float64Array(n);
    let missing = 0;
    for (let i = 0; i < n; i++) {
      const m = rows[i].margin;
      if (m === undefined) missing++;
      rankValue[i] = m ?? rows[i].netSpend * margin;
    }
    if (missing) warnings.push(`${missing} customers have no margin in the data; their margin is net spend × profile margin.`);
  }
  const tiers = assignTiers(rankValue, ids, profile.tierScheme, profile.customTiers);

  // ---- RFM
  const daysAgo = new Float64Array(n);
  const tx = new Float64Array(n);
  const money = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    daysAgo[i] = asOfDay - rows[i].lastDay;
    tx[i] = rows[i].transactions;
    money[i] = rows[i].netSpend;
  }
  const rfmOpts: RfmOptions = { ...(profile.rfm as Partial<RfmOptions>), bins: profile.rfm.bins };
  const rfm = rfmScores(daysAgo, tx, money, rfmOpts);

  // ---- classes, satisfaction, assembly
  const values = valueClasses(historic, clvs, ids);
  const median = repeatMedian(rows.map((s) => s.frequency));
  const latest = latestResponses(extra.surveys ?? []);
  const classOpts = { homeRegion: profile.homeRegion, homeCountry: profile.homeCountry, receivables: profile.receivables };
  const customers: CustomerScore[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const s = rows[i];
    const risk = churnRisk(pAlive[i], asOfDay - s.lastDay, profile.churn);
    const survey = latest.get(s.id);
    customers[i] = {
      id: s.id,
      summary: s,
      pAlive: pAlive[i],
      expectedPurchases: expPurchases[i],
      expectedSpend: expSpend[i],
      clv: clvs[i],
      ...(iv && 'level' in iv.report ? { intervals: { clv: [iv.clvLow[i], iv.clvHigh[i]] as [number, number], expectedPurchases: [iv.expectedLow[i], iv.expectedHigh[i]] as [number, number] } } : {}),
      ...(iv?.dert ? { dert: iv.dert[i] } : {}),
      historicValue: historic[i],
      tier: tiers.tier[i],
      tierReason: tiers.reason[i],
      rfm: { r: rfm.r[i], f: rfm.f[i], m: rfm.m[i], segment: rfm.segment[i] },
      lifecycleStage: lifecycleStage(risk, pAlive[i], s.transactions, asOfDay - s.firstDay, profile.churn),
      churnRisk: risk,
      valueAtRisk: valueAtRisk(clvs[i], pAlive[i]),
      valueClass: values[i],
      satisfactionLevel: survey ? satisfactionLevel(survey, s.lastDay) : null,
      classes: { frequency: frequencyClass(s.transactions, s.frequency, median), ...masterClasses(records.get(s.id), classOpts) },
    };
  }

  // ---- aggregates
  const agg: AggregateInput[] = customers.map((c) => ({ id: c.id, revenue: c.summary.netSpend, clv: c.clv, pAlive: c.pAlive }));
  const surveysById = latest.size ? latest : undefined;
  const classKeys = ['valueClass', 'lifecycle', 'churnRisk', 'frequency', 'type', 'region', 'settlement', 'receivables', 'pipeline', 'channel', 'segment', 'industry'];
  const classes: ScoreRun['classes'] = {};
  for (const key of classKeys) {
    const keyOf = (i: number) =>
      key === 'valueClass' ? customers[i].valueClass
        : key === 'lifecycle' ? customers[i].lifecycleStage
          : key === 'churnRisk' ? customers[i].churnRisk
            : customers[i].classes[key];
    if (!customers.some((_, i) => keyOf(i) !== undefined)) continue;
    const order = key in LABELS ? Object.keys(LABELS[key as keyof typeof LABELS]).filter((k) => k !== 'unknown' && k !== 'other') : [];
    classes[key] = groupAggregates(agg, keyOf, key, order, surveysById);
  }

  // ---- retention and satisfaction reports
  const exploration = [...records.keys()].filter((id) => !customersHas(ids, id)).sort();
  const lifecycleCounts: Record<string, number> = { exploration: exploration.length, formation: 0, stable: 0, decline: 0, lost: 0 };
  const riskCounts: Record<string, number> = { low: 0, medium: 0, high: 0, lost: 0 };
  for (const c of customers) { lifecycleCounts[c.lifecycleStage]++; riskCounts[c.churnRisk]++; }
  const warningList = customers
    .filter((c) => c.churnRisk !== 'low' && c.valueAtRisk > 0)
    .sort((a, b) => b.valueAtRisk - a.valueAtRisk || byId(a, b))
    .slice(0, WARNING_LIST_SIZE)
    .map((c) => ({ id: c.id, tier: c.tier, clv: c.clv, pAlive: c.pAlive, valueAtRisk: c.valueAtRisk, churnRisk: c.churnRisk }));
  let totalAtRisk = 0;
  for (const c of customers) totalAtRisk += c.valueAtRisk;
  const hasChannel = customers.some((c) => c.classes.channel !== undefined);
  const retention = {
    period: profile.retentionPeriod,
    periods: periodRetention(rows),
    cohorts: cohortMatrix(rows),
    cohortsByChannel: hasChannel ? cohortsByChannel(rows, (id) => records.get(id)?.channel?.trim() || undefined) : undefined,
    churnRisk: riskCounts,
    lifecycle: lifecycleCounts,
    explorationCustomers: exploration,
    valueAtRisk: totalAtRisk,
    warningList,
  };

  const groupStats = (keyOf: (c: CustomerScore) => string) => {
    const groups = new Map<string, CustomerScore[]>();
    for (const c of customers) {
      if (!latest.has(c.id)) continue;
      const k = keyOf(c);
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k)!.push(c);
    }
    const out: Record<string, ReturnType<typeof surveyStats>> = {};
    for (const k of [...groups.keys()].sort()) {
      const g = groups.get(k)!;
      out[k] = surveyStats(g.map((c) => latest.get(c.id)!), g.map((c) => c.satisfactionLevel));
    }
    return out;
  };
  const satisfaction = latest.size
    ? {
      overall: surveyStats(
        [...latest.keys()].sort().map((id) => latest.get(id)!),
        customers.map((c) => c.satisfactionLevel),
      ),
      byTier: groupStats((c) => c.tier),
      bySegment: groupStats((c) => c.rfm.segment),
      respondentsWithoutPurchases: [...latest.keys()].filter((id) => !customersHas(ids, id)).length,
    }
    : null;

  let equity = 0;
  for (let i = 0; i < n; i++) equity += clvs[i];
  let holdout: ScoreRun['holdout'];
  if (profile.calibrationEnd && model && rows.some((s) => s.holdout)) {
    const length = (endDay - asOfDay) / UNIT_DAYS[profile.timeUnit];
    holdout = { length, ...holdoutValidation(model, rows, length) };
  }

  return {
    asOf: profile.asOf,
    timeUnit: profile.timeUnit,
    customers,
    models,
    customerEquity: equity,
    tiers: groupAggregates(agg, (i) => customers[i].tier, 'tier', tiers.order, surveysById),
    segments: groupAggregates(agg, (i) => customers[i].rfm.segment, 'segment', (rfmOpts.segments ?? DEFAULT_SEGMENT_MAP).map((r) => r.segment).filter((k, j, a) => a.indexOf(k) === j), surveysById),
    classes,
    retention,
    satisfaction,
    concentration: concentration(rankValue).curve,
    ...(holdout ? { holdout } : {}),
    warnings,
  };
}

function countRepeaters(rows: CustomerSummary[]): number {
  let k = 0;
  for (const s of rows) if (s.frequency > 0) k++;
  return k;
}

/** Binary search in the sorted id list. */
function customersHas(sortedIds: string[], id: string): boolean {
  let lo = 0, hi = sortedIds.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sortedIds[mid] === id) return true;
    if (sortedIds[mid] < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
