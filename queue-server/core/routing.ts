/**
 * Routing policies: which waiting ticket a free counter calls next.
 * Each policy ranks tickets inside one service (`score`, also used for "people ahead") and picks across
 * the services a counter serves (`pick`). The simulator measures them against each other.
 */
import type { PriorityClassDef } from './site-config.ts';
import type { CounterState, QueueState, TicketRecord } from './state.ts';

export interface PolicyOptions {
  classes: PriorityClassDef[];
  /** Anti-starvation guard: a ticket waiting this long goes before any fresher one. */
  maxWaitMinutes: number;
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

function waitingIn(state: QueueState, serviceId: string): TicketRecord[] {
  return (state.waiting.get(serviceId) ?? []).map((id) => state.tickets.get(id)!);
}

/** The best ticket over the counter's services by a comparable value (higher first, then earlier issue). */
function best(
  state: QueueState,
  counter: CounterState,
  value: (t: TicketRecord, serviceRank: number) => number,
): TicketRecord | null {
  let chosen: TicketRecord | null = null;
  let chosenValue = Number.NEGATIVE_INFINITY;
  counter.serviceIds.forEach((serviceId, rank) => {
    for (const t of waitingIn(state, serviceId)) {
      const v = value(t, rank);
      if (v > chosenValue || (v === chosenValue && chosen && t.issuedAt < chosen.issuedAt)) {
        chosen = t;
        chosenValue = v;
      }
    }
  });
  return chosen;
}

/** Arrival order inside each service; the counter serves its first preferred service that has anyone. */
export function fifoPolicy(): RoutingPolicy {
  return {
    name: 'fifo',
    score: (t) => -t.issuedAt,
    pick(state, counter) {
      for (const serviceId of counter.serviceIds) {
        const head = state.waiting.get(serviceId)?.[0];
        if (head) return state.tickets.get(head)!;
      }
      return null;
    },
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

/**
 * Accumulating priority (Kleinrock): a ticket's priority grows with its wait at its class's weight, so
 * priority citizens go sooner but nobody starves; plus a max-wait guard and a mild service preference.
 * A counter marked `priorityCounter` doubles the weight of priority classes.
 */
export function accumulatingPolicy(options: PolicyOptions): RoutingPolicy {
  const weight = weights(options.classes);
  const guardMs = options.maxWaitMinutes * MINUTE;
  const score = (t: TicketRecord, now: number, boost = 1) => {
    const waited = Math.max(0, now - t.issuedAt);
    if (waited >= guardMs) return GUARD + waited;
    const w = weight(t.priority);
    return (waited + MINUTE) * (w > 1 ? w * boost : 1);
  };
  return {
    name: 'accumulating',
    score: (t, now) => score(t, now),
    pick(state, counter, now) {
      const boost = counter.priorityCounter ? 2 : 1;
      return best(state, counter, (t, rank) => {
        const s = score(t, now, boost);
        return s >= GUARD ? s : s * preferenceFactor(rank);
      });
    },
  };
}

/** The counter's first service counts fully, later ones less, so skills are used before spare capacity. */
function preferenceFactor(rank: number): number {
  return 1 / (1 + 0.5 * rank);
}

export const POLICY_NAMES = ['fifo', 'strict', 'accumulating'] as const;

export function createPolicy(name: string, options: PolicyOptions): RoutingPolicy {
  switch (name) {
    case 'fifo':
      return fifoPolicy();
    case 'strict':
      return strictPolicy(options);
    case 'accumulating':
      return accumulatingPolicy(options);
    default:
      throw new Error(`unknown routing policy "${name}" (known: ${POLICY_NAMES.join(', ')})`);
  }
}
