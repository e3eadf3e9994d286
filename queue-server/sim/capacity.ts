/** Capacity search: the fewest counters (and their skills) that meet the wait target. */
import type { Scenario } from './scenario.ts';

export interface CapacityOptions {
  seed: number;
  replications: number;
  targetMinutes: number;
  policy?: string | undefined;
}

export interface CapacityAnswer {
  summary: string;
}

export function findCounters(_scenario: Scenario, _options: CapacityOptions): CapacityAnswer {
  throw new Error('capacity search: not implemented yet');
}
