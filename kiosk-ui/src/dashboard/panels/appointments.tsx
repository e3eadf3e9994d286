/** Today's appointments: booked, arrived, no-shows, cancelled, and the booked share of today's visitors. */
import { num, pct, t } from '../../shared/i18n.ts';
import { data } from '../state.ts';

export function AppointmentsPanel() {
  const day = data.appointments.value;
  if (!day) return null;
  const { counts } = day;
  const cells: [string, number][] = [
    [t('dash.apptBooked'), counts.booked],
    [t('dash.apptCheckedIn'), counts.checkedIn],
    [t('dash.apptNoShow'), counts.noShow],
    [t('dash.apptCancelled'), counts.cancelled],
  ];
  return (
    <section class="card span-6" data-panel="appointments">
      <h2>{t('dash.appointments')}</h2>
      <div class="kpis">
        {cells.map(([label, n]) => (
          <div class="kpi" key={label}>
            <span>{label}</span>
            <b>{num(n)}</b>
          </div>
        ))}
      </div>
      {day.bookedShare !== null && (
        <p class="muted">
          {t('dash.apptShare')}: {pct(day.bookedShare)}
        </p>
      )}
    </section>
  );
}
