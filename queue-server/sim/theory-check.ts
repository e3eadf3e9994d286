/**
 * The queue the simulator is checked against (the tests, and the theory table of docs/simulation.md):
 * M/M/4, mean service 8 min, ρ = 0.8, 15 % priority (shared/reference/queueing.md: W_q = 5.96 min;
 * W_H = 1.36, W_L = 6.78). Days of 23 h start from the stationary queue.
 */
import { singleQueueScenario } from './scenario.ts';
import { type DayResult, simulateDay } from './simulator.ts';
import { controlledMean, type Interval } from './stats.ts';
import { lambdaFor } from './theory.ts';

export const THEORY_QUEUE = { lambda: lambdaFor(0.8, 4, 8), meanService: 8, counters: 4 };
export const THEORY_PRIORITY_SHARE = 0.15;

export const theoryScenario = singleQueueScenario({
  counters: THEORY_QUEUE.counters,
  arrivalsPerMinute: THEORY_QUEUE.lambda,
  serviceMean: THEORY_QUEUE.meanService,
  serviceDist: 'exp',
  serviceCv: 1,
  priorityShare: THEORY_PRIORITY_SHARE,
  minutes: 1380,
  warmupMinutes: 0,
  targetMinutes: 15,
  maxWaitMinutes: 30,
});

/** `n` simulated days under `policy`, seeds from 5000: the same citizens under every policy. */
export function theoryDays(policy: string, n: number): DayResult[] {
  return Array.from({ length: n }, (_, r) => simulateDay(theoryScenario, { seed: 5000 + r, policy }));
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * The mean wait of the tickets `keep` selects, from daily means corrected with two control variates
 * (the day's mean service time and arrival rate, whose expectations are known).
 */
export function controlledWait(days: DayResult[], keep: (t: { priority: string }) => boolean): Interval {
  const window = theoryScenario.measure.to - theoryScenario.measure.from;
  const ys: number[] = [];
  const xs: number[][] = [];
  for (const d of days) {
    const measured = d.tickets.filter((t) => t.measured && t.wait !== null);
    ys.push(mean(measured.filter(keep).map((t) => t.wait!)));
    xs.push([mean(measured.map((t) => t.serviceMinutes)), measured.length / window]);
  }
  return controlledMean(ys, xs, [THEORY_QUEUE.meanService, THEORY_QUEUE.lambda]);
}
