/** The ETA predictors the simulator scores on every ticket at issue. */
import { ETA_PREDICTORS } from '../core/eta.ts';
import type { Predictor } from './simulator.ts';

export function defaultPredictors(): Record<string, Predictor> {
  return { ...ETA_PREDICTORS };
}
