/**
 * Which purchase model scores the run, and why.
 *
 * `auto` fits BG/NBD, MBG/NBD and Pareto/NBD on all customers, then checks each on a time split of
 * the customers' own history: every customer's history from first purchase to the cut is split at
 * 80 %, the models are refitted on the first part and predict the repeat purchases of the last 20 %
 * (OWN_HOLDOUT_SHARE). A per-customer split needs nothing but the customer's own purchase days, so it
 * is the same whether the data came in one piece or in customer shards. The chosen model is the
 * converged candidate with the smallest holdout error, among the models that let one-time buyers
 * drop out: BG/NBD is reported but not chosen, because it keeps every one-time buyer alive with
 * P(alive) = 1 however long ago they bought. Without a usable holdout the smallest BIC decides.
 * A model named explicitly is used when its fit converges; otherwise the next one that converges.
 */
import type { ModelSetting, PurchaseModelKind } from '../config.ts';
import type { CustomerSummary, FitReport } from '../types.ts';
import { compressSummaries, type Histogram } from './histogram.ts';
import { paramsFinite } from './mle.ts';
import { SPECS, type FactoredPurchaseModel } from './purchase.ts';
import { TupleSlots } from './slots.ts';
import { LOCAL_RUNNER, purchaseModelOf, type FitJob, type FitJoin, type FitRunner } from './fit-jobs.ts';

/** Share of each customer's observed history (first purchase → cut) held out for model selection. */
export const OWN_HOLDOUT_SHARE = 0.2;
/** The day that splits a customer's own history: purchases up to it calibrate, later ones are the holdout. */
export function ownHistorySplitDay(firstDay: number, cutDay: number): number {
  return firstDay + Math.floor((1 - OWN_HOLDOUT_SHARE) * (cutDay - firstDay));
}

/** A holdout needs this many customers, and repeat buyers, in the calibration part. */
export const MIN_HOLDOUT_CUSTOMERS = 20;
/** Fallback order after an explicitly named model that does not converge. */
const FALLBACK: PurchaseModelKind[] = ['paretonbd', 'mbgnbd', 'bgnbd'];
const AUTO: PurchaseModelKind[] = ['bgnbd', 'mbgnbd', 'paretonbd'];
/** Calibration-frequency buckets of the holdout error: 0 … 6 and 7+ repeat purchases. */
const TOP_BUCKET = 7;

export interface Candidate {
  model: PurchaseModelKind;
  converged: boolean;
  problems: string[];
  logLikelihood: number;
  /** −2 log L + k log n (k = 4 parameters, n = customers). */
  bic: number;
  /** Customer-weighted mean over calibration-frequency buckets of |mean predicted − mean actual| holdout purchases; null without a holdout. */
  holdoutError: number | null;
  /** Mean predicted and actual holdout repeat purchases per customer. */
  holdoutPredicted: number | null;
  holdoutActual: number | null;
  /** Whether the model may be chosen, and why not. */
  eligible: boolean;
  excludedBecause?: string;
}

export interface ModelChoice {
  requested: ModelSetting;
  /** The model that scored the run; null when none converged and the heuristic scored it. */
  chosen: PurchaseModelKind | null;
  reason: string;
  holdout: { share: number; customers: number; meanLength: number } | { skipped: string };
  candidates: Candidate[];
}

export interface Selection {
  model?: FactoredPurchaseModel;
  choice: ModelChoice;
  /** Fit reports of every model fitted on all customers. */
  fits: Partial<Record<PurchaseModelKind, FitReport>>;
  warnings: string[];
}

type Rows = readonly CustomerSummary[];

/** Runs a stage and records how long it took (core/pipeline/timings.ts); the default times nothing. */
export type StageTimer = <T>(stage: string, f: () => T) => T;

/**
 * The histograms a selection fits on, and its fits: on all customers, or on the calibration part
 * (`auto`'s holdout refits). A fit is started on the plan's runner (core/models/fit-jobs.ts) and
 * joined where it is needed. Without a runner each starts when it is first needed and runs when
 * joined, one after the other; with one, planFits starts ahead every fit `setting` surely needs
 * (a refit whose model turns out not eligible is not used).
 */
export interface PlannedFits {
  hist: Histogram;
  split?: Split;
  calib?: Calibration;
  runner: FitRunner;
  started: Record<FitPart, Partial<Record<PurchaseModelKind, FitJoin>>>;
  extra: FitJoin[];
}
type FitPart = 'all' | 'calibration';

