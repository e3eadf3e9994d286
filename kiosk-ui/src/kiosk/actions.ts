/** What the citizen's touches do: start and issue a ticket, check a booking in, read the chip, go back, look up. */
import type { DossierInfo } from '@oss/protocol';
import { Api, ApiError, errorText } from '../shared/api.ts';
import { lang, loc, t } from '../shared/i18n.ts';
import { backFrom } from './navigation.ts';
import { speak } from './speech.ts';
import { data, go, resetSession, session, transportRef, ui } from './state.ts';
import type { IssueRequest } from './transport.ts';

/** Starts the ticket flow for a service (and maybe a procedure): identify first when the kiosk can read cards. */
export function startTicket(serviceId: string, procedureId: string | null = null): void {
  session.serviceId.value = serviceId;
  session.procedureId.value = procedureId;
  session.error.value = null;
  if (readsCards()) go('identify');
  else go('priority');
}

/** Issues the ticket with the priority chosen (none: null); back to the priority screen on a refusal. */
export async function issue(priority: string | null): Promise<void> {
  const transport = transportRef.value;
  const serviceId = session.serviceId.value;
  if (!transport || !serviceId) return;
  go('issuing');
  session.error.value = null;
  const identity = session.identity.value;
  try {
    const result = await transport.issue({
      serviceId,
      lang: lang.value,
      ...(priority ? { priority } : {}),
      ...(session.procedureId.value ? { procedureId: session.procedureId.value } : {}),
      ...(identity ? { useIdentity: true, birthDate: identity.birthDate } : {}),
    });
    session.result.value = result;
    go('ticket');
    const eta = result.ticket.etaRange;
    speak(
      `${t('kiosk.yourNumber')}: ${result.ticket.number.split('').join(' ')}. ${t('kiosk.ahead')}: ${result.ticket.ahead}. ` +
        (eta ? t('common.minutesRange', { low: eta.low, high: eta.high }) : ''),
    );
  } catch (e) {
    session.error.value =
      e instanceof ApiError && (e.status === 401 || e.code === 'unauthorized')
        ? { vi: t('kiosk.notConfigured', {}, 'vi'), en: t('kiosk.notConfigured', {}, 'en') }
        : {
            vi: t('kiosk.issueFailed', { message: errorText(e).vi }, 'vi'),
            en: t('kiosk.issueFailed', { message: errorText(e).en }, 'en'),
          };
    go('priority');
  }
}

/** A booking's code gives its ticket (the server checks it and its time). */
export async function checkIn(): Promise<void> {
  const code = ui.codeInput.value;
  if (code.length >= 6) await issueForBooking({ appointmentCode: code });
}

/** The ticket of a booking, by its code or by the identified card; back to the booking screen on a refusal. */
async function issueForBooking(booking: Pick<IssueRequest, 'appointmentCode' | 'appointmentByCard'>) {
  const transport = transportRef.value;
  const serviceId = data.services.value[0]?.id;
  if (!transport || !serviceId) return;
  session.error.value = null;
  go('issuing');
  try {
    // Any service: the server issues for the booking's own service and procedure.
    session.result.value = await transport.issue({ serviceId, lang: lang.value, ...booking });
    go('ticket');
  } catch (e) {
    session.error.value = errorText(e);
    go('appointment');
  }
}

/** "Skip": on without a card, and the card's last error (a failed chip read) no longer shown. */
export function skipIdentify(): void {
  session.error.value = null;
  session.chipStep.value = null;
  go(session.appointmentByCard.value ? 'appointment' : 'priority');
}

/** Whether this kiosk can identify a citizen by card (its agent has a scanner or a chip reader). */
export function readsCards(): boolean {
  const hw = transportRef.value?.hardware();
  return transportRef.value?.mode === 'agent' && Boolean(hw?.scanner || hw?.cardReader);
}

/** "Use my card": identify, then check in the booking made with it. */
export function startCardCheckIn(): void {
  session.appointmentByCard.value = true;
  session.error.value = null;
  go('identify');
}

/** The identified card's booking gives its ticket (the agent sends the number for the server's match). */
export function checkInByCard(): Promise<void> {
  return issueForBooking({ appointmentByCard: true });
}

/** The status of a dossier by its receipt code, from the province's system (or the error shown). */
export async function lookUpDossier(): Promise<void> {
  session.error.value = null;
  session.dossier.value = null;
  try {
    const api = new Api({ base: transportRef.value?.serverUrl ?? '' });
    const r = await api.get<{ dossier: DossierInfo }>(
      `/api/dossiers/${encodeURIComponent(ui.codeInput.value)}`,
    );
    session.dossier.value = r.dossier;
  } catch (e) {
    session.error.value = errorText(e);
  }
}

/** A booking code's shape (protocol's APPOINTMENT_CODE_LENGTH, 6); the server checks the rest. */
const BOOKING_CODE_SHAPE = /^[A-Z0-9]{6}$/;

/**
 * A code from the kiosk's scanner: a booking's QR checks the booking in from any screen; anything
 * else is a dossier receipt, looked up on "Tra cứu hồ sơ".
 */
export async function handleScannedCode(text: string): Promise<void> {
  ui.codeInput.value = text.toUpperCase();
  if (ui.screen.value !== 'dossier' && BOOKING_CODE_SHAPE.test(ui.codeInput.value)) {
    go('appointment');
    return checkIn();
  }
  go('dossier');
  return lookUpDossier();
}

export async function readChip(): Promise<void> {
  session.error.value = null;
  try {
    await transportRef.value?.readChip();
  } catch (e) {
    session.error.value = errorText(e);
  }
}

/** The back button, by the table in `navigation.ts`. */
export function goBack(): void {
  const to = backFrom(ui.screen.value, {
    procedureId: session.procedureId.value,
    appointmentByCard: session.appointmentByCard.value,
  });
  if (to === 'home') resetSession();
  else if (to) go(to);
}

/** What the queue says of a ticket number typed on the follow screen. */
export function followAnswer(typed: string): string {
  const number = typed.trim().toUpperCase();
  const m = /^([A-Z])(\d{1,4})$/.exec(number);
  const service = m ? data.services.value.find((s) => s.prefix === m[1]) : undefined;
  const queue = data.queue.value;
  if (!m || !service || !queue) return t('kiosk.followUnknown');
  const padded = m[1]! + m[2]!.padStart(3, '0');
  const at = queue.counters.find((c) => c.currentNumber === padded || c.currentNumber === number);
  if (at) return t('kiosk.followCalled', { number: padded, counter: at.number });
  const s = queue.services.find((x) => x.serviceId === service.id);
  return t('kiosk.followService', {
    service: loc(service.name),
    last: s?.lastCalled ?? t('common.none'),
    waiting: s?.waiting ?? 0,
  });
}
