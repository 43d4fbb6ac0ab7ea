/** Statistical models of the customer base: purchase (BG/NBD, Pareto/NBD, MBG/NBD), spend (Gamma-Gamma), retention (sBG) and CLV. */
export { compressSummaries, mergeHistograms, type Histogram } from './histogram.ts';
export { fitPurchaseModel, purchaseModelFromParams, unconditionalExpectedPurchases, purchaseLogLikelihood, type FactoredPurchaseModel } from './purchase.ts';
export { fitGammaGamma, gammaGammaModel } from './gammagamma.ts';
export { periodDiscountRate, clv, pAliveAt } from './clv.ts';
export { fitSbg, fitSbgFromTenure, sbgModel, type SbgModel } from './sbg.ts';
export { holdoutValidation, type HoldoutReport } from './holdout.ts';
export { selectPurchaseModel, type ModelChoice, type Candidate } from './select.ts';
export { SPECS } from './purchase.ts';
export { paramsFinite } from './mle.ts';
export { scoreIntervals, predictionIntervals, type IntervalReport, type CustomerIntervals } from './intervals.ts';
