import type { LocalizedText } from '@oss/protocol';
import { printerError } from './errors.ts';

/** Everything printed on a ticket. The agent builds it from the server's Ticket and the site config. */
export interface PrintableTicket {
  siteName: LocalizedText;
  /** e.g. `A012`. */
  number: string;
  serviceName: LocalizedText;
  /** Labels of the counters serving this service, e.g. `['3', '4']`. */
  counters: string[];
  /** People ahead in the queue; omitted on offline tickets. */
  ahead?: number;
  /** Predicted wait as a range in minutes; omitted (and never printed) on offline tickets. */
  wait?: { minMinutes: number; maxMinutes: number };
  /** ISO 8601 with the site's offset; printed as the local wall-clock time written in it. */
  issuedAt: string;
  /** The ticket's public page, encoded in the QR code. */
  publicUrl: string;
  /** Set when the citizen chose a procedure: its name and the papers to bring. */
  procedure?: { name: LocalizedText; requiredPapers: LocalizedText[] };
  /** e.g. Ưu tiên: người cao tuổi / Priority: elderly. */
  priorityLabel?: LocalizedText;
  /** Issued by a kiosk that could not reach the server: printed with a mark and no wait estimate. */
  offline?: boolean;
}

/** A wait range reaching a day is not printed (it means "not today", not a promise). */
export const MAX_PRINTED_WAIT_MINUTES = 24 * 60;

const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;
const TICKET_NUMBER = /^[A-Z0-9-]{1,8}$/;

/** Rejects a ticket that would print wrongly; the error names the field. */
export function checkTicket(ticket: PrintableTicket): void {
  const bad = (field: string, vi: string, en: string) =>
    printerError('invalid_ticket', `Vé không hợp lệ (${field}): ${vi}`, `Invalid ticket (${field}): ${en}`);
  if (!TICKET_NUMBER.test(ticket.number))
    throw bad('number', 'cần 1–8 chữ cái in hoa hoặc chữ số', 'needs 1–8 capital letters or digits');
  if (!ISO_LOCAL.test(ticket.issuedAt))
    throw bad('issuedAt', 'cần thời điểm ISO 8601 có múi giờ', 'needs an ISO 8601 time with offset');
  if (!/^https?:\/\/\S+$/.test(ticket.publicUrl) || ticket.publicUrl.length > 512)
    throw bad(
      'publicUrl',
      'cần địa chỉ http(s) tối đa 512 ký tự',
      'needs an http(s) URL of at most 512 characters',
    );
  if (ticket.ahead !== undefined && !(Number.isInteger(ticket.ahead) && ticket.ahead >= 0))
    throw bad('ahead', 'cần số nguyên không âm', 'needs a non-negative integer');
  const wait = ticket.wait;
  if (
    wait &&
    !(
      wait.minMinutes >= 0 &&
      wait.maxMinutes >= wait.minMinutes &&
      wait.maxMinutes < MAX_PRINTED_WAIT_MINUTES
    )
  )
    throw bad('wait', 'khoảng thời gian chờ sai', 'the wait range is wrong');
  if (ticket.offline && wait)
    throw bad('wait', 'vé ngoại tuyến không in thời gian chờ', 'offline tickets carry no wait estimate');
}

/** `08:01 22/11/2026` from the ISO string as written (the site's local time). */
export function formatIssuedAt(iso: string): string {
  const m = ISO_LOCAL.exec(iso)!;
  return `${m[4]}:${m[5]} ${m[3]}/${m[2]}/${m[1]}`;
}

/**
 * The printed range for a server ETA (`etaMinutes`): ±20 %, widened to 5-minute steps, so a ticket
 * promises "khoảng 10–20 phút" rather than a minute it cannot keep.
 */
export function waitRange(etaMinutes: number): { minMinutes: number; maxMinutes: number } {
  const eta = Math.max(0, etaMinutes);
  const minMinutes = Math.floor((eta * 0.8) / 5) * 5;
  const maxMinutes = Math.max(minMinutes + 5, Math.ceil((eta * 1.2) / 5) * 5);
  return { minMinutes, maxMinutes };
}