/** Pareto/NBD's fits, the longest, start first; `extra` jobs (the spend model's) right after them. */
export function planFits(rows: Rows, setting: ModelSetting, runner?: FitRunner, extra: FitJob[] = []): PlannedFits {
  const split = setting === 'auto' ? splitRows(rows) : undefined;
  const calib = split && !split.skipped ? calibration(split.rows) : undefined;
  const plan: PlannedFits = { hist: compressSummaries(rows), split, calib, runner: runner ?? LOCAL_RUNNER, started: { all: {}, calibration: {} }, extra: [] };
  if (!runner) return plan;
  const kinds = setting === 'auto' ? AUTO : [setting];
  const refits = calib ? AUTO.filter((k) => !SPECS[k].oneTimeBuyersAlwaysAlive) : [];
  if (kinds.includes('paretonbd')) start(plan, 'paretonbd', 'all');
  if (refits.includes('paretonbd')) start(plan, 'paretonbd', 'calibration');
  for (const job of extra) plan.extra.push(runner.start(job));
  for (const k of refits) start(plan, k, 'calibration');
  for (const k of kinds) start(plan, k, 'all');
  return plan;
}

/** The fit of `kind` on a part, started once. */
function start(plan: PlannedFits, kind: PurchaseModelKind, part: FitPart): FitJoin {
  const hist = part === 'all' ? plan.hist : plan.calib!.histogram();
  return (plan.started[part][kind] ??= plan.runner.start({ kind, hist }));
}

/** The model `kind` fitted on a part (what fitPurchaseModel returns, or throws). */
function fitOn(plan: PlannedFits, kind: PurchaseModelKind, part: FitPart): FactoredPurchaseModel {
  return purchaseModelOf(kind, start(plan, kind, part)());
}

/** Fits what `setting` needs and picks the scoring model (see the file comment). */
export function selectPurchaseModel(rows: Rows, setting: ModelSetting, time: StageTimer = (_stage, f) => f(), planned?: PlannedFits): Selection {
  const plan = planned ?? planFits(rows, setting);
  const hist = plan.hist;
  const fitted: Partial<Record<PurchaseModelKind, FactoredPurchaseModel>> = {};
  const warnings: string[] = [];
  const fit = (kind: PurchaseModelKind) => {
    if (!fitted[kind]) {
      try {
        fitted[kind] = time(`fit.${kind}`, () => fitOn(plan, kind, 'all'));
      } catch (e) {
        warnings.push(`The ${SPECS[kind].title} fit failed (${(e as Error).message}).`);
        return undefined;
      }
      const f = fitted[kind]!.fit;
      for (const w of f.warnings) warnings.push(`${kind}: ${w}`);
    }
    return fitted[kind];
  };
  let chosen: FactoredPurchaseModel | undefined;
  let reason: string;
  let holdout: ModelChoice['holdout'] = { skipped: 'only used by model auto' };
  let candidates: Candidate[];
  if (setting === 'auto') {
    for (const k of AUTO) fit(k);
    const split = plan.split!;
    holdout = split.skipped ? { skipped: split.skipped } : { share: OWN_HOLDOUT_SHARE, customers: split.rows.length, meanLength: split.meanLength };
    candidates = time('choice', () => AUTO.map((k) => candidate(k, fitted[k], hist.customers, plan)));
    const eligible = candidates.filter((c) => c.eligible);
    const byHoldout = !split.skipped && eligible.every((c) => c.holdoutError !== null);
    eligible.sort((x, y) => (byHoldout ? x.holdoutError! - y.holdoutError! : 0) || x.bic - y.bic);
    const best = eligible[0];
    chosen = best ? fitted[best.model] : undefined;
    reason = best
      ? byHoldout
        ? `${SPECS[best.model].title} has the smallest holdout error (${best.holdoutError!.toFixed(4)}) among the converged models that let one-time buyers drop out.`
        : `${SPECS[best.model].title} has the smallest BIC among the converged models that let one-time buyers drop out (no holdout: ${'skipped' in holdout ? holdout.skipped : 'a candidate could not be refitted on the calibration part'}).`
      : 'No model that lets one-time buyers drop out converged; P(alive) and CLV use the simple fallback (see docs/models.md).';
  } else {
    const order = [setting, ...FALLBACK.filter((k) => k !== setting)];
    for (const k of order) {
      const m = fit(k);
      if (m?.fit.converged && paramsFinite(m.fit)) {
        chosen = m;
        break;
      }
    }
    candidates = order.filter((k) => fitted[k]).map((k) => candidate(k, fitted[k], hist.customers, plan));
    reason = !chosen
      ? `No purchase model converged (asked for ${SPECS[setting].title}); P(alive) and CLV use the simple fallback (see docs/models.md).`
      : chosen.kind === setting
        ? `${SPECS[setting].title} was asked for and converged.`
        : `${SPECS[setting].title} was asked for but did not converge (${fitted[setting]?.fit.problems?.join('; ') ?? 'fit failed'}); ${SPECS[chosen.kind].title} is the next model that converged.`;
  }
  if (chosen && setting !== 'auto' && chosen.kind !== setting) warnings.push(reason);
  if (!chosen) warnings.push(reason);
  const fits: Selection['fits'] = {};
  for (const k of AUTO) if (fitted[k]) fits[k] = fitted[k]!.fit;
  return { model: chosen, choice: { requested: setting, chosen: chosen?.kind ?? null, reason, holdout, candidates }, fits, warnings };
}

