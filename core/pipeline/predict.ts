/**
 * Stage 2: per-customer predictions over the horizon — P(alive), expected purchases, expected
 * spend, CLV, the value if still active — then rule 1 of core/scores/consistency.ts (the lost
 * window). Model predictions are computed once per distinct (x, t_x, T).
 */
import type { PurchaseModel } from '../types.ts';
import { clv as modelClv, pAliveAt, periodDiscountRate, scoreIntervals, type CustomerIntervals } from '../models/index.ts';
import { discountedIfAliveOnce } from '../models/clv.ts';
import type { FactoredPurchaseModel } from '../models/purchase.ts';
import { TupleSlots } from '../models/slots.ts';
import { isLost, valueIfAlive, DORMANT_MAX_PALIVE } from '../scores/consistency.ts';
import type { FitStage } from './fit.ts';
import type { ScoreInput } from './input.ts';

export interface Predictions {
  /** P(alive) after the lost window (what every score uses). */
  pAlive: Float64Array;
  /** Purchases expected over the horizon. */
  expectedPurchases: Float64Array;
  expectedSpend: Float64Array;
  /** Discounted margin over the horizon, net of the cost to serve when the master data gives one. */
  clv: Float64Array;
  /** CLV over the horizon if still active, before costs (consistency rule 5). */
  valueIfAlive: Float64Array;
  /** netSpend × margin − acquisition cost. */
  historic: Float64Array;
  /** 1 when the customer is past the lost window (consistency rule 1). */
  lost: Uint8Array;
  /** Intervals from parameter uncertainty and DERT (core/models/intervals.ts); 0 for lost customers. */
  intervals?: CustomerIntervals;
}

const finite = (x: number, fallback = 0) => (Number.isFinite(x) ? x : fallback);

/** Predictions per distinct (x, t_x, T), in typed arrays indexed by slot, grown by doubling. */
class ModelCache {
  private readonly slots = new TupleSlots();
  private readonly ifAlive: ReturnType<typeof factoredByXT>;
  pAlive: Float64Array = new Float64Array(256);
  purchases: Float64Array = new Float64Array(256);
  perUnitClv: Float64Array = new Float64Array(256);

  constructor(private readonly model: PurchaseModel, private readonly H: number, private readonly d: number) {
    this.ifAlive = factoredByXT(model, H, d);
  }

  /** The slot of (x, t_x, T) in pAlive, purchases and perUnitClv, computed the first time it is seen. */
  slotOf(x: number, tx: number, T: number): number {
    const known = this.slots.size;
    const slot = this.slots.slotOf(x, tx, T);
    if (slot === known) this.compute(slot, x, tx, T);
    return slot;
  }

  private compute(slot: number, x: number, tx: number, T: number): void {
    const { model, H, d, ifAlive } = this;
    if (slot >= this.pAlive.length) {
      this.pAlive = grow(this.pAlive); this.purchases = grow(this.purchases); this.perUnitClv = grow(this.perUnitClv);
    }
    if (ifAlive) {
      // E[X(H)] = P(alive) · E[X(H) | alive] and CLV = P(alive) · Σ discounted E[ΔX | alive], as
      // model.expectedPurchases and models/clv.ts compute them, with the (x, T) factors shared.
      const pa = model.pAlive(x, tx, T);
      const f = ifAlive(x, T);
      this.pAlive[slot] = finite(pa);
      this.purchases[slot] = finite(H > 0 ? pa * f.atHorizon : 0);
      this.perUnitClv[slot] = finite(H > 0 ? pa * f.discounted : 0);
    } else {
      this.pAlive[slot] = finite(model.pAlive(x, tx, T));
      this.purchases[slot] = finite(model.expectedPurchases(H, x, tx, T));
      this.perUnitClv[slot] = finite(modelClv(model, 1, { frequency: x, recency: tx, T }, { horizon: H, discountPerPeriod: d, margin: 1 }));
    }
  }
}

