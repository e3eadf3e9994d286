/**
 * The imperative shell around the queue core: decide, then store the events, the ticket rows and the
 * response in one transaction, apply them in memory, and announce them. A request repeated with the
 * same device and id gets the stored response and has no second effect.
 */
import {
  type CallMessage,
  type ErrorCode,
  type Lang,
  localDate,
  ProtocolError,
  type ResponseEnvelope,
  toIsoLocal,
} from '@oss/protocol';
import {
  APPOINTMENT_CLASS,
  type Command,
  counterSeeds,
  counterState,
  type DayStartedEvent,
  DEFAULT_DOSSIER_CODE,
  QueueCore,
  type QueueEvent,
  type Site,
} from '@oss/queue-server/core';
import { AppointmentDesk } from './appointments.ts';
import { randomSecret } from './auth/secrets.ts';
import { ServerBus } from './events.ts';
import type { Logger } from './log.ts';
import { citizenHash, maskIdNumber } from './storage/citizen-key.ts';
import type { CitizenMark, Store } from './storage/store.ts';
import { type AppointmentRow, VisitStore } from './storage/visits.ts';

export interface RequestKey {
  deviceId: string;
  requestId: string;
  action: string;
}

export interface ExecuteOptions {
  /** For idempotency: present for device requests. */
  key?: RequestKey;
  lang?: Lang;
  /**
   * The CCCD number, when a third-party kiosk sends it (our agent sends only the birth date): stored
   * only as its last 4 digits and a hash keyed by the key file.
   */
  citizenIdNumber?: string;
  /** Builds the result from the state after the events were applied. */
  result: (events: QueueEvent[], core: QueueCore, now: number) => Record<string, unknown>;
}

/** Queue summaries for boards and the retained topic are computed at most this often. */
export const SUMMARY_INTERVAL_MS = 250;

/**
 * Officer sessions at a counter end when the console has not been heard from for this long (the
 * browser was closed: the console polls every minute) ...
 */
export const CONSOLE_GONE_MS = 3 * 60_000;
/** ... or when the officer has not acted at the counter for this long (left without signing out). */
export const OFFICER_IDLE_MS = 45 * 60_000;

export class QueueService {
  readonly bus = new ServerBus();
  core: QueueCore;
  private summaryTimer: NodeJS.Timeout | null = null;
  readonly visits: VisitStore;
  readonly desk: AppointmentDesk;
  /** When the signed-in officer's console was last heard from, and last acted, per counter. */
  private readonly sessions = new Map<string, { officerId: string; seen: number; acted: number }>();

  constructor(
    readonly site: Site,
    readonly store: Store,
    readonly clock: () => number,
    private readonly log: Logger,
    /** The citizen-hash key, from its own file (storage/citizen-key.ts), never from the database. */
    private readonly citizenKey: Buffer,
  ) {
    this.visits = new VisitStore(store.db);
    this.desk = new AppointmentDesk(site, this.visits);
    this.core = this.rebuild();
    // A start on a later day serves today's (empty) queue, not the stored day's.
    this.tick();
    this.bus.on('device', (deviceId, online) => {
      if (!online) this.counterDeviceGone(deviceId);
    });
  }

  /** A counter device that goes offline no longer staffs its counter (closed unless an officer is signed in). */
  private counterDeviceGone(deviceId: string): void {
    const device = this.store.findDevice(deviceId);
    if (device?.kind !== 'counter' || !device.counter_id || !this.site.counters.has(device.counter_id))
      return;
    this.execute({ type: 'device-offline', counterId: device.counter_id }, { result: () => ({}) });
  }

  /** The state as the database has it: replay the current day's events. */
  private rebuild(): QueueCore {
    let events = this.store.eventsOfCurrentDay();
    if (events.length === 0) {
      const now = this.clock();
      const started: DayStartedEvent = {
        type: 'day.started',
        at: now,
        day: localDate(now, this.site.timeZone),
        counters: counterSeeds(this.site),
        serviceTimes: [],
      };
      this.store.transaction(() => this.store.appendEvents(started.day, [started]));
      events = [started];
    }
    const core = new QueueCore(this.site, '');
    core.apply(events);
    // Counters added to the configuration since the day started.
    for (const seed of counterSeeds(this.site)) {
      if (!core.state.counters.has(seed.id)) core.state.counters.set(seed.id, counterState(seed));
    }
    return core;
  }

  execute(command: Command, options: ExecuteOptions): ResponseEnvelope {
    return this.executeBatch([{ command, options }])[0]!;
  }

