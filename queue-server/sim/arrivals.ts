/** Arrivals of a simulated day: a batch at opening plus a non-homogeneous Poisson stream by thinning. */
import type { Rng } from './rng.ts';
import type { Scenario } from './scenario.ts';

export interface Arrival {
  /** Minutes since local midnight. */
  at: number;
  serviceId: string;
  priority: string;
  /** Drawn at arrival so that every policy serves the same citizens (common random numbers). */
  serviceMinutes: number;
  noShow: boolean;
  /** Already there when the simulation starts (steady-state runs): not measured. */
  initial: boolean;
}

export function rateAt(scenario: Scenario, minute: number): number {
  let rate = 0;
  for (const s of scenario.segments) if (minute >= s.from && minute < s.to) rate += s.perMinute;
  return rate;
}

export function generateArrivals(scenario: Scenario, rng: Rng): Arrival[] {
  const times: number[] = [];
  const initial = scenario.initialQueue ? drawIndex(scenario.initialQueue, rng) : 0;
  const start = Math.min(...scenario.segments.map((s) => s.from));
  const batch = scenario.openingBatch;
  if (batch) for (let i = 0; i < batch.count; i++) times.push(batch.at + rng.next() * batch.spreadMinutes);
  const maxRate = Math.max(0, ...scenario.segments.map((s) => s.perMinute));
  if (maxRate > 0) {
    const end = Math.max(...scenario.segments.map((s) => s.to));
    // Thinning (Lewis–Shedler): candidates at the peak rate, each kept with probability λ(t)/λmax.
    for (let t = start + rng.exponential(1 / maxRate); t < end; t += rng.exponential(1 / maxRate))
      if (rng.next() * maxRate < rateAt(scenario, t)) times.push(t);
  }
  times.sort((a, b) => a - b);
  times.unshift(...new Array<number>(initial).fill(start));
  const random = times.map((at, i) => {
    const serviceId = draw(scenario.serviceMix, rng).serviceId;
    const priority = rng.next() < scenario.priorityShare ? draw(scenario.priorityMix, rng).classId : 'normal';
    return citizen(scenario, rng, at, serviceId, priority, i < initial);
  });
  const scheduled = (scenario.scheduled ?? []).map((s) =>
    citizen(scenario, rng, s.at, s.serviceId, s.priority, false),
  );
  return scheduled.length ? [...random, ...scheduled].sort((a, b) => a.at - b.at) : random;
}

function citizen(
  scenario: Scenario,
  rng: Rng,
  at: number,
  serviceId: string,
  priority: string,
  initial: boolean,
): Arrival {
  const model = scenario.serviceTimes.get(serviceId)!;
  const serviceMinutes =
    model.dist === 'exp' ? rng.exponential(model.mean) : rng.lognormal(model.mean, model.cv);
  return { at, serviceId, priority, serviceMinutes, noShow: rng.next() < scenario.noShowShare, initial };
}

function drawIndex(probabilities: number[], rng: Rng): number {
  let u = rng.next();
  for (let i = 0; i < probabilities.length; i++) {
    u -= probabilities[i]!;
    if (u < 0) return i;
  }
  return probabilities.length - 1;
}

function draw<T extends { share: number }>(mix: T[], rng: Rng): T {
  let u = rng.next();
  for (const item of mix) {
    u -= item.share;
    if (u < 0) return item;
  }
  return mix[mix.length - 1]!;
}
