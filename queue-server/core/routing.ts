/**
 * Routing policies: which waiting ticket a free counter calls next.
 * Each policy ranks tickets inside one service (`score`, also used for "people ahead") and picks across
 * the services a counter serves (`pick`). The simulator measures them against each other
 * (docs/simulation.md).
 */
import type { PriorityClassDef } from './site-config.ts';
import type { CounterState, QueueState, TicketRecord } from './state.ts';

export interface PolicyOptions {
  classes: PriorityClassDef[];
  /** Anti-starvation guard: a ticket waiting this long goes before any fresher one. */
  maxWaitMinutes: number;
  /** Tuning of the accumulating policy (experiments; the defaults are the measured best). */
  accumulating?: Partial<AccumulatingTuning>;
}

export interface RoutingPolicy {
  name: string;
  /** Higher is called sooner; compares tickets of one service. */
  score(t: TicketRecord, now: number): number;
  pick(state: QueueState, counter: CounterState, now: number): TicketRecord | null;
}

const MINUTE = 60_000;
/** Added to guarded scores so that they outrank every unguarded one. */
const GUARD = 1e15;

function weights(classes: PriorityClassDef[]): (priority: string) => number {
  const map = new Map(classes.map((c) => [c.id, c.weight]));
  return (priority) => map.get(priority) ?? 1;
}

/** A ticket transferred to one counter is called there only. */
function mayCall(t: TicketRecord, counter: CounterState): boolean {
  return t.forCounterId === undefined || t.forCounterId === counter.id;
}

/** The best ticket over the counter's services by a comparable value (higher first, then earlier issue). */
function best(
  state: QueueState,
  counter: CounterState,
  value: (t: TicketRecord, serviceRank: number) => number,
): TicketRecord | null {
  let chosen: TicketRecord | null = null;
  let chosenValue = Number.NEGATIVE_INFINITY;
  for (let rank = 0; rank < counter.serviceIds.length; rank++) {
    const line = state.waiting.get(counter.serviceIds[rank]!);
    if (!line) continue;
    for (const id of line) {
      const t = state.tickets.get(id)!;
      if (!mayCall(t, counter)) continue;
      const v = value(t, rank);
      if (v > chosenValue || (v === chosenValue && chosen && t.issuedAt < chosen.issuedAt)) {
        chosen = t;
        chosenValue = v;
      }
    }
  }
  return chosen;
}

/** Arrival order inside each service; the counter serves its first preferred service that has anyone. */
export function fifoPolicy(): RoutingPolicy {
  return {
    name: 'fifo',
    score: (t) => -t.issuedAt,
    pick(state, counter) {
      for (const serviceId of counter.serviceIds)
        for (const id of state.waiting.get(serviceId) ?? []) {
          const t = state.tickets.get(id)!;
          if (mayCall(t, counter)) return t;
        }
      return null;
    },
  };
}

/** The oldest ticket over all the counter's lines (pooled FIFO), whatever the class or preference. */
export function oldestPolicy(): RoutingPolicy {
  return {
    name: 'oldest',
    score: (t) => -t.issuedAt,
    pick: (state, counter) => best(state, counter, (t) => -t.issuedAt),
  };
}

/** Strict priority between classes (by weight), arrival order inside a class, then service preference. */
export function strictPolicy(options: PolicyOptions): RoutingPolicy {
  const weight = weights(options.classes);
  const score = (t: TicketRecord) => weight(t.priority) * 1e13 - t.issuedAt;
  return {
    name: 'strict',
    score,
    pick: (state, counter) => best(state, counter, (t, rank) => weight(t.priority) * 1e3 - rank),
  };
}

