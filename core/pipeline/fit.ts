/**
 * Stage 1: fit the purchase models that `profile.model` needs (all three for `auto`) and the
 * Gamma-Gamma spend model on the whole base, and pick the purchase model that scores.
 * Every model fitting call of the pipeline is in this file.
 */
import type { PurchaseModel, ScoreRun, SpendModel } from '../types.ts';
import { fitGammaGamma, paramsFinite, selectPurchaseModel } from '../models/index.ts';
import { planFits, type PlannedFits } from '../models/select.ts';
import { spendJob, spendModelOf, type FitJoin } from '../models/fit-jobs.ts';
import type { ScoreInput } from './input.ts';

/** Below this many customers, or without any repeat buyer, purchase models are not fitted. */
export const MIN_FIT_CUSTOMERS = 20;
/** Below this many repeat buyers with spend, Gamma-Gamma is not fitted. */
export const MIN_SPEND_CUSTOMERS = 10;

/**
 * What expected spend falls back to when Gamma-Gamma is not used (too few repeat buyers, a failed
 * fit, or q ≤ 1): the customer's own mean spend per purchase day, first purchase included.
 */
export const SPEND_FALLBACK = "expected spend = the customer's own mean spend per purchase (all purchases, the first included)";

export interface FitStage {
  /** Fit reports for summary.json. */
  models: ScoreRun['models'];
  /** The purchase model that scores; absent → the simple fallback (see predict.ts). */
  purchase?: PurchaseModel;
  /** The spend model; absent → SPEND_FALLBACK. */
  spend?: SpendModel;
}

export function fit(input: ScoreInput): FitStage {
  const models: ScoreRun['models'] = {};
  const fitsPurchase = canFitPurchase(input.rows);
  const spenders = countSpenders(input.rows);
  const fitsSpend = spenders >= MIN_SPEND_CUSTOMERS;
  // With a runner (the CLI's --threads) every fit this run needs starts now and runs at once;
  // each result is the same double as the fit made here, one after the other.
  let planned: PlannedFits | undefined;
  let spendFit: FitJoin | undefined;
  if (input.fitRunner) {
    const extra = fitsSpend ? [spendJob(input.rows)] : [];
    if (fitsPurchase) {
      planned = planFits(input.rows, input.profile.model, input.fitRunner, extra);
      spendFit = planned.extra[0];
    } else if (fitsSpend) spendFit = input.fitRunner.start(extra[0]);
  }
  const purchase = fitPurchase(input, models, fitsPurchase, planned);
  const spend = input.watch.time('fit.gammaGamma', () => fitSpend(input, models, spenders, spendFit));
  input.fitRunner?.finished?.();
  return { models, purchase, spend };
}

function canFitPurchase(rows: ScoreInput['rows']): boolean {
  return rows.length >= MIN_FIT_CUSTOMERS && rows.some((s) => s.frequency > 0);
}

/** Repeat buyers with spend: what Gamma-Gamma is fitted on. */
function countSpenders(rows: ScoreInput['rows']): number {
  let n = 0;
  for (const s of rows) if (s.frequency > 0 && s.meanRepeatSpend > 0) n++;
  return n;
}

function fitPurchase({ rows, profile, warnings, watch }: ScoreInput, models: ScoreRun['models'], canFit: boolean, planned?: PlannedFits): PurchaseModel | undefined {
  const n = rows.length;
  if (!canFit) {
    warnings.push(
      n < MIN_FIT_CUSTOMERS
        ? `Only ${n} customers: too few to fit a purchase model (need ${MIN_FIT_CUSTOMERS}); P(alive) and CLV use the simple fallback (see docs/scores.md).`
        : 'No customer has bought twice: purchase models cannot be fitted; P(alive) and CLV use the simple fallback (see docs/scores.md).',
    );
    return undefined;
  }
  // Fitting and choice (core/models/select.ts): fits only what profile.model needs; models.choice says why.
  const sel = selectPurchaseModel(rows, profile.model, watch.time, planned);
  if (sel.fits.bgnbd) models.bgnbd = sel.fits.bgnbd;
  if (sel.fits.paretonbd) models.paretoNbd = sel.fits.paretonbd;
  if (sel.fits.mbgnbd) models.mbgnbd = sel.fits.mbgnbd;
  models.choice = sel.choice;
  warnings.push(...sel.warnings);
  return sel.model;
}

function fitSpend({ rows, warnings }: ScoreInput, models: ScoreRun['models'], spenders: number, started?: FitJoin): SpendModel | undefined {
  if (spenders < MIN_SPEND_CUSTOMERS) {
    warnings.push(`Only ${spenders} repeat buyers with spend: Gamma-Gamma not fitted; ${SPEND_FALLBACK}.`);
    return undefined;
  }
  try {
    const g = (started && spendModelOf(started())) ?? fitGammaGamma(rows);
    models.gammaGamma = { ...g.fit, finiteMean: g.finiteMean };
    for (const w of g.fit.warnings) warnings.push(`gammaGamma: ${w}`);
    if (!g.finiteMean) warnings.push(`Gamma-Gamma is not used (q ≤ 1); ${SPEND_FALLBACK}.`);
    else if (!paramsFinite(g.fit)) warnings.push(`Gamma-Gamma gave invalid parameters and is not used; ${SPEND_FALLBACK}.`);
    else if (!g.fit.converged) warnings.push(`Gamma-Gamma did not converge and is not used; ${SPEND_FALLBACK}.`);
    else return g;
  } catch (e) {
    warnings.push(`Gamma-Gamma fit failed (${(e as Error).message}); ${SPEND_FALLBACK}.`);
  }
  return undefined;
}
