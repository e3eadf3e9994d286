/** The simulator's own mechanics: reproducibility, arrivals, breaks, no-shows, schedules. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateArrivals } from '../arrivals.ts';
import { findCounters, findCountersSteps } from '../capacity.ts';
import { createRng } from '../rng.ts';
import { loadScenario, resolveScenario, type ScenarioFile, singleQueueScenario } from '../scenario.ts';
import { simulateDay } from '../simulator.ts';

const demoPath = resolve(import.meta.dirname, '../scenarios/demo-site.json');
const demo = loadScenario(demoPath);

const oneQueue = (over = {}) =>
  singleQueueScenario({
    counters: 2,
    arrivalsPerMinute: 0.2,
    serviceMean: 8,
    serviceDist: 'lognormal',
    serviceCv: 0.6,
    priorityShare: 0.1,
    minutes: 600,
    warmupMinutes: 0,
    targetMinutes: 15,
    maxWaitMinutes: 30,
    ...over,
  });

describe('simulator mechanics', () => {
  it('is reproducible: the same seed gives the same day, another seed another day', () => {
    const a = simulateDay(demo, { seed: 7 });
    const b = simulateDay(demo, { seed: 7 });
    const c = simulateDay(demo, { seed: 8 });
    expect(b.tickets.map((t) => t.wait)).toEqual(a.tickets.map((t) => t.wait));
    expect(c.tickets.map((t) => t.wait)).not.toEqual(a.tickets.map((t) => t.wait));
  });

  it('thins a Poisson process to the hourly profile and adds the opening batch', () => {
    const rng = createRng(1);
    let inPeak = 0;
    let inLate = 0;
    let atOpening = 0;
    const days = 200;
    for (let d = 0; d < days; d++)
      for (const a of generateArrivals(demo, rng)) {
        if (a.at >= 8 * 60 && a.at < 9 * 60) inPeak++;
        if (a.at >= 15 * 60 && a.at < 16 * 60) inLate++;
        if (a.at < 7 * 60 + 35) atOpening++;
      }
    // 58 and 22 per hour; 25 at opening plus 5 minutes of the 50-per-hour stream (≈ 4.2).
    expect(inPeak / days).toBeGreaterThan(56);
    expect(inPeak / days).toBeLessThan(60);
    expect(inLate / days).toBeGreaterThan(20.8);
    expect(inLate / days).toBeLessThan(23.2);
    expect(atOpening / days).toBeGreaterThan(28);
    expect(atOpening / days).toBeLessThan(30.5);
  });

  it('draws the priority share and no-shows, and no-shows are called but not served', () => {
    const scenario = oneQueue({ priorityShare: 0.2, noShowShare: 0.1 });
    const tickets = Array.from({ length: 20 }, (_, r) => simulateDay(scenario, { seed: r }).tickets).flat();
    const share = tickets.filter((t) => t.priority === 'priority').length / tickets.length;
    expect(share).toBeGreaterThan(0.18);
    expect(share).toBeLessThan(0.22);
    const noShows = tickets.filter((t) => t.noShow);
    expect(noShows.length / tickets.length).toBeGreaterThan(0.08);
    expect(noShows.length / tickets.length).toBeLessThan(0.12);
    expect(noShows.every((t) => t.wait !== null)).toBe(true);
  });

  it('follows counter schedules and breaks: a counter on break is not open, work waits for it', () => {
    const file = JSON.parse(JSON.stringify(rawDemo())) as ScenarioFile;
    file.schedules = { 'counter-8': [{ from: '13:00', to: '17:00' }] };
    file.breaks = [{ counterId: 'counter-1', at: '08:00', minutes: 60 }];
    const scenario = resolveScenario(file, demo.config);
    const day = simulateDay(scenario, { seed: 3 });
    const c8 = day.counters.find((c) => c.counterId === 'counter-8')!;
    const c1 = day.counters.find((c) => c.counterId === 'counter-1')!;
    const c2 = day.counters.find((c) => c.counterId === 'counter-2')!;
    expect(c8.openMinutes).toBeLessThanOrEqual(4 * 60 + 60);
    expect(c8.openMinutes).toBeGreaterThanOrEqual(4 * 60 - 1);
    expect(c1.openMinutes).toBeLessThan(c2.openMinutes - 50);
    for (const c of day.counters) expect(c.busyMinutes).toBeLessThanOrEqual(c.openMinutes + 1e-9);
  });

  it('rejects scenarios that name unknown services or counters, Vietnamese first, naming the entry', () => {
    const file = rawDemo();
    expect(() =>
      resolveScenario({ ...file, arrivals: { ...file.arrivals, serviceMix: { nope: 1 } } }, demo.config),
    ).toThrow(
      /arrivals\.serviceMix\.nope: cấu hình của đơn vị không có lĩnh vực "nope" \/ unknown service "nope"/,
    );
    expect(() =>
      resolveScenario(
        { ...file, breaks: [{ counterId: 'counter-99', at: '09:00', minutes: 5 }] },
        demo.config,
      ),
    ).toThrow(/breaks\.0\.counterId: .*quầy "counter-99" \/ unknown counter "counter-99"/);
  });

  it('the capacity search step by step: one step per size tried, the same answer', () => {
    const scenario = oneQueue({ arrivalsPerMinute: 0.6, minutes: 240 });
    const o = { seed: 3, replications: 2, targetMinutes: 15 };
    const steps = findCountersSteps(scenario, o);
    let yielded = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) yielded++;
    expect(step.value).toEqual(findCounters(scenario, o));
    expect(yielded).toBe(step.value.tried.length);
    expect(yielded).toBeGreaterThan(1);
  });

  it('single-queue flags build one service, N counters and the normal/priority classes', () => {
    const s = oneQueue({ counters: 5 });
    expect(s.config.counters).toHaveLength(5);
    expect(s.config.priorityClasses.map((c) => [c.id, c.weight])).toEqual([
      ['normal', 1],
      ['priority', 4],
    ]);
    expect(() => oneQueue({ minutes: 2000 })).toThrow(/replications/);
  });
});

function rawDemo(): ScenarioFile {
  return JSON.parse(readFileSync(demoPath, 'utf8')) as ScenarioFile;
}
