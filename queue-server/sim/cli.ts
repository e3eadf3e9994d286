/**
 * npm run simulate -- [flags]
 *   one queue:  --counters 4 --arrival-rate 0.4 --service-mean 8 --service-dist exp --priority-share 0.15
 *   a site:     --scenario queue-server/sim/scenarios/demo-site.json
 *   common:     --policy NAME --seed S --replications R --target MINUTES --json
 *               --compare (every policy on the same citizens)  --find-counters (capacity search)
 */
import { parseArgs } from 'node:util';
import { POLICY_NAMES } from '../core/routing.ts';
import { findCounters } from './capacity.ts';
import { defaultPredictors } from './predictors.ts';
import { runScenario } from './run.ts';
import { loadScenario, type Scenario, singleQueueScenario } from './scenario.ts';
import type { Report } from './stats.ts';
import { cobhamMeanWaits, mmcMeanWait } from './theory.ts';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string' },
    counters: { type: 'string', default: '4' },
    'arrival-rate': { type: 'string', default: '0.4' },
    'service-mean': { type: 'string', default: '8' },
    'service-dist': { type: 'string', default: 'exp' },
    'service-cv': { type: 'string', default: '1' },
    'priority-share': { type: 'string', default: '0' },
    'no-show-share': { type: 'string', default: '0' },
    policy: { type: 'string' },
    minutes: { type: 'string', default: '600' },
    warmup: { type: 'string' },
    seed: { type: 'string', default: '1' },
    replications: { type: 'string', default: '1' },
    target: { type: 'string' },
    'max-wait': { type: 'string', default: '30' },
    'find-counters': { type: 'boolean', default: false },
    share: { type: 'string' },
    compare: { type: 'boolean', default: false },
    'follow-advice': { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});

function num(name: keyof typeof values, min = 0): number {
  const raw = values[name];
  const x = Number(raw);
  if (typeof raw !== 'string' || !Number.isFinite(x) || x < min) {
    console.error(`--${name} must be a number ≥ ${min} (got "${String(raw)}")`);
    process.exit(2);
  }
  return x;
}

function buildScenario(): Scenario {
  if (values.scenario) return loadScenario(values.scenario);
  const dist = values['service-dist'];
  if (dist !== 'exp' && dist !== 'lognormal') {
    console.error('--service-dist must be exp or lognormal');
    process.exit(2);
  }
  const minutes = num('minutes', 1);
  return singleQueueScenario({
    counters: Math.round(num('counters', 1)),
    arrivalsPerMinute: num('arrival-rate'),
    serviceMean: num('service-mean', 0.01),
    serviceDist: dist,
    serviceCv: num('service-cv'),
    priorityShare: num('priority-share'),
    noShowShare: num('no-show-share'),
    minutes,
    warmupMinutes: values.warmup ? num('warmup') : Math.min(60, minutes / 10),
    targetMinutes: values.target ? num('target', 0.01) : 15,
    maxWaitMinutes: num('max-wait', 0.01),
  });
}

/** Queueing theory for the one-queue flags (exact for exponential service). */
function theoryFor(): Record<string, number> | undefined {
  if (values.scenario) return undefined;
  const q = { lambda: num('arrival-rate'), meanService: num('service-mean'), counters: num('counters') };
  const p = num('priority-share');
  const [high, low] = cobhamMeanWaits(q, [p, 1 - p]);
  return {
    erlangCMeanWait: round(mmcMeanWait(q)),
    ...(p > 0 ? { cobhamPriority: round(high!), cobhamNormal: round(low!) } : {}),
    rho: round((q.lambda * q.meanService) / q.counters),
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

function main(): void {
  if (values.help) {
    console.log(
      'usage: npm run simulate -- [--scenario FILE | --counters N --arrival-rate PER_MIN --service-mean MIN ' +
        '--service-dist exp|lognormal --service-cv X --priority-share P --minutes M] [--policy NAME] ' +
        '[--seed S] [--replications R] [--target MIN] [--compare] [--follow-advice MIN] [--find-counters [--share X]] [--json]',
    );
    return;
  }
  const scenario = buildScenario();
  const target = values.target ? num('target', 0.01) : scenario.config.targets.waitMinutes;
  const seed = Math.round(num('seed'));
  const replications = Math.round(num('replications', 1));
  if (values['find-counters']) {
    const answer = findCounters(scenario, {
      seed,
      replications: Math.max(replications, 10),
      targetMinutes: target,
      policy: values.policy,
      withinShare: values.share ? num('share') : undefined,
    });
    print(answer, () => console.log(answer.summary));
    return;
  }
  const policies = values.compare ? [...POLICY_NAMES] : [values.policy ?? scenario.config.routingPolicy];
  const reports = policies.map((policy) => ({
    policy,
    ...runScenario(scenario, {
      seed,
      replications,
      policy,
      targetMinutes: target,
      predictors: defaultPredictors(),
      ...(values['follow-advice'] ? { followAdviceEveryMinutes: num('follow-advice', 1) } : {}),
    }),
  }));
  const theory = theoryFor();
  const out = values.compare
    ? { scenario: scenario.name, seed, theory, policies: reports }
    : { scenario: scenario.name, seed, theory, ...reports[0]! };
  print(out, () => {
    for (const r of reports) printReport(scenario.name, r);
    if (theory) console.log('theory (M/M/c, exponential service):', theory);
  });
}

function print(value: unknown, human: () => void): void {
  if (values.json) console.log(JSON.stringify(value, null, 2));
  else human();
}

function printReport(name: string, r: Report & { policy: string }): void {
  const fmt = (x: number | null) => (x === null ? '-' : x.toFixed(1).padStart(6));
  const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(0)}%`.padStart(5));
  console.log(`\n${name} · policy ${r.policy} · ${r.replications} day(s) · target ${r.targetMinutes} min`);
  console.log('                      n    mean    p90    max  within  unserved');
  const row = (label: string, w: Report['waits']['all']) =>
    console.log(
      `${label.padEnd(18)}${String(w.n).padStart(6)} ${fmt(w.mean)} ${fmt(w.p90)} ${fmt(w.max)}  ${pct(w.withinTarget)}  ${w.unserved}`,
    );
  row('all', r.waits.all);
  for (const [k, w] of Object.entries(r.waits.byGroup)) row(`group ${k}`, w);
  for (const [k, w] of Object.entries(r.waits.byClass)) row(`class ${k}`, w);
  for (const [k, w] of Object.entries(r.waits.byService)) row(`service ${k}`, w);
  console.log(
    `utilisation ${pct(r.utilisation)} · served ${r.served} · no-shows ${r.noShows}` +
      (r.switchesPerDay ? ` · counter switches per day ${r.switchesPerDay}` : ''),
  );
  for (const [k, e] of Object.entries(r.eta))
    console.log(
      `ETA ${k.padEnd(10)} MAE ${e.mae.toFixed(2)} min · bias ${e.bias.toFixed(2)} · in range ${pct(e.coverage)} · width ${e.meanWidth.toFixed(1)}`,
    );
  if (r.replications > 1)
    console.log(`mean wait ${r.ci.meanWait.mean} ± ${r.ci.meanWait.halfWidth} (95 % CI over days)`);
}

try {
  main();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