export interface AccumulatingTuning {
  /** How much a counter discounts its later services: value × 1/(1 + preference·rank). */
  preference: number;
  /**
   * `deadline`: a ticket is guarded from issue + maxWait/weight and guarded tickets go by that
   * deadline (priority citizens are not stuck behind a backlog of guarded normal tickets, and a
   * guarded ticket is overtaken only by tickets whose deadline is earlier: a bounded set).
   * `fifo`: guarded from issue + maxWait whatever the class, guarded tickets in arrival order.
   */
  guard: 'deadline' | 'fifo';
  /** Accumulation rate of a class: 1 + strength·(weight − 1). */
  strength: number;
  /**
   * Across services a counter prefers short services: value × (mean / service's mean)^speed, with the
   * service times learned in the state (the generalised cμ rule; 0 = off).
   */
  speed: number;
}

const DEFAULT_TUNING: AccumulatingTuning = { preference: 0.25, guard: 'deadline', strength: 4, speed: 1 };

/**
 * Accumulating priority (Kleinrock): a ticket's priority grows with its wait at its class's weight, so
 * priority citizens go sooner but nobody starves; plus a max-wait guard and a mild service preference.
 * A counter marked `priorityCounter` doubles the weight of priority classes.
 */
export function accumulatingPolicy(options: PolicyOptions): RoutingPolicy {
  const tuning = { ...DEFAULT_TUNING, ...options.accumulating };
  const classWeight = weights(options.classes);
  const weight = (priority: string) => 1 + tuning.strength * (classWeight(priority) - 1);
  const guardMs = options.maxWaitMinutes * MINUTE;
  const score = (t: TicketRecord, now: number, boost = 1) => {
    const waited = Math.max(0, now - t.issuedAt);
    const w = weight(t.priority);
    if (tuning.guard === 'deadline') {
      const deadline = t.issuedAt + guardMs / w;
      if (now >= deadline) return GUARD - deadline;
    } else if (waited >= guardMs) return GUARD + waited;
    return (waited + MINUTE) * (w > 1 ? w * boost : 1);
  };
  const discount = (rank: number) => 1 / (1 + tuning.preference * rank);
  return {
    name: 'accumulating',
    score: (t, now) => score(t, now),
    pick(state, counter, now) {
      const boost = counter.priorityCounter ? 2 : 1;
      const factors = counter.serviceIds.map(
        (id, rank) => discount(rank) * speedFactor(state, id, tuning.speed),
      );
      return best(state, counter, (t, rank) => {
        const s = score(t, now, boost);
        return s >= GUARD / 2 ? s : s * factors[rank]!;
      });
    },
  };
}

/**
 * Short services go first across lines, by the learned mean service time (10 min until 5 are known),
 * bounded to [½, 2] so that odd history cannot make a line unreachable.
 */
function speedFactor(state: QueueState, serviceId: string, speed: number): number {
  if (speed === 0) return 1;
  const learned = state.serviceTimes.get(serviceId);
  const mean = learned && learned.n >= 5 ? learned.meanMinutes : 10;
  return Math.min(2, Math.max(0.5, (10 / Math.max(mean, 0.1)) ** speed));
}

/** The first accumulating policy (class weight as rate, FIFO guard, fixed preference), for comparison. */
const FIRST_VERSION: AccumulatingTuning = { preference: 0.5, guard: 'fifo', strength: 1, speed: 0 };

export const POLICY_NAMES = ['fifo', 'oldest', 'strict', 'accumulating-v1', 'accumulating'] as const;

export function createPolicy(name: string, options: PolicyOptions): RoutingPolicy {
  switch (name) {
    case 'fifo':
      return fifoPolicy();
    case 'strict':
      return strictPolicy(options);
    case 'oldest':
      return oldestPolicy();
    case 'accumulating':
      return accumulatingPolicy(options);
    case 'accumulating-v1':
      return { ...accumulatingPolicy({ ...options, accumulating: FIRST_VERSION }), name: 'accumulating-v1' };
    default:
      throw new Error(`unknown routing policy "${name}" (known: ${POLICY_NAMES.join(', ')})`);
  }
}
