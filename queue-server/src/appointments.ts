/**
 * The appointment desk: booking, cancelling and checking in (PROTOCOL.md §6). The rules (slots,
 * windows) are the pure core's; this keeps the bookings in SQLite. Runs inside the queue's
 * transaction for check-in, so a ticket and its appointment's check-in commit together.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { fail, localDate, toIsoLocal, vnDate } from '@oss/protocol';
import {
  appointmentCode,
  appointmentRules,
  arrivalFor,
  bookingRefusal,
  checkInOpensAt,
  normaliseAppointmentCode,
  type Site,
  slotsOfDay,
} from '@oss/queue-server/core';
import type { AppointmentRow, VisitStore } from './storage/visits.ts';

export interface AppointmentView {
  id: string;
  code: string;
  serviceId: string;
  procedureId?: string;
  start: string;
  end: string;
  status: AppointmentRow['status'];
  ticketId?: string;
}

export interface BookingRequest {
  serviceId: string;
  start: number;
  procedureId?: string;
  phone?: string;
  /** Keyed hash of the CCCD number, when the citizen will check in with the card. */
  citizenHash?: string;
}

/** What a code presented at the kiosk leads to. */
export type CheckIn =
  | { kind: 'existing'; ticketId: string }
  | { kind: 'issue'; appointment: AppointmentRow; onTime: boolean };

export class AppointmentDesk {
  constructor(
    private readonly site: Site,
    private readonly visits: VisitStore,
  ) {}

  view(row: AppointmentRow): AppointmentView {
    const tz = this.site.timeZone;
    return {
      id: row.id,
      code: row.code,
      serviceId: row.service_id,
      ...(row.procedure_id ? { procedureId: row.procedure_id } : {}),
      start: toIsoLocal(row.start, tz),
      end: toIsoLocal(row.end, tz),
      status: row.status,
      ...(row.ticket_id ? { ticketId: row.ticket_id } : {}),
      ...(row.citizen_hash ? { byCard: true } : {}),
    };
  }

  /** The bookable (future) slots of a day with the places left. */
  slots(serviceId: string, day: string, now: number) {
    const booked = this.visits.bookedBySlot(serviceId, day);
    return slotsOfDay(this.site, serviceId, day)
      .filter((s) => s.start > now)
      .map((s) => ({
        start: toIsoLocal(s.start, this.site.timeZone),
        end: toIsoLocal(s.end, this.site.timeZone),
        free: Math.max(0, s.capacity - (booked.get(s.start) ?? 0)),
      }));
  }

  book(request: BookingRequest, now: number): AppointmentRow {
    const { site } = this;
    const rules = appointmentRules(site);
    if (!rules) fail('unavailable', 'Trung tâm chưa nhận đặt lịch hẹn', 'This centre takes no appointments');
    if (!site.services.has(request.serviceId))
      fail('unknown_service', 'Không có dịch vụ này', 'Unknown service');
    if (request.procedureId && site.procedures.get(request.procedureId)?.serviceId !== request.serviceId)
      fail(
        'invalid_request',
        'Thủ tục không thuộc dịch vụ đã chọn',
        'The procedure belongs to another service',
      );
    const day = localDate(request.start, site.timeZone);
    const booked = this.visits.bookedBySlot(request.serviceId, day).get(request.start) ?? 0;
    const refusal = bookingRefusal(
      site,
      request.serviceId,
      request.start,
      booked,
      now,
      localDate(now, site.timeZone),
    );
    if (refusal) refuseBooking(refusal, rules.daysAhead);
    if (request.phone && this.visits.bookingsForPhone(request.phone, day) >= rules.perPhonePerDay)
      fail(
        'rate_limited',
        `Mỗi số điện thoại chỉ đặt được ${rules.perPhonePerDay} lịch hẹn trong một ngày`,
        `A phone number may book ${rules.perPhonePerDay} appointments a day`,
      );
    const slot = slotsOfDay(site, request.serviceId, day).find((s) => s.start === request.start)!;
    const row: AppointmentRow = {
      id: randomUUID(),
      code: this.freshCode(),
      service_id: request.serviceId,
      procedure_id: request.procedureId ?? null,
      day,
      start: slot.start,
      end: slot.end,
      status: 'booked',
      phone: request.phone ?? null,
      citizen_hash: request.citizenHash ?? null,
      created_at: now,
      ticket_id: null,
      checked_in_at: null,
      cancelled_at: null,
    };
    this.visits.insertAppointment(row);
    return row;
  }

