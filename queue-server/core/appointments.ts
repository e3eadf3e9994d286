/**
 * Appointments (PROTOCOL.md §6): the bookable slots of a day and the check-in window. Pure: the
 * instant and the counts of booked places are passed in; the shell stores the bookings.
 */
import {
  APPOINTMENT_CLASS,
  APPOINTMENT_CODE_ALPHABET,
  APPOINTMENT_CODE_LENGTH,
  localDate,
  localWeekday,
  zonedEpoch,
} from '@oss/protocol';
import { type TicketFacts, waitStats, waitTargetOfTicket } from './kpis.ts';
import type { Site } from './site.ts';
import type { AppointmentRules } from './site-config.ts';

export interface Slot {
  serviceId: string;
  start: number;
  end: number;
  capacity: number;
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const DAY_MS = 86_400_000;

export function appointmentRules(site: Site): AppointmentRules | null {
  return site.config.appointments ?? null;
}

/** Whether a service takes bookings at this site. */
export function bookableService(site: Site, serviceId: string): boolean {
  const rules = appointmentRules(site);
  const service = site.services.get(serviceId);
  if (!rules || !service || service.public === false) return false;
  return rules.serviceIds ? rules.serviceIds.includes(serviceId) : true;
}

/**
 * The slots of one local day for a service, cut from the opening hours (a slot never runs past the
 * closing time). Empty when the service takes no bookings or the site is closed that day.
 */
export function slotsOfDay(site: Site, serviceId: string, day: string): Slot[] {
  const rules = appointmentRules(site);
  if (!rules || !bookableService(site, serviceId)) return [];
  const midnight = zonedEpoch(day, 0, site.timeZone);
  const weekday = localWeekday(midnight + DAY_MS / 2, site.timeZone);
  const slots: Slot[] = [];
  for (const period of site.config.openingHours) {
    if (!period.days.includes(weekday)) continue;
    const close = minutesOf(period.close);
    for (let m = minutesOf(period.open); m + rules.slotMinutes <= close; m += rules.slotMinutes)
      slots.push({
        serviceId,
        start: zonedEpoch(day, m, site.timeZone),
        end: zonedEpoch(day, m + rules.slotMinutes, site.timeZone),
        capacity: rules.capacity,
      });
  }
  return slots.sort((a, b) => a.start - b.start);
}

export type BookingRefusal = 'not_bookable' | 'no_such_slot' | 'past' | 'too_far' | 'full';

/** Why a slot cannot be booked now, or null when it can. `booked` = places already taken in it. */
export function bookingRefusal(
  site: Site,
  serviceId: string,
  start: number,
  booked: number,
  now: number,
  today: string,
): BookingRefusal | null {
  const rules = appointmentRules(site);
  if (!rules || !bookableService(site, serviceId)) return 'not_bookable';
  if (start <= now) return 'past';
  const day = localDate(start, site.timeZone);
  if (day > addDays(today, rules.daysAhead)) return 'too_far';
  const slot = slotsOfDay(site, serviceId, day).find((s) => s.start === start);
  if (!slot) return 'no_such_slot';
  if (booked >= slot.capacity) return 'full';
  return null;
}

/** `YYYY-MM-DD` plus whole days (calendar arithmetic, no time zone involved). */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export type Arrival = 'on_time' | 'early' | 'late';

/** Where an arrival falls against the slot's check-in window (site rules). */
export function arrivalFor(rules: AppointmentRules, start: number, end: number, now: number): Arrival {
  if (now < start - rules.earlyMinutes * 60_000) return 'early';
  if (now > Math.max(end, start + rules.lateMinutes * 60_000)) return 'late';
  return 'on_time';
}

/** The first instant a citizen can check in for a slot. */
export function checkInOpensAt(rules: AppointmentRules, start: number): number {
  return start - rules.earlyMinutes * 60_000;
}

/** A code from random bytes (one byte per character; the modulo bias is irrelevant at 31 symbols × 6). */
export function appointmentCode(randomBytes: Uint8Array): string {
  let code = '';
  for (let i = 0; i < APPOINTMENT_CODE_LENGTH; i++)
    code += APPOINTMENT_CODE_ALPHABET[randomBytes[i]! % APPOINTMENT_CODE_ALPHABET.length];
  return code;
}

/** What a typed or scanned code becomes before lookup: upper case, spaces and dashes dropped. */
export function normaliseAppointmentCode(text: string): string {
  return text.toUpperCase().replace(/[\s-]/g, '');
}

/** What the day's figures read of a booking. */
export interface BookingFacts {
  status: 'booked' | 'checked_in' | 'cancelled';
  start: number;
  end: number;
}

/** A booking nobody checked in once its slot (and the site's lateness allowance) is over. */
export function isNoShow(rules: AppointmentRules | null, b: BookingFacts, now: number): boolean {
  const lateAfter = (rules?.lateMinutes ?? 0) * 60_000;
  return b.status === 'booked' && now > Math.max(b.end, b.start + lateAfter);
}

/**
 * The day's appointment figures for the manager: counts, the booked share of the day's tickets and
 * the waits of booked citizens against walk-ins (their tickets are the `appointment` class). `tickets`
 * are the day's tickets when it is today, null for another day (no share, no waits).
 */
export function appointmentDayFigures(
  site: Site,
  bookings: readonly BookingFacts[],
  tickets: readonly TicketFacts[] | null,
  now: number,
) {
  const rules = appointmentRules(site);
  const count = (p: (b: BookingFacts) => boolean) => bookings.filter(p).length;
  const booked = tickets?.filter((t) => t.priority === APPOINTMENT_CLASS) ?? [];
  const walkIn = tickets?.filter((t) => t.priority !== APPOINTMENT_CLASS) ?? [];
  const targetOf = waitTargetOfTicket(site);
  return {
    counts: {
      booked: count((b) => b.status !== 'cancelled'),
      checkedIn: count((b) => b.status === 'checked_in'),
      noShow: count((b) => isNoShow(rules, b, now)),
      cancelled: count((b) => b.status === 'cancelled'),
    },
    bookedShare: tickets?.length ? booked.length / tickets.length : null,
    waits: tickets
      ? { booked: waitStats(booked, now, targetOf), walkIn: waitStats(walkIn, now, targetOf) }
      : null,
  };
}
