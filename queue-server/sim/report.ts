/**
 * Regenerates the measured tables of docs/simulation.md: npx tsx queue-server/sim/report.ts
 * Evaluation seeds (1000+) differ from the seeds used while tuning the policy and the ETA (1, 101+).
 */
import { resolve } from 'node:path';
import { ETA_PREDICTORS } from '../core/eta.ts';
import type { AccumulatingTuning } from '../core/routing.ts';
import { findCounters } from './capacity.ts';
import { loadScenario, type Scenario, singleQueueScenario } from './scenario.ts';
import { type DayResult, simulateDay } from './simulator.ts';
import { etaSummary, groupOf, interval, summariseDays, summariseWaits } from './stats.ts';
import { cobhamMeanWaits, mmcMeanWait } from './theory.ts';
import { controlledWait, THEORY_PRIORITY_SHARE, THEORY_QUEUE, theoryDays } from './theory-check.ts';

const here = new URL('.', import.meta.url).pathname;
const demo = loadScenario(resolve(here, 'scenarios/demo-site.json'));
const SEED = 1000;
const DAYS = Number(process.argv[2] ?? 100);

const days = (scenario: Scenario, policy: string, tuning?: Partial<AccumulatingTuning>, n = DAYS) =>
  Array.from({ length: n }, (_, r) =>
    simulateDay(scenario, {
      seed: SEED + r,
      policy,
      predictors: ETA_PREDICTORS,
      ...(tuning ? { tuning } : {}),
    }),
  );
const f1 = (x: number | null) => (x === null ? '–' : x.toFixed(1));
const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)} %`);
const pm = (i: { mean: number; halfWidth: number }) => `${i.mean.toFixed(2)} ± ${i.halfWidth.toFixed(2)}`;

function policyTable(): void {
  const variants: [string, string, Partial<AccumulatingTuning> | undefined][] = [
    ['fifo (per service, counter preference)', 'fifo', undefined],
    ['oldest (pooled FIFO over a counter’s lines)', 'oldest', undefined],
    ['strict (classes by weight)', 'strict', undefined],
    ['accumulating-v1 (weight as rate, FIFO guard, preference ½)', 'accumulating-v1', undefined],
    ['accumulating without the speed factor', 'accumulating', { speed: 0 }],
    ['accumulating with the FIFO guard', 'accumulating', { guard: 'fifo' }],
    ['accumulating with strength 1', 'accumulating', { strength: 1 }],
    ['**accumulating (default)**', 'accumulating', undefined],
  ];
  const fifo = days(demo, 'fifo');
  const mean = (d: DayResult) =>
    summariseWaits(
      d.tickets.filter((t) => t.measured),
      15,
    ).mean!;
  console.log(
    '| policy | mean wait | gain vs fifo (paired) | p90 | max | within 15 min | normal mean / max | priority mean / max | priority ÷ normal | land mean |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const [label, policy, tuning] of variants) {
    const ds = policy === 'fifo' && !tuning ? fifo : days(demo, policy, tuning);
    const r = summariseDays(ds, 15);
    const gain = interval(ds.map((d, i) => mean(fifo[i]!) - mean(d)));
    const { normal, priority } = r.waits.byGroup;
    console.log(
      `| ${label} | ${pm(r.ci.meanWait)} | ${policy === 'fifo' ? '–' : pm(gain)} | ${f1(r.waits.all.p90)} | ${f1(r.waits.all.max)} | ${pct(r.waits.all.withinTarget)} | ${f1(normal!.mean)} / ${f1(normal!.max)} | ${f1(priority!.mean)} / ${f1(priority!.max)} | ${(priority!.mean! / normal!.mean!).toFixed(2)} | ${f1(r.waits.byService.land!.mean)} |`,
    );
  }
}

function etaTable(label: string, ds: DayResult[]): void {
  const tickets = ds.flatMap((d) => d.tickets.filter((t) => t.measured));
  const groups: [string, typeof tickets][] = [
    ['all', tickets],
    ['normal', tickets.filter((t) => groupOf(t) === 'normal')],
    ['priority', tickets.filter((t) => groupOf(t) === 'priority')],
    ['someone ahead', tickets.filter((t) => (t.predictions.flow?.ahead ?? 0) > 0)],
  ];
  console.log(`\n${label}\n`);
  console.log(
    '| tickets | predictor | n | MAE (min) | bias (min) | real wait inside the range | mean range width (min) |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const [g, ts] of groups)
    for (const name of Object.keys(ETA_PREDICTORS)) {
      const e = etaSummary(ts, name)!;
      console.log(
        `| ${g} | ${name} | ${e.n} | ${e.mae.toFixed(2)} | ${e.bias.toFixed(2)} | ${pct(e.coverage)} | ${e.meanWidth.toFixed(1)} |`,
      );
    }
}

function theoryTable(): void {
  const n = 300;
  const fifo = theoryDays('fifo', n);
  const strict = theoryDays('strict', n);
  const q = THEORY_QUEUE;
  const [high, low] = cobhamMeanWaits(q, [THEORY_PRIORITY_SHARE, 1 - THEORY_PRIORITY_SHARE]);
  console.log(
    `\nM/M/4, mean service 8 min, ρ = 0.8, 15 % priority, ${n} days of 23 h from the stationary queue:\n`,
  );
  console.log('| quantity | theory | simulated (95 % CI, control variates) |');
  console.log('|---|---|---|');
  console.log(
    `| FIFO mean wait (Erlang C) | ${mmcMeanWait(q).toFixed(2)} | ${pm(controlledWait(fifo, () => true))} |`,
  );
  console.log(
    `| strict, priority class (Cobham) | ${high!.toFixed(2)} | ${pm(controlledWait(strict, (t) => groupOf(t) === 'priority'))} |`,
  );
  console.log(
    `| strict, normal class (Cobham) | ${low!.toFixed(2)} | ${pm(controlledWait(strict, (t) => groupOf(t) === 'normal'))} |`,
  );
  console.log(
    `| strict, all (conservation: = FIFO) | ${mmcMeanWait(q).toFixed(2)} | ${pm(controlledWait(strict, () => true))} |`,
  );
}

const part = process.argv[3] ?? 'all';
if (part === 'all' || part === 'policies') policyTable();
if (part === 'all' || part === 'eta') {
  etaTable('Demo site, default policy', days(demo, 'accumulating'));
  const single = singleQueueScenario({
    counters: 4,
    arrivalsPerMinute: 0.4,
    serviceMean: 8,
    serviceDist: 'lognormal',
    serviceCv: 0.6,
    priorityShare: 0.15,
    minutes: 1380,
    warmupMinutes: 0,
    targetMinutes: 15,
    maxWaitMinutes: 30,
  });
  etaTable(
    'One queue, 4 counters, lognormal service (mean 8, CV 0.6), ρ = 0.8, 15 % priority, default policy',
    days(single, 'accumulating', undefined, 30),
  );
}
if (part === 'all' || part === 'theory') theoryTable();
if (part === 'all' || part === 'capacity') {
  for (const withinShare of [undefined, 0.9]) {
    const answer = findCounters(demo, { seed: SEED, replications: 20, targetMinutes: 15, withinShare });
    console.log(`\n\`\`\`\n${answer.summary}\n\`\`\``);
  }
}
