/**
 * Stage 8: with a calibration end, the purchases between it and the as-of day are the holdout the
 * scoring model is checked against (predicted vs actual per calibration frequency).
 */
import type { ScoreRun } from '../types.ts';
import { holdoutValidation } from '../models/index.ts';
import { unitDays } from '../time-units.ts';
import type { FitStage } from './fit.ts';
import type { ScoreInput } from './input.ts';

export function holdout(input: ScoreInput, fitted: FitStage): ScoreRun['holdout'] {
  const { rows, profile, scoreDay, endDay } = input;
  if (!profile.calibrationEnd || !fitted.purchase || !rows.some((s) => s.holdout)) return undefined;
  const length = (endDay - scoreDay) / unitDays(profile.timeUnit);
  return { length, ...holdoutValidation(fitted.purchase, rows, length) };
}
