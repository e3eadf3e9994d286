/**
 * Kiosk profile: tickets (online over MQTT, offline from the lease), printing with the on-screen
 * fallback, the CCCD QR from the scanner and the chip from the card reader.
 *
 * Privacy: the citizen's identity (parsed QR, chip data) lives in `session` only, in memory, until
 * `session.clear`, the ticket, or the idle timeout; the server gets only the birth date.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  accessKeysFromQr,
  type BacAccessKey,
  CccdError,
  type CccdQrData,
  type ChipCardReader,
  type CitizenIdentity,
  cccdAccessKey,
  cccdCardAccessNumber,
  identityFromChip,
  identityFromQr,
  looksLikeCccdQr,
  MAX_PRINTED_WAIT_MINUTES,
  type PrintableTicket,
  PrinterError,
  type PrinterStatus,
  parseCccdQr,
  readCccdChip,
  type Scanner,
  type ScannerError,
  type TicketPrinter,
  type TrustAnchor,
  waitRange,
} from '@oss/hardware';
import {
  type AgentToUi,
  APPOINTMENT_CLASS,
  ageOn,
  type LocalizedText,
  type PrinterState,
  SCANNED_CODE_PATTERN,
  type Ticket,
  type UiToAgent,
} from '@oss/protocol';
import type { SiteCatalog } from './catalog.ts';
import type { LeaseKeeper } from './leases.ts';
import { LinkError, type ServerLink } from './link.ts';
import type { AgentLogger } from './log.ts';
import { type UiHub, uiError } from './ui.ts';

type IssueMessage = Extract<UiToAgent, { type: 'ticket.issue' }>;

export interface KioskOptions {
  link: ServerLink;
  catalog: SiteCatalog;
  leases: LeaseKeeper;
  ui: UiHub;
  log: AgentLogger;
  serverUrl: string;
  site: string;
  printer: TicketPrinter | null;
  scanner: Scanner | null;
  cardReader: ChipCardReader | null;
  trustAnchors?: TrustAnchor[];
  idleMs: number;
  /** How long an online `ticket.issue` may take before the kiosk issues from its lease instead. */
  issueTimeoutMs: number;
}

const APPOINTMENT_OFFLINE: LocalizedText = {
  vi: 'Chưa kiểm tra được lịch hẹn vì mất kết nối máy chủ. Quý khách vui lòng lấy số thường hoặc hỏi cán bộ.',
  en: 'The appointment cannot be checked while the server is unreachable. Please take a normal ticket or ask a staff member.',
};
const OFFLINE_EXHAUSTED: LocalizedText = {
  vi: 'Mất kết nối máy chủ và đã hết số dự phòng. Vui lòng liên hệ cán bộ hướng dẫn.',
  en: 'The server is unreachable and the offline numbers are used up. Please ask a staff member.',
};

export function printerStateOf(status: PrinterStatus | null, error?: PrinterError): PrinterState {
  if (!status) {
    return {
      ok: false,
      paper: 'unknown',
      coverOpen: false,
      message: error?.text ?? { vi: 'Máy in không trả lời', en: 'The printer does not answer' },
    };
  }
  const ok = status.online && !status.paperOut && !status.coverOpen && !status.error;
  const state: PrinterState = {
    ok,
    paper: status.paperOut ? 'out' : status.paperNearEnd ? 'near-end' : 'ok',
    coverOpen: status.coverOpen,
  };
  if (!ok)
    state.message = error?.text ?? {
      vi: status.paperOut ? 'Máy in hết giấy' : status.coverOpen ? 'Nắp máy in đang mở' : 'Máy in báo lỗi',
      en: status.paperOut ? 'Out of paper' : status.coverOpen ? 'Printer cover open' : 'Printer error',
    };
  return state;
}

