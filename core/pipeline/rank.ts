/**
 * Stage 3: everything that ranks customers against each other — the pyramid tier (by CLV, historic
 * value or margin), the RFM scores and the value class.
 */
import type { ValueClass } from '../types.ts';
import { assignTiers, type TierResult } from '../scores/tiers.ts';
import { rfmScores, type RfmOptions, type RfmScores } from '../scores/rfm.ts';
import { valueClasses } from '../scores/classes.ts';
import type { ScoreInput } from './input.ts';
import type { Predictions } from './predict.ts';

export interface Ranking {
  /** The value the tiers rank (CLV, historic value or margin, per profile.tierBy). */
  value: Float64Array;
  tiers: TierResult;
  rfm: RfmScores;
  rfmOptions: RfmOptions;
  valueClass: ValueClass[];
}

export function rank(input: ScoreInput, p: Predictions): Ranking {
  const { rows, profile, warnings } = input;
  const n = rows.length;
  const ids = rows.map((s) => s.id);
  let value: Float64Array = p.clv;
  if (profile.tierBy === 'historic') value = p.historic;
  else if (profile.tierBy === 'margin') {
    value = new Float64Array(n);
    let missing = 0;
    for (let i = 0; i < n; i++) {
      const m = rows[i].margin;
      if (m === undefined) missing++;
      value[i] = m ?? rows[i].netSpend * profile.margin;
    }
    if (missing) warnings.push(`${missing} customers have no margin in the data; their margin is net spend × profile margin.`);
  }
  return {
    value,
    tiers: assignTiers(value, ids, profile.tierScheme, profile.customTiers),
    ...rankRfm(input),
    valueClass: valueClasses(p.historic, p.clv, ids),
  };
}

/** RFM scores and segments: they need no model, only recency, transactions and net spend. */
export function rankRfm({ rows, profile, scoreDay }: ScoreInput): { rfm: RfmScores; rfmOptions: RfmOptions } {
  const n = rows.length;
  const daysAgo = new Float64Array(n);
  const tx = new Float64Array(n);
  const money = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    daysAgo[i] = scoreDay - rows[i].lastDay;
    tx[i] = rows[i].transactions;
    money[i] = rows[i].netSpend;
  }
  const rfmOptions: RfmOptions = { ...(profile.rfm as Partial<RfmOptions>), bins: profile.rfm.bins };
  return { rfm: rfmScores(daysAgo, tx, money, rfmOptions), rfmOptions };
}
