/**
 * The discrete-event simulator. It drives the real queue core (`QueueCore.execute`) with simulated
 * time: tickets are issued, counters call `next` when they are free and `finish` when service ends.
 * The only decisions made here are the citizens' and officers' (when they arrive, how long they take,
 * whether they show up, when counters open and take breaks); which ticket is called is the core's.
 */
import { APPOINTMENT_CLASS } from '@oss/protocol';
import { adviseSwitches, predictedServiceWaits } from '../core/advice.ts';
import type { Command } from '../core/command.ts';
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
  /** Sees every command's events and the state after them (to store a day, e.g. for benchmarks). */
  onEvents?: (events: readonly QueueEvent[], state: QueueCore['state']) => void;
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
  return new SimulatedDay(scenario, options).run();
}

/** One day: the core, the counters as the officers work them, and the timed events still to come. */
class SimulatedDay {
  private readonly site: Site;
  private readonly core: QueueCore;
  private readonly arrivals: Arrival[];
  private readonly heap = new EventHeap<SimEvent>();
  private readonly counters: Map<string, CounterSim>;
  /** Counters that can take a service now, specialists (service first in their list) first. */
  private readonly takers = new Map<string, CounterSim[]>();
  private readonly arrivalOf = new Map<string, Arrival>();
  private readonly outcomes = new Map<string, TicketOutcome>();
  private readonly predictors: [string, Predictor][];
  /** Counters moved by the advice, with the services to give back. */
  private readonly switched = new Map<string, { original: string[]; to: string }>();
  private switches = 0;
  private seq = 0;
  private idSeq = 0;
  private readonly newId = () => `t${++this.idSeq}`;

  constructor(
    private readonly scenario: Scenario,
    private readonly options: RunOptions,
  ) {
    const config = options.counters ? { ...scenario.config, counters: options.counters } : scenario.config;
    this.site = compileSite(config, options.policy ?? config.routingPolicy);
    if (options.tuning)
      this.site.policy = createPolicy(this.site.policy.name, {
        classes: config.priorityClasses,
        maxWaitMinutes: config.targets.maxWaitMinutes,
        accumulating: options.tuning,
      });
    this.core = new QueueCore(this.site, scenario.date);
    // A running site has learned its service times on earlier days (carried over by day.started).
    if (options.history !== false)
      for (const [serviceId, model] of scenario.serviceTimes)
        this.core.state.serviceTimes.set(serviceId, { n: 50, meanMinutes: model.mean });
    this.arrivals = generateArrivals(scenario, createRng(options.seed).fork());
    this.counters = new Map(config.counters.map((c) => [c.id, newCounter(c.id)]));
    this.predictors = Object.entries(options.predictors ?? {});
  }

  run(): DayResult {
    const start = this.scheduleDay();
    let now = start;
    for (let e = this.heap.pop(); e && e.at <= this.scenario.horizon; e = this.heap.pop()) {
      now = e.at;
      this.handle(e, now);
    }
    return this.result(now);
  }

  /** Counters start closed, then follow their schedules and breaks; returns the first minute. */
  private scheduleDay(): number {
    const periods = [...this.counters.keys()].flatMap((id) => this.scheduleOf(id));
    const start = Math.min(this.arrivals[0]?.at ?? Number.POSITIVE_INFINITY, ...periods.map((p) => p.from));
    for (const c of this.counters.values()) this.exec({ type: 'close', counterId: c.id }, start);
    for (const counterId of this.counters.keys())
      for (const p of this.scheduleOf(counterId)) {
        this.schedule({ at: p.from, kind: 'open', counterId });
        this.schedule({ at: p.to, kind: 'close', counterId });
      }
    for (const b of this.scenario.breaks)
      if (this.counters.has(b.counterId))
        this.schedule({ at: b.at, kind: 'break', counterId: b.counterId, minutes: b.minutes });
    for (const arrival of this.arrivals) this.schedule({ at: arrival.at, kind: 'arrival', arrival });
    const every = this.options.followAdviceEveryMinutes;
    if (every) {
      const end = Math.max(...periods.map((p) => p.to));
      for (let m = start + every; m < end; m += every) this.schedule({ at: m, kind: 'advice' });
    }
    return start;
  }

