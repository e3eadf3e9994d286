/**
 * Counter advice for the dashboard: when a service's predicted wait exceeds the target, which open
 * counter to switch to which service so that the largest predicted wait in the centre drops most.
 * Pure: it tries each switch on a copy of the counters and compares the ETA model's predictions.
 */
import type { Advice } from '@oss/protocol';
import { serviceWaits } from './eta.ts';
import type { Site } from './site.ts';
import type { CounterState, QueueState } from './state.ts';

export type { Advice };

export interface AdviceOptions {
  /** At most this many switches, each assuming the previous ones were made. */
  limit?: number;
  /** A switch must cut the largest predicted wait by at least this many minutes. */
  minGainMinutes?: number;
}

/**
 * The wait each service's line faces, from the one estimate (`serviceWait`): a service with nobody
 * waiting counts 0, so that counters are never moved towards an empty line; a wait over the target
 * here is exactly a summary's `overTarget`.
 */
export function predictedServiceWaits(site: Site, state: QueueState, now?: number): Map<string, number> {
  const waits = new Map<string, number>();
  for (const w of serviceWaits(site, state, now)) waits.set(w.serviceId, w.waiting === 0 ? 0 : w.etaMinutes);
  return waits;
}

const largest = (waits: Map<string, number>) => Math.max(0, ...waits.values());

export function adviseSwitches(
  site: Site,
  state: QueueState,
  now: number,
  options: AdviceOptions = {},
): Advice[] {
  const limit = options.limit ?? 3;
  const minGain = options.minGainMinutes ?? 1;
  const advice: Advice[] = [];
  let current = state;
  const moved = new Set<string>();
  while (advice.length < limit) {
    const before = predictedServiceWaits(site, current, now);
    const late = [...before].filter(([, w]) => w > site.waitTargetMinutes).sort((a, b) => b[1] - a[1]);
    if (late.length === 0) break;
    let bestMove: {
      counter: CounterState;
      to: string;
      after: Map<string, number>;
      state: QueueState;
    } | null = null;
    for (const [to] of late) {
      for (const counter of current.counters.values()) {
        if (!counter.open || moved.has(counter.id) || counter.serviceIds[0] === to) continue;
        if (counter.serviceIds.length === 1 && counter.serviceIds[0] === to) continue;
        const trial = withServices(current, counter, [to]);
        const after = predictedServiceWaits(site, trial, now);
        if (!bestMove || better(after, bestMove.after)) bestMove = { counter, to, after, state: trial };
      }
    }
    if (!bestMove || largest(before) - largest(bestMove.after) < minGain) break;
    advice.push(describe(site, bestMove.counter, bestMove.to, before, bestMove.after));
    moved.add(bestMove.counter.id);
    current = bestMove.state;
  }
  return advice;
}

/** Lower largest wait first, then the lower sum of waits over services. */
function better(a: Map<string, number>, b: Map<string, number>): boolean {
  const la = largest(a);
  const lb = largest(b);
  if (la !== lb) return la < lb;
  const sum = (m: Map<string, number>) => [...m.values()].reduce((x, y) => x + y, 0);
  return sum(a) < sum(b);
}

function withServices(state: QueueState, counter: CounterState, serviceIds: string[]): QueueState {
  const counters = new Map(state.counters);
  counters.set(counter.id, { ...counter, serviceIds });
  return { ...state, counters };
}

function describe(
  site: Site,
  counter: CounterState,
  to: string,
  before: Map<string, number>,
  after: Map<string, number>,
): Advice {
  const service = site.services.get(to)!.name;
  const counterName = site.counters.get(counter.id)?.name ?? { vi: counter.id, en: counter.id };
  const b = before.get(to)!;
  const a = after.get(to)!;
  const target = site.waitTargetMinutes;
  return {
    counterId: counter.id,
    fromServiceIds: [...counter.serviceIds],
    toServiceId: to,
    serviceIdsAfter: [to],
    predictedWaitBefore: b,
    predictedWaitAfter: a,
    largestWaitBefore: largest(before),
    largestWaitAfter: largest(after),
    reason: {
      vi:
        `${service.vi}: dự kiến chờ ${b} phút, vượt mục tiêu ${target} phút. ` +
        `Chuyển ${counterName.vi} sang ${service.vi} để giảm còn khoảng ${a} phút ` +
        `(chờ lâu nhất toàn bộ phận từ ${largest(before)} xuống ${largest(after)} phút).`,
      en:
        `${service.en}: predicted wait ${b} min, over the ${target}-minute target. ` +
        `Switch ${counterName.en} to ${service.en} to bring it to about ${a} min ` +
        `(largest wait in the centre from ${largest(before)} to ${largest(after)} min).`,
    },
  };
}