  /**
   * Group commit: the commands of a batch share one transaction (one fsync) and are answered only
   * after it commits. Each command is still decided, refused or applied on its own, in order.
   */
  executeBatch(items: { command: Command; options: ExecuteOptions }[]): ResponseEnvelope[] {
    const now = this.clock();
    const responses: ResponseEnvelope[] = [];
    const committed: QueueEvent[][] = [];
    try {
      this.store.transaction(() => {
        for (const { command, options } of items)
          responses.push(this.executeInTransaction(command, options, now, committed));
      });
    } catch (e) {
      // The memory may be ahead of the database: take the database's word.
      this.log.error({ err: String(e), batch: items.length }, 'storage failed; state rebuilt');
      this.core = this.rebuild();
      return items.map(({ options }) =>
        this.failure(options.key?.requestId ?? null, unavailable(), options.lang),
      );
    }
    for (const events of committed) this.announce(events);
    return responses;
  }

  private executeInTransaction(
    command: Command,
    options: ExecuteOptions,
    now: number,
    committed: QueueEvent[][],
  ): ResponseEnvelope {
    const { key } = options;
    if (key) {
      const stored = this.store.findResponse(key.deviceId, key.requestId);
      if (stored) return JSON.parse(stored) as ResponseEnvelope;
    }
    let response: ResponseEnvelope;
    try {
      const checkIn = command.type === 'issue' ? this.checkInOf(command, options, now) : null;
      if (checkIn?.kind === 'existing') {
        // The same code again: the ticket it already gave.
        response = {
          id: key?.requestId ?? '',
          ok: true,
          result: { ticket: this.core.ticket(checkIn.ticketId, now) },
        };
      } else {
        const decided = checkIn ? withAppointment(command, checkIn.appointment, checkIn.onTime) : command;
        if (decided.type === 'finish' && decided.dossierCodes) this.checkDossierCodes(decided.dossierCodes);
        const events = this.core.decide(decided, now, () => randomSecret(16));
        this.commit(events, options);
        if (checkIn) this.desk.markCheckedIn(checkIn.appointment.id, issuedTicketId(events), now);
        if (decided.type === 'finish' && decided.dossierCodes) this.saveDossiers(decided, now);
        committed.push(events);
        response = { id: key?.requestId ?? '', ok: true, result: options.result(events, this.core, now) };
      }
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      response = this.failure(key?.requestId ?? null, e, options.lang);
    }
    if (key) this.store.saveResponse(key.deviceId, key.requestId, key.action, now, JSON.stringify(response));
    return response;
  }

  /** Store and apply one event at a time, so that each ticket row is written as of its own event. */
  private commit(events: QueueEvent[], options: ExecuteOptions): void {
    for (const e of events) {
      this.store.appendEvents(this.core.state.day, [e]);
      const dayBefore = this.core.state.day;
      this.core.apply([e]);
      if (e.type === 'rating.submitted') this.store.saveRating(dayBefore, e);
      if ('ticketId' in e && e.ticketId) {
        const t = this.core.state.tickets.get(e.ticketId);
        const citizen = e.type === 'ticket.issued' ? this.citizenMark(options.citizenIdNumber) : undefined;
        if (t) this.store.saveTicket(this.core.state.day, t, citizen);
      }
    }
  }

  private checkDossierCodes(codes: readonly string[]): void {
    const pattern = new RegExp(this.site.config.dossiers?.codePattern ?? DEFAULT_DOSSIER_CODE);
    const bad = codes.find((c) => !pattern.test(c));
    if (bad !== undefined)
      throw new ProtocolError('invalid_request', {
        vi: `Mã hồ sơ "${bad}" không đúng định dạng của trung tâm`,
        en: `Dossier code "${bad}" does not have this centre's format`,
      });
  }

  /** The dossiers an officer received for a finished ticket: what productivity floors count. */
  private saveDossiers(c: Extract<Command, { type: 'finish' }>, now: number): void {
    const t = this.core.state.tickets.get(c.ticketId);
    if (!t || !c.dossierCodes) return;
    this.visits.insertDossiers(
      c.dossierCodes.map((code) => ({
        ticket_id: t.id,
        code,
        day: this.core.state.day,
        at: now,
        counter_id: c.counterId,
        officer_id: t.officerId ?? null,
        service_id: t.serviceId,
      })),
    );
  }

  /** The keyed hash of a CCCD number (its key is outside the database: storage/citizen-key.ts). */
  citizenHashOf(idNumber: string): string {
    return citizenHash(this.citizenKey, idNumber);
  }

  /**
   * An appointment presented at the kiosk: by its code, or (declaring the `appointment` class) by the
   * CCCD card it was booked with. No match by card leaves the declaration to the core, which refuses it.
   */
  private checkInOf(command: Extract<Command, { type: 'issue' }>, options: ExecuteOptions, now: number) {
    if (command.appointmentCode) return this.desk.checkIn(command.appointmentCode, now);
    if (command.priority !== APPOINTMENT_CLASS || !options.citizenIdNumber) return null;
    const row = this.visits.bookingOfCitizen(
      this.citizenHashOf(options.citizenIdNumber),
      localDate(now, this.site.timeZone),
    );
    return row ? this.desk.checkIn(row.code, now) : null;
  }

