/**
 * Today's appointments for this counter's services, beside the waiting list: how many are booked,
 * arrived and missed, and the next slots still to come, so the officer knows who is expected.
 * Nothing personal: the day's list has no phone numbers and the codes are not shown.
 */
import type { AppointmentDay } from '@oss/protocol/http';
import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../shared/api.ts';
import { bookingsByService, ServiceBookingsList } from '../shared/appointments.tsx';
import { t } from '../shared/i18n.ts';

/** The day's list changes at each booking and check-in; a minute is fresh enough beside the queue. */
const REFRESH_MS = 60_000;

export function CounterAppointments(props: {
  api: Api;
  serviceIds: readonly string[];
  serviceName: (id: string) => string;
}) {
  const { api, serviceIds, serviceName } = props;
  const [day, setDay] = useState<AppointmentDay | null>(null);
  useEffect(() => {
    const load = () => api.get<AppointmentDay>('/api/appointments').then(setDay, () => {});
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, [api]);
  const rows = day ? bookingsByService(day, serviceIds) : [];
  if (rows.length === 0) return null;
  return (
    <section class="card" data-appointments>
      <h2>{t('counter.appointments')}</h2>
      <ServiceBookingsList rows={rows} serviceName={serviceName} />
    </section>
  );
}
