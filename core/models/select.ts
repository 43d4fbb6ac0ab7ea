/** Model selection (placeholder until the selection lands). */
/** Share of each customer's observed history (first purchase → cut) held out for model selection. */
export const OWN_HOLDOUT_SHARE = 0.2;
/** The day that splits a customer's own history: purchases up to it calibrate, later ones are the holdout. */
export function ownHistorySplitDay(firstDay: number, cutDay: number): number {
  return firstDay + Math.floor((1 - OWN_HOLDOUT_SHARE) * (cutDay - firstDay));
}