  private citizenMark(idNumber: string | undefined): CitizenMark | undefined {
    if (!idNumber) return undefined;
    return { hash: this.citizenHashOf(idNumber), masked: maskIdNumber(idNumber) };
  }

  private announce(events: QueueEvent[]): void {
    for (const e of events) {
      if (e.type !== 'ticket.called' && e.type !== 'ticket.recalled') continue;
      const t = this.core.state.tickets.get(e.ticketId);
      const counter = this.site.counters.get(e.counterId);
      if (!t || !counter) continue;
      const call: CallMessage = {
        ticketId: t.id,
        number: t.number,
        counterId: counter.id,
        serviceId: t.serviceId,
        calledAt: toIsoLocal(e.at, this.site.timeZone),
        recall: e.type === 'ticket.recalled',
        counterNumber: counter.number,
        priority: t.priority,
      };
      this.bus.emit('call', call);
    }
    this.bus.emit('committed', events);
    this.summaryTimer ??= setTimeout(() => {
      this.summaryTimer = null;
      this.bus.emit('summary', this.summary());
    }, SUMMARY_INTERVAL_MS);
  }

  summary() {
    return this.core.summary(this.clock());
  }

  /** Stops the pending summary timer (the server is stopping). */
  close(): void {
    if (this.summaryTimer) clearTimeout(this.summaryTimer);
    this.summaryTimer = null;
  }

  /** Makes the day roll over and ends officer sessions gone quiet, even when no request comes (a timer). */
  tick(): void {
    const now = this.clock();
    this.endQuietSessions(now);
    if (localDate(now, this.site.timeZone) === this.core.state.day) return;
    this.execute({ type: 'rollover' }, { result: () => ({}) });
  }

  /** The officer's console at `counterId` is alive; `acted`: the officer did something there. */
  officerSeen(counterId: string, officerId: string, acted: boolean): void {
    if (this.core.state.counters.get(counterId)?.officerId !== officerId) return;
    const now = this.clock();
    const s = this.sessions.get(counterId);
    if (!s || s.officerId !== officerId) this.sessions.set(counterId, { officerId, seen: now, acted: now });
    else {
      s.seen = now;
      if (acted) s.acted = now;
    }
  }

  /** Signs out officers whose console is gone or who stopped acting: nothing is credited to them after. */
  private endQuietSessions(now: number): void {
    for (const counter of this.core.state.counters.values()) {
      if (!counter.officerId) continue;
      const s = this.sessions.get(counter.id);
      // After a restart nobody was heard yet: the session gets a full period from now.
      if (!s || s.officerId !== counter.officerId) {
        this.sessions.set(counter.id, { officerId: counter.officerId, seen: now, acted: now });
        continue;
      }
      if (now - s.seen < CONSOLE_GONE_MS && now - s.acted < OFFICER_IDLE_MS) continue;
      this.log.info(
        { counterId: counter.id, officerId: s.officerId },
        'officer session ended (console gone or idle)',
      );
      this.sessions.delete(counter.id);
      this.execute({ type: 'sign-out', counterId: counter.id }, { result: () => ({}) });
    }
  }

  private failure(id: string | null, e: unknown, lang: Lang = 'vi'): ResponseEnvelope {
    if (e instanceof ProtocolError) return { id, ok: false, error: e.toBody(lang) };
    this.log.error({ err: String(e) }, 'unexpected error');
    return { id, ok: false, error: unavailable().toBody(lang) };
  }
}

/** The issue command for an appointment's check-in: its service and procedure; its class when on time. */
function withAppointment(command: Command, a: AppointmentRow, onTime: boolean): Command {
  if (command.type !== 'issue') return command;
  const { appointmentCode: _code, priority: _declared, ...rest } = command;
  return {
    ...rest,
    serviceId: a.service_id,
    ...(a.procedure_id ? { procedureId: a.procedure_id } : {}),
    ...(onTime ? { appointmentId: a.id } : {}),
  };
}

function issuedTicketId(events: QueueEvent[]): string {
  const issued = events.find((e) => e.type === 'ticket.issued');
  if (issued?.type !== 'ticket.issued') throw new Error('check-in issued no ticket');
  return issued.ticketId;
}

function unavailable(): ProtocolError {
  const code: ErrorCode = 'unavailable';
  return new ProtocolError(code, {
    vi: 'Hệ thống tạm thời không lưu được dữ liệu, vui lòng thử lại',
    en: 'The system cannot store data right now, please try again',
  });
}