  private handle(e: SimEvent, now: number): void {
    const c = e.counterId ? this.counters.get(e.counterId)! : undefined;
    switch (e.kind) {
      case 'arrival':
        return this.arrive(e.arrival!, now);
      case 'done':
        return this.finish(c!, now, 'done');
      case 'no-show':
        return this.finish(c!, now, 'no_show');
      case 'open':
        c!.closing = false;
        this.startWork(c!, now);
        if (c!.ticketId === null) this.callNext(c!, now);
        return;
      case 'close':
        c!.closing = true;
        if (c!.ticketId === null) this.stopWork(c!, now);
        return;
      case 'break':
        if (!c!.working) return;
        if (c!.ticketId === null) {
          this.stopWork(c!, now);
          this.schedule({ at: now + e.minutes!, kind: 'break-end', counterId: c!.id });
        } else c!.breakPending = e.minutes!;
        return;
      case 'break-end':
        if (c!.closing) return;
        this.startWork(c!, now);
        this.callNext(c!, now);
        return;
      case 'advice':
        return this.followAdvice(now);
    }
  }

  /** A citizen takes a ticket; the ETA predictors are scored as the ticket would show them. */
  private arrive(a: Arrival, now: number): void {
    // A booked citizen checks in with the booking (the class cannot be declared).
    const booking = a.priority === APPOINTMENT_CLASS ? { appointmentId: `simulated-${now}` } : {};
    const events = this.exec(
      { type: 'issue', serviceId: a.serviceId, priority: a.priority, ...booking },
      now,
    );
    const issued = events.find((x) => x.type === 'ticket.issued') as Extract<
      QueueEvent,
      { type: 'ticket.issued' }
    >;
    this.arrivalOf.set(issued.ticketId, a);
    const ticket = this.core.state.tickets.get(issued.ticketId)!;
    const predictions: Record<string, WaitPrediction> = {};
    for (const [name, predict] of this.predictors)
      predictions[name] = predict(this.site, this.core.state, ticket, this.ms(now));
    const { measure } = this.scenario;
    this.outcomes.set(issued.ticketId, {
      serviceId: a.serviceId,
      priority: a.priority,
      issuedAt: now,
      wait: null,
      measured: !a.initial && now >= measure.from && now < measure.to,
      noShow: a.noShow,
      serviceMinutes: a.serviceMinutes,
      predictions,
    });
    for (const taker of this.takersOf(a.serviceId))
      if (
        taker.working &&
        taker.ticketId === null &&
        taker.breakPending === null &&
        this.callNext(taker, now)
      )
        break;
  }

  /** A free, working counter calls the next ticket; returns whether it got one. */
  private callNext(c: CounterSim, now: number): boolean {
    const called = this.exec({ type: 'next', counterId: c.id }, now).find((e) => e.type === 'ticket.called');
    if (called?.type !== 'ticket.called') return false;
    const arrival = this.arrivalOf.get(called.ticketId)!;
    c.ticketId = called.ticketId;
    c.serviceStart = now;
    if (arrival.noShow)
      this.schedule({ at: now + this.scenario.noShowGraceMinutes, kind: 'no-show', counterId: c.id });
    else this.schedule({ at: now + arrival.serviceMinutes, kind: 'done', counterId: c.id });
    return true;
  }

  private finish(c: CounterSim, now: number, outcome: 'done' | 'no_show'): void {
    this.exec({ type: 'finish', counterId: c.id, ticketId: c.ticketId!, outcome }, now);
    c.busyMinutes += now - c.serviceStart;
    c.ticketId = null;
    if (c.breakPending !== null) {
      this.stopWork(c, now);
      this.schedule({ at: now + c.breakPending, kind: 'break-end', counterId: c.id });
      c.breakPending = null;
      return;
    }
    if (!c.working) return;
    if (!this.callNext(c, now) && c.closing) this.stopWork(c, now);
  }

