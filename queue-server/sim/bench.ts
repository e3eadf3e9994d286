/**
 * Benchmark: one 10-hour day of a 60-counter centre (about 3,000 tickets) through the real core.
 * Run: npx tsx queue-server/sim/bench.ts [--runs N]. Prints the median wall time of N runs after a
 * warm-up, with and without scoring the ETA predictors on every ticket.
 */
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { designCounters } from './capacity.ts';
import { defaultPredictors } from './predictors.ts';
import { loadScenario, type Scenario } from './scenario.ts';
import { simulateDay } from './simulator.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const here = new URL('.', import.meta.url).pathname;

/** The demo site's services, skills and citizens, scaled to 60 counters open 07:00–17:00. */
function bigCentre(tickets = 3000, counters = 60): Scenario {
  const demo = loadScenario(resolve(here, 'scenarios/demo-site.json'));
  const shape = [1.4, 1.5, 1.3, 1.0, 0.8, 0.7, 0.9, 0.8, 0.7, 0.4];
  const batch = 100;
  const perUnit = (tickets - batch) / shape.reduce((a, b) => a + b, 0);
  const day = { from: 7 * 60, to: 17 * 60 };
  const scenario: Scenario = {
    ...demo,
    name: `centre-${counters}`,
    segments: shape.map((k, h) => ({
      from: day.from + h * 60,
      to: day.from + (h + 1) * 60,
      perMinute: (k * perUnit) / 60,
    })),
    openingBatch: { at: day.from, count: batch, spreadMinutes: 10 },
    schedules: new Map(),
    defaultSchedule: [day],
    breaks: [],
  };
  return { ...scenario, config: { ...demo.config, counters: designCounters(scenario, counters) } };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Wall and CPU milliseconds of one run (CPU time is steadier on a shared machine). */
function time(run: () => unknown): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  run();
  const c = process.cpuUsage(c0);
  return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
}

function measure(run: () => unknown, runs: number) {
  const samples = Array.from({ length: runs }, () => time(run));
  return {
    medianWallMs: Math.round(median(samples.map((s) => s.wall))),
    minWallMs: Math.round(Math.min(...samples.map((s) => s.wall))),
    medianCpuMs: Math.round(median(samples.map((s) => s.cpu))),
  };
}

const scenario = bigCentre();
const runs = Number(values.runs);
const plain = () => simulateDay(scenario, { seed: 1 });
const withEta = () => simulateDay(scenario, { seed: 1, predictors: defaultPredictors() });
const day = plain();
plain();
withEta();
const result = {
  scenario: scenario.name,
  counters: scenario.config.counters.length,
  tickets: day.tickets.length,
  lastCounterClosedAt: `${Math.floor(day.endedAt / 60)}:${String(Math.round(day.endedAt % 60)).padStart(2, '0')}`,
  simulation: measure(plain, runs),
  simulationWithEtaScoring: measure(withEta, runs),
  runs,
  machine: {
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    loadAverage1m: Math.round(loadavg()[0]! * 10) / 10,
  },
};
console.log(JSON.stringify(result, null, 2));
