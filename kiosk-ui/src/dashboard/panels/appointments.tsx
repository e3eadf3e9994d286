/** Today's appointments: booked, arrived, no-shows, cancelled, and the booked share of today's visitors. */
import type { WaitStats } from '@oss/protocol/http';
import { minutesText, num, pct, t } from '../../shared/i18n.ts';
import { data, targets } from '../state.ts';

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
      {day.waits && (
        <table class="data appt-waits">
          <caption class="muted">{t('dash.apptWaits')}</caption>
          <thead>
            <tr>
              <th scope="col" />
              <th scope="col" class="n">
                {t('dash.meanWait')}
              </th>
              <th scope="col" class="n">
                {t('dash.withinTarget', { n: targets.value.waitMinutes })}
              </th>
              <th scope="col" class="n">
                {t('dash.apptWaiting')}
              </th>
            </tr>
          </thead>
          <tbody>
            <WaitRow label={t('dash.apptBookedGroup')} stats={day.waits.booked} group="booked" />
            <WaitRow label={t('dash.apptWalkInGroup')} stats={day.waits.walkIn} group="walk-in" />
          </tbody>
        </table>
      )}
    </section>
  );
}

function WaitRow({ label, stats, group }: { label: string; stats: WaitStats; group: string }) {
  const late = (stats.meanWaitMinutes ?? 0) > targets.value.waitMinutes;
  return (
    <tr data-group={group} class={late ? 'bad' : ''}>
      <th scope="row">{label}</th>
      <td class="n">{minutesText(stats.meanWaitMinutes)}</td>
      <td class="n">{pct(stats.withinTargetShare)}</td>
      <td class="n">{num(stats.waiting, 0)}</td>
    </tr>
  );
}