interface SplitRow { frequency: number; recency: number; T: number; holdout: number; length: number }
type Split = ReturnType<typeof splitRows>;
/** The calibration rows and their histogram, built once for every candidate's refit. */
interface Calibration { rows: SplitRow[]; histogram: () => Histogram }

function calibration(rows: SplitRow[]): Calibration {
  let h: Histogram | undefined;
  return { rows, histogram: () => (h ??= compressSummaries(rows)) };
}

/** The calibration part of each customer's own history, or why there is no usable holdout. */
function splitRows(rows: Rows): { rows: SplitRow[]; meanLength: number; skipped?: string } {
  const out: SplitRow[] = [];
  let missing = 0;
  let repeaters = 0;
  let length = 0;
  for (const r of rows) {
    const s = r.ownSplit;
    if (!s) {
      missing++;
      continue;
    }
    if (!(s.frequency >= 0 && s.T > 0 && s.length > 0)) continue;
    out.push(s);
    if (s.frequency > 0) repeaters++;
    length += s.length;
  }
  const meanLength = out.length ? length / out.length : 0;
  if (missing === rows.length) return { rows: [], meanLength, skipped: 'the summaries carry no purchase-day split (made outside ingest)' };
  if (out.length < MIN_HOLDOUT_CUSTOMERS) return { rows: [], meanLength, skipped: `only ${out.length} customers have history before their split day (need ${MIN_HOLDOUT_CUSTOMERS})` };
  if (repeaters === 0) return { rows: [], meanLength, skipped: 'no customer bought twice before their split day' };
  return { rows: out, meanLength };
}

function candidate(kind: PurchaseModelKind, m: FactoredPurchaseModel | undefined, n: number, plan: PlannedFits): Candidate {
  const spec = SPECS[kind];
  const f = m?.fit;
  const converged = !!f && f.converged && paramsFinite(f);
  const c: Candidate = {
    model: kind,
    converged,
    problems: f ? (f.problems ?? (converged ? [] : ['invalid-parameters'])) : ['fit-failed'],
    logLikelihood: f?.logLikelihood ?? NaN,
    bic: f ? -2 * f.logLikelihood + spec.names.length * Math.log(Math.max(1, n)) : NaN,
    holdoutError: null,
    holdoutPredicted: null,
    holdoutActual: null,
    eligible: converged && !spec.oneTimeBuyersAlwaysAlive,
  };
  if (spec.oneTimeBuyersAlwaysAlive) c.excludedBecause = 'one-time buyers keep P(alive) = 1 however long ago they bought';
  else if (!converged) c.excludedBecause = `not converged (${c.problems.join('; ')})`;
  if (plan.calib && c.eligible) {
    const h = holdoutScore(kind, plan);
    if (!h) {
      c.eligible = false;
      c.excludedBecause = 'the refit on the calibration part did not converge';
    } else Object.assign(c, h);
  }
  return c;
}

/** Refits on the calibration part and compares predicted with actual holdout purchases per calibration-frequency bucket. */
function holdoutScore(kind: PurchaseModelKind, plan: PlannedFits): Pick<Candidate, 'holdoutError' | 'holdoutPredicted' | 'holdoutActual'> | undefined {
  const split = plan.calib!.rows;
  let m: FactoredPurchaseModel;
  try {
    m = fitOn(plan, kind, 'calibration');
  } catch {
    return undefined;
  }
  if (!m.fit.converged || !paramsFinite(m.fit)) return undefined;
  const n = new Float64Array(TOP_BUCKET + 1);
  const pred = new Float64Array(TOP_BUCKET + 1);
  const act = new Float64Array(TOP_BUCKET + 1);
  // Predictions per distinct (x, t_x, T, length): customers alike share one evaluation.
  const slots = new TupleSlots();
  const found: number[] = [];
  for (const s of split) {
    const b = Math.min(TOP_BUCKET, s.frequency);
    const slot = slots.slotOf(s.frequency, s.recency, s.T, s.length);
    if (slot === found.length) found.push(m.expectedPurchases(s.length, s.frequency, s.recency, s.T));
    const e = found[slot];
    n[b]++;
    pred[b] += Number.isFinite(e) ? e : 0;
    act[b] += s.holdout;
  }
  let err = 0;
  let total = 0;
  let sp = 0;
  let sa = 0;
  for (let b = 0; b <= TOP_BUCKET; b++) {
    if (!n[b]) continue;
    err += Math.abs(pred[b] - act[b]);
    total += n[b];
    sp += pred[b];
    sa += act[b];
  }
  return { holdoutError: err / total, holdoutPredicted: sp / total, holdoutActual: sa / total };
}
