/** Runs replications of a scenario and summarises them. */

import type { Scenario } from './scenario.ts';
import { type RunOptions, simulateDay } from './simulator.ts';
import { type Report, summariseDays } from './stats.ts';

export interface RunManyOptions extends Omit<RunOptions, 'seed'> {
  seed: number;
  replications: number;
  targetMinutes?: number;
}

/** Replication r uses seed + r, so a policy comparison sees the same citizens under every policy. */
export function runScenario(scenario: Scenario, options: RunManyOptions): Report {
  const days = Array.from({ length: options.replications }, (_, r) =>
    simulateDay(scenario, { ...options, seed: options.seed + r }),
  );
  return summariseDays(days, options.targetMinutes ?? scenario.config.targets.waitMinutes);
}