export class KioskProfile {
  private session: { qr: CccdQrData; identity: CitizenIdentity } | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly hashKey = randomBytes(32);
  private printerState: PrinterState | null = null;
  private chipRead: AbortController | null = null;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly o: KioskOptions) {
    if (o.scanner) {
      this.unsubscribe.push(o.scanner.onScan((text) => this.onScan(text)));
      this.unsubscribe.push(o.scanner.onError((e) => this.onScanError(e)));
    }
  }

  /** Messages a newly connected app needs. */
  greeting(): AgentToUi[] {
    return this.printerState ? [{ type: 'printer', state: this.printerState }] : [];
  }

  get hasIdentity(): boolean {
    return this.session !== null;
  }

  // ---- scanner

  onScan(text: string): void {
    try {
      if (!looksLikeCccdQr(text)) {
        const code = text.trim();
        // A booking's QR or a dossier receipt: the app uses it where it belongs.
        if (new RegExp(SCANNED_CODE_PATTERN).test(code))
          this.o.ui.broadcast({ type: 'code.scanned', text: code });
        else
          this.o.ui.broadcast(
            uiError(null, 'scan_not_cccd', {
              vi: 'Mã vừa quét không phải mã QR trên thẻ căn cước, mã lịch hẹn hay mã hồ sơ',
              en: 'The code scanned is not a CCCD QR, a booking code or a dossier code',
            }),
          );
        return;
      }
      const qr = parseCccdQr(text);
      this.setSession({ qr, identity: identityFromQr(qr, this.hashKey) });
    } catch (e) {
      if (e instanceof CccdError) {
        this.o.log.warn({ code: e.code }, 'bad CCCD QR');
        this.o.ui.broadcast(uiError(null, `cccd_${e.code}`, e.text));
      } else {
        this.o.log.error({ err: (e as Error).name }, 'scan handling failed');
        this.o.ui.broadcast(
          uiError(null, 'scan_failed', {
            vi: 'Không đọc được mã vừa quét',
            en: 'Cannot read the scanned code',
          }),
        );
      }
    }
  }

  private onScanError(e: ScannerError): void {
    this.o.log.warn({ code: e.code }, 'scanner error');
    this.o.ui.broadcast(uiError(null, `scanner_${e.code}`, e.text));
  }

  private setSession(session: { qr: CccdQrData; identity: CitizenIdentity }): void {
    this.session = session;
    const { identity } = session;
    this.o.ui.broadcast({
      type: 'identity',
      identity: {
        fullName: identity.fullName,
        birthDate: identity.birthDate,
        maskedId: identity.maskedId,
        source: identity.source,
      },
    });
    this.touch();
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.clearSession(), this.o.idleMs);
    this.idleTimer.unref();
  }

  clearSession(): void {
    this.session = null;
    this.chipRead?.abort();
    this.chipRead = null;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  // ---- chip

  async readChip(
    requestId: string,
    expiryDate: string | undefined,
    reply: (m: AgentToUi) => void,
  ): Promise<void> {
    const { cardReader } = this.o;
    if (!cardReader)
      return reply(
        uiError(requestId, 'no_card_reader', {
          vi: 'Ki-ốt không có đầu đọc thẻ',
          en: 'This kiosk has no card reader',
        }),
      );
    const session = this.session;
    if (!session)
      return reply(
        uiError(requestId, 'no_identity', {
          vi: 'Hãy quét mã QR trên thẻ căn cước trước khi đọc chip',
          en: 'Scan the QR code on the card before reading its chip',
        }),
      );
    this.chipRead?.abort();
    const abort = new AbortController();
    this.chipRead = abort;
    const timeout = setTimeout(() => abort.abort(), 60_000);
    const progress = (step: 'waiting-card' | 'authenticating' | 'reading' | 'verifying' | 'done') =>
      reply({ type: 'cccd.progress', requestId, step });
    let card: Awaited<ReturnType<ChipCardReader['waitForCard']>> | null = null;
    try {
      progress('waiting-card');
      card = await cardReader.waitForCard({ signal: abort.signal });
      progress('authenticating');
      const { qr } = session;
      let accessKeys: BacAccessKey[] = [];
      if (expiryDate)
        accessKeys = [cccdAccessKey({ idNumber: qr.idNumber, birthDate: qr.birthDate, expiryDate })];
      else {
        try {
          accessKeys = accessKeysFromQr(qr);
        } catch (e) {
          if (!(e instanceof CccdError)) throw e; // no derivable expiry: PACE with the CAN only
        }
      }
      progress('reading');
      const chip = await readCccdChip(card, {
        accessKeys,
        can: cccdCardAccessNumber(qr.idNumber),
        dataGroups: [1, 13],
        trustAnchors: this.o.trustAnchors ?? [],
      });
      progress('verifying');
      const identity = identityFromChip(chip, this.hashKey);
      if (!identity)
        throw new CccdError(
          'data_group',
          'Chip không có đủ thông tin nhân thân',
          'The chip lacks personal data',
        );
      if (this.session !== session) return; // cleared meanwhile
      this.setSession({ qr, identity });
      progress('done');
    } catch (e) {
      if (e instanceof CccdError) {
        this.o.log.warn({ code: e.code }, 'chip read failed');
        reply(uiError(requestId, `cccd_${e.code}`, e.text));
      } else {
        this.o.log.error({ err: (e as Error).name }, 'chip read failed');
        reply(uiError(requestId, 'cccd_failed', { vi: 'Không đọc được chip', en: 'Cannot read the chip' }));
      }
    } finally {
      clearTimeout(timeout);
      card?.close();
      if (this.chipRead === abort) this.chipRead = null;
    }
  }

  // ---- tickets

  async issue(msg: IssueMessage): Promise<AgentToUi> {
    const wantsIdentity = msg.useIdentity || msg.appointmentByCard;
    const identity = wantsIdentity ? this.session?.identity : undefined;
    if (wantsIdentity && !identity)
      return uiError(msg.requestId, 'no_identity', {
        vi: 'Chưa có thông tin căn cước, hãy quét lại thẻ',
        en: 'No identity was read; scan the card again',
      });
    const birthDate = identity?.birthDate ?? msg.birthDate;
    // Check-in by the card the booking was made with (docs/appointments.md): the server matches the
    // booking by the number's keyed hash. Only for this, at the citizen's choice, does the number leave.
    const cardIdNumber = msg.appointmentByCard ? this.session?.qr.idNumber : undefined;
    const priority = cardIdNumber ? APPOINTMENT_CLASS : msg.priority;
    const booking = msg.appointmentCode !== undefined || cardIdNumber !== undefined;
    if (booking && !this.o.link.connected) return uiError(msg.requestId, 'unavailable', APPOINTMENT_OFFLINE);
    let ticket: Ticket | null = null;
    if (this.o.link.connected) {
      // A fresh request id: the app's ids are unique only within its page load.
      const requestId = randomUUID();
      try {
        const result = await this.o.link.request<{ ticket: Ticket }>(
          'ticket.issue',
          {
            serviceId: msg.serviceId,
            lang: msg.lang,
            ...(priority ? { priority } : {}),
            ...(msg.procedureId ? { procedureId: msg.procedureId } : {}),
            ...(birthDate || cardIdNumber
              ? {
                  citizen: {
                    ...(birthDate ? { birthDate } : {}),
                    ...(cardIdNumber ? { idNumber: cardIdNumber } : {}),
                  },
                }
              : {}),
            ...(msg.appointmentCode ? { appointmentCode: msg.appointmentCode } : {}),
          },
          { id: requestId, timeoutMs: this.o.issueTimeoutMs, retries: 1 },
        );
        ticket = result.ticket;
      } catch (e) {
        if (!(e instanceof LinkError)) throw e;
        if (e.code === 'refused' && e.refusal)
          return uiError(
            msg.requestId,
            e.refusal.code,
            e.refusal.text ?? { vi: e.refusal.message, en: e.refusal.message },
          );
        // Only the server can check a booking: no lease ticket with the appointment class.
        if (booking) return uiError(msg.requestId, 'unavailable', APPOINTMENT_OFFLINE);
        this.o.log.warn({ code: e.code }, 'online issue failed: issuing from the lease');
        // The server may still issue it (or have issued it): withdraw it, durably, before the lease
        // ticket's merge, so that one citizen does not hold two tickets.
        this.o.link.send('ticket.void', { requestId });
      }
    }
    if (!ticket) {
      ticket = this.o.leases.issue({
        serviceId: msg.serviceId,
        ...(msg.priority ? { priority: msg.priority } : {}),
        ...(msg.procedureId ? { procedureId: msg.procedureId } : {}),
        ...(birthDate ? { birthDate } : {}),
      });
      if (!ticket) return uiError(msg.requestId, 'unavailable', OFFLINE_EXHAUSTED);
      // The server decides the priority from the birth date when merging; print what it will decide.
      if (!msg.priority && birthDate) ticket.priority = this.agePriority(birthDate) ?? ticket.priority;
    } else void this.o.leases.topUp(); // renews only the services running low
    // The ticket ends the citizen's session: the identity is not kept for the next person.
    this.clearSession();
    const url = `${this.o.serverUrl.replace(/\/$/, '')}/t/${ticket.id}`;
    const printed = await this.print(ticket, url, msg.lang);
    return { type: 'ticket', requestId: msg.requestId, ticket, printed, url };
  }

  /** The age-based priority class (elderly ≥ 60 in the demo site) a birth date gives today, if any. */
  private agePriority(birthDate: string): string | undefined {
    const today = this.o.leases.today();
    const classes = (this.o.catalog.site.priorityClasses ?? []).filter(
      (c): c is typeof c & { minAge: number } => typeof c.minAge === 'number',
    );
    return classes.sort((a, b) => b.minAge - a.minAge).find((c) => ageOn(birthDate, today) >= c.minAge)?.id;
  }

  printable(ticket: Ticket, url: string): PrintableTicket {
    const { catalog } = this.o;
    const service = catalog.service(ticket.serviceId);
    const procedure = ticket.procedureId ? catalog.procedure(ticket.procedureId) : undefined;
    const priorityName = ticket.priority !== 'normal' ? catalog.priorityName(ticket.priority) : undefined;
    const wait = ticket.etaRange
      ? { minMinutes: ticket.etaRange.low, maxMinutes: Math.max(ticket.etaRange.low, ticket.etaRange.high) }
      : waitRange(ticket.etaMinutes);
    // A queue a day long still gets its ticket, without an estimate.
    const online = { ahead: ticket.ahead, ...(wait.maxMinutes < MAX_PRINTED_WAIT_MINUTES ? { wait } : {}) };
    return {
      siteName: catalog.site.site?.name ?? { vi: this.o.site, en: this.o.site },
      number: ticket.number,
      serviceName: service?.name ?? { vi: ticket.serviceId, en: ticket.serviceId },
      counters: catalog.countersFor(ticket.serviceId),
      issuedAt: ticket.issuedAt,
      publicUrl: url,
      ...(ticket.offline ? { offline: true } : online),
      ...(procedure
        ? { procedure: { name: procedure.name, requiredPapers: procedure.requiredPapers ?? [] } }
        : {}),
      ...(priorityName ? { priorityLabel: priorityName } : {}),
    };
  }

  /** Prints; false (and the printer state reported) when the printer cannot. */
  private async print(ticket: Ticket, url: string, _lang: string): Promise<boolean> {
    const { printer } = this.o;
    if (!printer) return false;
    try {
      await printer.print(this.printable(ticket, url));
      if (this.printerState && !this.printerState.ok) void this.checkPrinter();
      return true;
    } catch (e) {
      const error = e instanceof PrinterError ? e : undefined;
      this.o.log.warn({ code: error?.code ?? 'unknown' }, 'ticket not printed');
      void this.checkPrinter(error);
      return false;
    }
  }

  /** Reads the printer status and reports a change to the apps, as `evt/printer` and in the retained status. */
  async checkPrinter(error?: PrinterError): Promise<PrinterState | null> {
    const { printer } = this.o;
    if (!printer) return null;
    let state: PrinterState;
    try {
      state = printerStateOf(await printer.status(), error);
    } catch (e) {
      state = printerStateOf(null, e instanceof PrinterError ? e : error);
    }
    const changed = JSON.stringify(state) !== JSON.stringify(this.printerState);
    this.printerState = state;
    if (changed) {
      this.o.ui.broadcast({ type: 'printer', state });
      this.o.link.event('printer', { ...state, at: new Date(this.o.link.serverNow()).toISOString() });
      this.o.link.setStatus({ printer: { ok: state.ok, paper: state.paper, coverOpen: state.coverOpen } });
    }
    return state;
  }

  close(): void {
    this.clearSession();
    for (const u of this.unsubscribe) u();
  }
}
