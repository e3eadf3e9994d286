/**
 * The discrete-event simulator. It drives the real queue core (`QueueCore.execute`) with simulated
 * time: tickets are issued, counters call `next` when they are free and `finish` when service ends.
 * The only decisions made here are the citizens' and officers' (when they arrive, how long they take,
 * whether they show up, when counters open and take breaks); which ticket is called is the core's.
 */
import { adviseSwitches, predictedServiceWaits } from '../core/advice.ts';
import type { WaitPrediction } from '../core/eta.ts';
import { QueueCore } from '../core/queue-core.ts';
import { type AccumulatingTuning, createPolicy } from '../core/routing.ts';
import { compileSite, type Site } from '../core/site.ts';
import type { QueueEvent, TicketRecord } from '../core/state.ts';
import { type Arrival, generateArrivals } from './arrivals.ts';
import { EventHeap } from './heap.ts';
import { createRng } from './rng.ts';
import type { Scenario } from './scenario.ts';

const MINUTE = 60_000;

export type Predictor = (
  site: Site,
  state: QueueCore['state'],
  ticket: TicketRecord,
  now: number,
) => WaitPrediction;

export interface RunOptions {
  seed: number;
  /** Routing policy; the site's configured one by default. */
  policy?: string;
  /** ETA predictors evaluated on every ticket at issue, by name. */
  predictors?: Record<string, Predictor>;
  /** Tuning of the accumulating policy, for experiments. */
  tuning?: Partial<AccumulatingTuning>;
  /** Every this many minutes, follow the dashboard's advice (switch one counter; switch back when calm). */
  followAdviceEveryMinutes?: number;
  /** Start with service times learned on earlier days (default true), as a running server has. */
  history?: boolean;
  /** Overrides the scenario's counters (capacity search); same shape as the site config's. */
  counters?: Scenario['config']['counters'];
}

export interface TicketOutcome {
  serviceId: string;
  priority: string;
  /** Minutes since local midnight. */
  issuedAt: number;
  /** Minutes from issue to first call; null if never called before the horizon. */
  wait: number | null;
  /** Counted in the results (issued inside the measurement window). */
  measured: boolean;
  noShow: boolean;
  /** The service time drawn for this citizen (a control variate for the theory checks). */
  serviceMinutes: number;
  predictions: Record<string, WaitPrediction>;
}

export interface CounterOutcome {
  counterId: string;
  busyMinutes: number;
  openMinutes: number;
}

export interface DayResult {
  tickets: TicketOutcome[];
  counters: CounterOutcome[];
  /** Minute at which the last counter finished. */
  endedAt: number;
  /** Counter switches made by following the advice (and switches back). */
  switches: number;
}

interface SimEvent {
  at: number;
  seq: number;
  kind: 'arrival' | 'done' | 'no-show' | 'open' | 'close' | 'break' | 'break-end' | 'advice';
  counterId?: string;
  arrival?: Arrival;
  minutes?: number;
}

interface CounterSim {
  id: string;
  /** Ticket in progress. */
  ticketId: string | null;
  /** Open and not on a break. */
  working: boolean;
  /** Past the end of its period: serves who is waiting, then closes. */
  closing: boolean;
  breakPending: number | null;
  busyMinutes: number;
  openMinutes: number;
  workingSince: number;
  serviceStart: number;
}