  private startWork(c: CounterSim, now: number): void {
    if (c.working) return;
    this.exec({ type: 'open', counterId: c.id }, now);
    c.working = true;
    c.workingSince = now;
  }

  private stopWork(c: CounterSim, now: number): void {
    if (!c.working) return;
    this.exec({ type: 'close', counterId: c.id }, now);
    c.working = false;
    c.openMinutes += now - c.workingSince;
  }

  /** The manager follows the dashboard: gives back calmed counters, then makes the top switch. */
  private followAdvice(now: number): void {
    const waits = predictedServiceWaits(this.site, this.core.state);
    for (const [counterId, { original, to }] of this.switched)
      if ((waits.get(to) ?? 0) <= this.site.waitTargetMinutes / 2) {
        this.switched.delete(counterId);
        this.setServices(counterId, original, now);
      }
    const [advice] = adviseSwitches(this.site, this.core.state, this.ms(now), { limit: 1 });
    if (!advice || !this.counters.get(advice.counterId)!.working) return;
    const original = this.switched.get(advice.counterId)?.original ?? advice.fromServiceIds;
    this.switched.set(advice.counterId, { original, to: advice.toServiceId });
    this.setServices(advice.counterId, advice.serviceIdsAfter, now);
  }

  private setServices(counterId: string, serviceIds: string[], now: number): void {
    this.exec({ type: 'set-services', counterId, serviceIds }, now);
    this.takers.clear();
    this.switches++;
    const c = this.counters.get(counterId)!;
    if (c.working && c.ticketId === null && c.breakPending === null) this.callNext(c, now);
  }

  private takersOf(serviceId: string): CounterSim[] {
    let list = this.takers.get(serviceId);
    if (!list) {
      const rank = (c: CounterSim) => this.core.state.counters.get(c.id)!.serviceIds.indexOf(serviceId);
      list = [...this.counters.values()].filter((c) => rank(c) >= 0).sort((a, b) => rank(a) - rank(b));
      this.takers.set(serviceId, list);
    }
    return list;
  }

  private result(now: number): DayResult {
    for (const c of this.counters.values()) {
      if (c.ticketId) c.busyMinutes += now - c.serviceStart;
      if (c.working) c.openMinutes += now - c.workingSince;
    }
    for (const [id, outcome] of this.outcomes) {
      const t = this.core.state.tickets.get(id)!;
      if (t.firstCalledAt !== undefined) outcome.wait = (t.firstCalledAt - t.issuedAt) / MINUTE;
    }
    return {
      tickets: [...this.outcomes.values()],
      counters: [...this.counters.values()].map((c) => ({
        counterId: c.id,
        busyMinutes: c.busyMinutes,
        openMinutes: c.openMinutes,
      })),
      endedAt: now,
      switches: this.switches,
    };
  }

  private scheduleOf(counterId: string): { from: number; to: number }[] {
    return this.scenario.schedules.get(counterId) ?? this.scenario.defaultSchedule;
  }

  private schedule(e: Omit<SimEvent, 'seq'>): void {
    this.heap.push({ ...e, seq: this.seq++ });
  }

  private exec(command: Command, minute: number): QueueEvent[] {
    const events = this.core.execute(command, this.ms(minute), this.newId);
    this.options.onEvents?.(events, this.core.state);
    return events;
  }

  private ms(minute: number): number {
    return this.scenario.midnightMs + minute * MINUTE;
  }
}

function newCounter(id: string): CounterSim {
  return {
    id,
    ticketId: null,
    working: false,
    closing: false,
    breakPending: null,
    busyMinutes: 0,
    openMinutes: 0,
    workingSince: 0,
    serviceStart: 0,
  };
}
