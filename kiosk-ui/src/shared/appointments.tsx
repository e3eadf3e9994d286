/** Today's bookings per service as counters and the dashboard show them (from `GET /api/appointments`). */
import type { AppointmentDay } from '@oss/protocol/http';
import { t, timeOf } from './i18n.ts';

export interface ServiceBookings {
  serviceId: string;
  booked: number;
  arrived: number;
  missed: number;
  /** Start times (HH:MM) of the bookings still expected. */
  coming: string[];
}

/** The day's bookings (cancelled ones left out) of these services, in their order; services with none omitted. */
export function bookingsByService(day: AppointmentDay, serviceIds: readonly string[]): ServiceBookings[] {
  const live = day.appointments.filter((a) => a.status !== 'cancelled');
  return serviceIds
    .map((serviceId) => {
      const list = live.filter((a) => a.serviceId === serviceId);
      return {
        serviceId,
        booked: list.length,
        arrived: list.filter((a) => a.status === 'checked_in').length,
        missed: list.filter((a) => a.noShow).length,
        coming: list.filter((a) => a.status === 'booked' && !a.noShow).map((a) => timeOf(a.start)),
      };
    })
    .filter((s) => s.booked > 0);
}

/** Per service: booked, arrived, missed, and the times still expected (no codes, nothing personal). */
export function ServiceBookingsList(props: { rows: ServiceBookings[]; serviceName: (id: string) => string }) {
  return (
    <ul class="plain" data-bookings>
      {props.rows.map((r) => (
        <li key={r.serviceId} data-service={r.serviceId}>
          <strong>{props.serviceName(r.serviceId)}</strong>:{' '}
          {t('counter.apptCounts', { booked: r.booked, arrived: r.arrived, missed: r.missed })}
          {r.coming.length > 0 && (
            <div class="muted small">
              {t('counter.apptComing', { times: r.coming.slice(0, 6).join(', ') })}
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}