export function simulateDay(scenario: Scenario, options: RunOptions): DayResult {
  const config = options.counters ? { ...scenario.config, counters: options.counters } : scenario.config;
  const site = compileSite(config, options.policy ?? config.routingPolicy);
  if (options.tuning)
    site.policy = createPolicy(site.policy.name, {
      classes: config.priorityClasses,
      maxWaitMinutes: config.targets.maxWaitMinutes,
      accumulating: options.tuning,
    });
  const core = new QueueCore(site, scenario.date);
  // A running site has learned its service times on earlier days (carried over by day.started).
  if (options.history !== false)
    for (const [serviceId, model] of scenario.serviceTimes)
      core.state.serviceTimes.set(serviceId, { n: 50, meanMinutes: model.mean });
  const rootRng = createRng(options.seed);
  const arrivals = generateArrivals(scenario, rootRng.fork());
  const ms = (minute: number) => scenario.midnightMs + minute * MINUTE;
  let idSeq = 0;
  const newId = () => `t${++idSeq}`;
  const heap = new EventHeap<SimEvent>();
  let seq = 0;
  const schedule = (e: Omit<SimEvent, 'seq'>) => heap.push({ ...e, seq: seq++ });

  const counters = new Map<string, CounterSim>(
    config.counters.map((c) => [
      c.id,
      {
        id: c.id,
        ticketId: null,
        working: false,
        closing: false,
        breakPending: null,
        busyMinutes: 0,
        openMinutes: 0,
        workingSince: 0,
        serviceStart: 0,
      },
    ]),
  );
  // Counters that can take a service now, specialists (service first in their list) first.
  const takers = new Map<string, CounterSim[]>();
  const takersOf = (serviceId: string) => {
    let list = takers.get(serviceId);
    if (!list) {
      const rank = (c: CounterSim) => core.state.counters.get(c.id)!.serviceIds.indexOf(serviceId);
      list = [...counters.values()].filter((c) => rank(c) >= 0).sort((a, b) => rank(a) - rank(b));
      takers.set(serviceId, list);
    }
    return list;
  };
  const arrivalOf = new Map<string, Arrival>();
  const outcomes = new Map<string, TicketOutcome>();

  const exec = (command: Parameters<QueueCore['execute']>[0], minute: number): QueueEvent[] =>
    core.execute(command, ms(minute), newId);

  const startWork = (c: CounterSim, now: number) => {
    if (c.working) return;
    exec({ type: 'open', counterId: c.id }, now);
    c.working = true;
    c.workingSince = now;
  };
  const stopWork = (c: CounterSim, now: number) => {
    if (!c.working) return;
    exec({ type: 'close', counterId: c.id }, now);
    c.working = false;
    c.openMinutes += now - c.workingSince;
  };

  /** A free, working counter calls the next ticket; returns whether it got one. */
  const callNext = (c: CounterSim, now: number): boolean => {
    const called = exec({ type: 'next', counterId: c.id }, now).find((e) => e.type === 'ticket.called');
    if (called?.type !== 'ticket.called') return false;
    const arrival = arrivalOf.get(called.ticketId)!;
    c.ticketId = called.ticketId;
    c.serviceStart = now;
    if (arrival.noShow) schedule({ at: now + scenario.noShowGraceMinutes, kind: 'no-show', counterId: c.id });
    else schedule({ at: now + arrival.serviceMinutes, kind: 'done', counterId: c.id });
    return true;
  };

  const whenFree = (c: CounterSim, now: number) => {
    if (c.breakPending !== null) {
      stopWork(c, now);
      schedule({ at: now + c.breakPending, kind: 'break-end', counterId: c.id });
      c.breakPending = null;
      return;
    }
    if (!c.working) return;
    if (!callNext(c, now) && c.closing) stopWork(c, now);
  };

  const finish = (c: CounterSim, now: number, outcome: 'done' | 'no_show') => {
    exec({ type: 'finish', counterId: c.id, ticketId: c.ticketId!, outcome }, now);
    c.busyMinutes += now - c.serviceStart;
    c.ticketId = null;
    whenFree(c, now);
  };

  // Counters start closed, then follow their schedules and breaks.
  const scheduleOf = (counterId: string) => scenario.schedules.get(counterId) ?? scenario.defaultSchedule;
  const start = Math.min(
    arrivals[0]?.at ?? Number.POSITIVE_INFINITY,
    ...[...counters.keys()].flatMap(scheduleOf).map((p) => p.from),
  );
  for (const c of counters.values()) exec({ type: 'close', counterId: c.id }, start);
  for (const counterId of counters.keys()) {
    for (const p of scheduleOf(counterId)) {
      schedule({ at: p.from, kind: 'open', counterId });
      schedule({ at: p.to, kind: 'close', counterId });
    }
  }
  for (const b of scenario.breaks)
    if (counters.has(b.counterId))
      schedule({ at: b.at, kind: 'break', counterId: b.counterId, minutes: b.minutes });
  for (const arrival of arrivals) schedule({ at: arrival.at, kind: 'arrival', arrival });
  const every = options.followAdviceEveryMinutes;
  if (every) {
    const end = Math.max(...[...counters.keys()].flatMap(scheduleOf).map((p) => p.to));
    for (let m = start + every; m < end; m += every) schedule({ at: m, kind: 'advice' });
  }
  const switched = new Map<string, { original: string[]; to: string }>();
  let switches = 0;
  const setServices = (counterId: string, serviceIds: string[], now: number) => {
    exec({ type: 'set-services', counterId, serviceIds }, now);
    takers.clear();
    switches++;
    const c = counters.get(counterId)!;
    if (c.working && c.ticketId === null && c.breakPending === null) callNext(c, now);
  };
  const followAdvice = (now: number) => {
    const waits = predictedServiceWaits(site, core.state);
    for (const [counterId, { original, to }] of switched)
      if ((waits.get(to) ?? 0) <= site.waitTargetMinutes / 2) {
        switched.delete(counterId);
        setServices(counterId, original, now);
      }
    const [advice] = adviseSwitches(site, core.state, ms(now), { limit: 1 });
    if (!advice || !counters.get(advice.counterId)!.working) return;
    const original = switched.get(advice.counterId)?.original ?? advice.fromServiceIds;
    switched.set(advice.counterId, { original, to: advice.toServiceId });
    setServices(advice.counterId, advice.serviceIdsAfter, now);
  };

  let now = start;
  const predictors = Object.entries(options.predictors ?? {});
  for (let e = heap.pop(); e && e.at <= scenario.horizon; e = heap.pop()) {
    now = e.at;
    const c = e.counterId ? counters.get(e.counterId)! : undefined;
    switch (e.kind) {
      case 'arrival': {
        const a = e.arrival!;
        const issued = exec({ type: 'issue', serviceId: a.serviceId, priority: a.priority }, now).find(
          (x) => x.type === 'ticket.issued',
        )!;
        const ticketId = (issued as Extract<QueueEvent, { type: 'ticket.issued' }>).ticketId;
        arrivalOf.set(ticketId, a);
        const ticket = core.state.tickets.get(ticketId)!;
        const predictions: Record<string, WaitPrediction> = {};
        for (const [name, predict] of predictors)
          predictions[name] = predict(site, core.state, ticket, ms(now));
        outcomes.set(ticketId, {
          serviceId: a.serviceId,
          priority: a.priority,
          issuedAt: now,
          wait: null,
          measured: !a.initial && now >= scenario.measure.from && now < scenario.measure.to,
          noShow: a.noShow,
          serviceMinutes: a.serviceMinutes,
          predictions,
        });
        for (const taker of takersOf(a.serviceId))
          if (taker.working && taker.ticketId === null && taker.breakPending === null && callNext(taker, now))
            break;
        break;
      }
      case 'done':
        finish(c!, now, 'done');
        break;
      case 'no-show':
        finish(c!, now, 'no_show');
        break;
      case 'open':
        c!.closing = false;
        startWork(c!, now);
        if (c!.ticketId === null) callNext(c!, now);
        break;
      case 'close':
        c!.closing = true;
        if (c!.ticketId === null) stopWork(c!, now);
        break;
      case 'break':
        if (!c!.working) break;
        if (c!.ticketId === null) {
          stopWork(c!, now);
          schedule({ at: now + e.minutes!, kind: 'break-end', counterId: c!.id });
        } else c!.breakPending = e.minutes!;
        break;
      case 'break-end':
        if (c!.closing) break;
        startWork(c!, now);
        callNext(c!, now);
        break;
      case 'advice':
        followAdvice(now);
        break;
    }
  }
  for (const c of counters.values()) {
    if (c.ticketId) c.busyMinutes += now - c.serviceStart;
    if (c.working) c.openMinutes += now - c.workingSince;
  }
  for (const [id, outcome] of outcomes) {
    const t = core.state.tickets.get(id)!;
    if (t.firstCalledAt !== undefined) outcome.wait = (t.firstCalledAt - t.issuedAt) / MINUTE;
  }
  return {
    tickets: [...outcomes.values()],
    counters: [...counters.values()].map((c) => ({
      counterId: c.id,
      busyMinutes: c.busyMinutes,
      openMinutes: c.openMinutes,
    })),
    endedAt: now,
    switches,
  };
}