function grow(a: Float64Array): Float64Array {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

/** For models that factor E[X(t)] = P(alive) · E[X(t) | alive]: per distinct (x, T), E[X(H) | alive] and its discounted sum. */
function factoredByXT(model: PurchaseModel, H: number, d: number) {
  const factored = (model as Partial<FactoredPurchaseModel>).expectedIfAlive ? (model as FactoredPurchaseModel) : undefined;
  if (!factored) return undefined;
  const slots = new TupleSlots();
  const found: { atHorizon: number; discounted: number }[] = [];
  return (x: number, T: number) => {
    const slot = slots.slotOf(x, T);
    if (slot === found.length) {
      const end = { atHorizon: 0 };
      const discounted = discountedIfAliveOnce(factored, x, T, H, d, end);
      found.push({ atHorizon: end.atHorizon, discounted });
    }
    return found[slot];
  };
}

export function predict(input: ScoreInput, fitted: FitStage): Predictions {
  const { rows, profile, scoreDay, records, warnings } = input;
  const { purchase: model, spend } = fitted;
  const n = rows.length;
  const out: Predictions = {
    pAlive: new Float64Array(n), expectedPurchases: new Float64Array(n), expectedSpend: new Float64Array(n),
    clv: new Float64Array(n), valueIfAlive: new Float64Array(n), historic: new Float64Array(n), lost: new Uint8Array(n),
  };
  const unitClv = new Float64Array(n); // CLV per unit of margin × spend, for the intervals
  const d = periodDiscountRate(profile.discountRate, profile.timeUnit);
  const H = profile.horizon;
  const margin = profile.margin;
  const Hk = Math.max(0, Math.floor(H)); // whole periods for the fallback and the cost sums
  const discounts = new Float64Array(Hk + 1);
  let discountSum = 0;
  for (let k = 1; k <= Hk; k++) discountSum += discounts[k] = 1 / Math.pow(1 + d, k);
  let totalSpend = 0, totalTx = 0;
  for (const s of rows) { totalSpend += s.totalSpend; totalTx += s.transactions; }
  const meanSpend = totalTx > 0 ? totalSpend / totalTx : 0;
  const cache = model ? new ModelCache(model, H, d) : undefined;
  let costNetted = 0, overridden = 0, overriddenMax = 0;

  for (let i = 0; i < n; i++) {
    const s = rows[i];
    const ownMean = s.transactions > 0 ? s.totalSpend / s.transactions : meanSpend;
    out.expectedSpend[i] = finite(spend ? spend.expectedSpend(s.frequency, s.meanRepeatSpend) : ownMean, ownMean);
    // The simple fallback: buying at the customer's own past rate while active.
    const rate = s.T > 0 ? s.frequency / s.T : 0;
    const ownRateUnitClv = rate * discountSum;
    let pModel = 1, purchases = rate * H, perUnitClv = ownRateUnitClv;
    if (cache) {
      const slot = cache.slotOf(s.frequency, s.recency, s.T);
      pModel = cache.pAlive[slot]; purchases = cache.purchases[slot]; perUnitClv = cache.perUnitClv[slot];
    }
    const unitValue = margin * out.expectedSpend[i];
    out.valueIfAlive[i] = finite(unitValue * valueIfAlive(perUnitClv, pModel, ownRateUnitClv));
    const lost = isLost(scoreDay - s.lastDay, profile.churn);
    out.lost[i] = lost ? 1 : 0;
    if (lost) {
      if (model && pModel > DORMANT_MAX_PALIVE) { overridden++; overriddenMax = Math.max(overriddenMax, pModel); }
      pModel = 0; purchases = 0; perUnitClv = 0;
    }
    out.pAlive[i] = pModel;
    out.expectedPurchases[i] = purchases;
    unitClv[i] = perUnitClv;
    let value = unitValue * perUnitClv;
    const rec = records.size ? records.get(s.id) : undefined;
    if (rec?.serviceCostPerPeriod && rec.serviceCostPerPeriod > 0) {
      // Cost to serve while alive: Σ_k cost · P(alive at k) / (1 + d)^k over the horizon.
      let alivePeriods = 0;
      if (!lost) for (let k = 1; k <= Hk; k++) alivePeriods += (model ? finite(pAliveAt(model, s, k)) : 1) * discounts[k];
      value -= rec.serviceCostPerPeriod * alivePeriods;
      costNetted++;
    }
    out.clv[i] = finite(value);
    out.historic[i] = s.netSpend * margin - (rec?.acquisitionCost ?? 0);
  }
  if (model) out.intervals = input.watch.time('score.intervals', () => activeIntervals(model, input, out, unitClv, { horizon: H, discountPerPeriod: d }));
  const skipped = out.intervals && 'skipped' in out.intervals.report ? out.intervals.report.skipped : '';
  if (skipped.includes('budget')) warnings.push(`No CLV / expected-purchases intervals: ${skipped}.`);
  if (costNetted) warnings.push(`CLV of ${costNetted} customers is net of their cost to serve from the master data.`);
  if (overridden) {
    warnings.push(
      `${overridden} customers have not bought for more than ${profile.churn.lostAfterDays} days, so they count as lost (P(alive) 0, CLV 0), `
      + `although the ${model!.kind} model gives them P(alive) above ${DORMANT_MAX_PALIVE} (up to ${overriddenMax.toFixed(2)}); `
      + 'their value if still active is their value at risk (see docs/scores.md).',
    );
  }
  return out;
}

/**
 * Intervals and DERT (core/models/intervals.ts) over the customers still active: consistency rule 1
 * holds for them too, so a lost customer's bounds and DERT are 0 and the model-level totals leave
 * lost customers out, as customer equity does.
 */
function activeIntervals(model: PurchaseModel, input: ScoreInput, p: Predictions, unitClv: Float64Array, o: { horizon: number; discountPerPeriod: number }): CustomerIntervals {
  const n = input.rows.length;
  const keep = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) if (!p.lost[i]) keep[m++] = i;
  // The active customers' rows and values, in plain loops (a million customers: no callbacks per value).
  const rows = new Array<ScoreInput['rows'][number]>(m);
  const unit = new Float64Array(m), unitC = new Float64Array(m), clv = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const i = keep[k];
    rows[k] = input.rows[i];
    unit[k] = input.profile.margin * p.expectedSpend[i];
    unitC[k] = unitClv[i];
    clv[k] = p.clv[i];
  }
  const sub = scoreIntervals(model, rows, { unit, unitClv: unitC, clv }, { ...o, ...input.profile.intervals });
  const spread = (a: Float64Array) => {
    const full = new Float64Array(n); // lost customers: 0
    for (let k = 0; k < m; k++) full[keep[k]] = a[k];
    return full;
  };
  return {
    ...sub,
    clvLow: spread(sub.clvLow), clvHigh: spread(sub.clvHigh), expectedLow: spread(sub.expectedLow), expectedHigh: spread(sub.expectedHigh),
    ...(sub.dert ? { dert: spread(sub.dert) } : {}),
  };
}