  cancel(id: string, code: string, now: number): AppointmentRow {
    const row = this.visits.appointment(id);
    if (!row || row.code !== normaliseAppointmentCode(code))
      fail('not_found', 'Không tìm thấy lịch hẹn với mã này', 'No appointment with this code');
    if (row.status === 'cancelled') return row;
    if (row.status !== 'booked')
      fail(
        'conflict',
        'Lịch hẹn đã được sử dụng, không hủy được',
        'The appointment was used and cannot be cancelled',
      );
    this.visits.setAppointmentStatus(id, 'cancelled', now);
    return this.visits.appointment(id)!;
  }

  /** A code presented at a kiosk: the ticket it already gave, or how to issue one now. */
  checkIn(codeText: string, now: number): CheckIn {
    const { site } = this;
    const rules = appointmentRules(site);
    const row = rules ? this.visits.appointmentByCode(normaliseAppointmentCode(codeText)) : null;
    if (!rules || !row || row.status === 'cancelled')
      fail('not_found', 'Không tìm thấy lịch hẹn với mã này', 'No appointment with this code');
    if (row.status === 'checked_in' && row.ticket_id) return { kind: 'existing', ticketId: row.ticket_id };
    const today = localDate(now, site.timeZone);
    if (row.day !== today)
      fail(
        'conflict',
        `Lịch hẹn của quý khách vào ngày ${vnDate(row.day)}`,
        `The appointment is on ${row.day}`,
      );
    const arrival = arrivalFor(rules, row.start, row.end, now);
    if (arrival === 'early' && rules.whenEarly === 'refuse') {
      const opens = toIsoLocal(checkInOpensAt(rules, row.start), site.timeZone).slice(11, 16);
      fail(
        'conflict',
        `Quý khách đến sớm: vui lòng lấy số từ ${opens}`,
        `You are early: please take your ticket from ${opens}`,
      );
    }
    if (arrival === 'late' && rules.whenLate === 'refuse')
      fail(
        'conflict',
        'Quý khách đến muộn hơn giờ hẹn: vui lòng đặt lịch khác hoặc lấy số thường',
        'You are past your appointment: please book again or take a normal ticket',
      );
    return { kind: 'issue', appointment: row, onTime: arrival === 'on_time' };
  }

  markCheckedIn(appointmentId: string, ticketId: string, now: number): void {
    this.visits.setAppointmentStatus(appointmentId, 'checked_in', now, ticketId);
  }

  private freshCode(): string {
    for (;;) {
      const code = appointmentCode(randomBytes(8));
      if (!this.visits.codeInUse(code)) return code;
    }
  }
}

function refuseBooking(refusal: NonNullable<ReturnType<typeof bookingRefusal>>, daysAhead: number): never {
  switch (refusal) {
    case 'not_bookable':
      return fail(
        'invalid_request',
        'Dịch vụ này không nhận đặt lịch hẹn',
        'This service takes no appointments',
      );
    case 'no_such_slot':
      return fail('invalid_request', 'Không có khung giờ này', 'There is no such slot');
    case 'past':
      return fail('conflict', 'Khung giờ này đã qua', 'This slot is in the past');
    case 'too_far':
      return fail(
        'conflict',
        `Chỉ đặt được lịch trong ${daysAhead} ngày tới`,
        `Appointments can be booked ${daysAhead} days ahead at most`,
      );
    case 'full':
      return fail('conflict', 'Khung giờ này đã hết chỗ', 'This slot is full');
  }
}
