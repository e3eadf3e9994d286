/** Today's appointments: booked, arrived, no-shows, cancelled, and the booked share of today's visitors. */
import { bookingsByService, ServiceBookingsList } from '../../shared/appointments.tsx';
import { loc, minutesText, num, pct, t } from '../../shared/i18n.ts';
import { data, targets } from '../state.ts';
import type { CapacityCheck, Waits } from '../types.ts';

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
      <ServiceBookingsList
        rows={bookingsByService(
          day,
          data.services.value.map((s) => s.id),
        )}
        serviceName={(id) => loc(data.services.value.find((s) => s.id === id)?.name) || id}
      />
      {day.bookedShare !== null && (
        <p class="muted">
          {t('dash.apptShare')}: {pct(day.bookedShare)}
        </p>
      )}
      {day.waits && (
        <WaitsTable
          caption={t('dash.apptWaits')}
          target={targets.value.waitMinutes}
          rows={[
            { key: 'booked', label: t('dash.apptBookedGroup'), ...fromStats(day.waits.booked) },
            { key: 'walk-in', label: t('dash.apptWalkInGroup'), ...fromStats(day.waits.walkIn) },
          ]}
        />
      )}
      <CapacityEffect check={data.capacityCheck.value} />
    </section>
  );
}

/** The simulator's answer to "do full slots push walk-ins over the target?" (server: capacity-check.ts). */
function CapacityEffect({ check }: { check: CapacityCheck | null }) {
  if (!check || check.capacity === null) return null;
  const { effect } = check;
  if (!effect)
    return (
      <p class="muted" data-capacity="unknown">
        {t('dash.capNoHistory')}
      </p>
    );
  const target = effect.targetMinutes;
  const simulated = (key: string, label: string, w: (typeof effect)['booked']) => ({
    key,
    label,
    mean: w.mean,
    within: w.withinTarget,
  });
  return (
    <div class="capacity-check" data-capacity={effect.meetsTarget ? 'ok' : 'over'}>
      <WaitsTable
        caption={t('dash.capTitle', {
          capacity: check.capacity,
          booked: effect.bookedPerDay,
          days: effect.historyDays,
        })}
        target={target}
        rows={[
          simulated('walk-in-without', t('dash.capWalkInWithout'), effect.walkInWithout),
          simulated('walk-in-with', t('dash.capWalkInWith'), effect.walkInWith),
          simulated('booked', t('dash.apptBookedGroup'), effect.booked),
        ]}
      />
      <p class={effect.meetsTarget ? 'good' : 'bad'}>
        {effect.meetsTarget ? t('dash.capOk', { n: target }) : t('dash.capOver', { n: target })}
      </p>
    </div>
  );
}

interface WaitsRow {
  key: string;
  label: string;
  mean: number | null;
  within: number | null;
  /** Citizens waiting now (today's figures only). */
  waiting?: number;
}

const fromStats = (w: Waits) => ({
  mean: w.meanWaitMinutes,
  within: w.withinTargetShare,
  waiting: w.waiting,
});

/** Groups of citizens and their waits against the target; a row over the target is marked. */
function WaitsTable({ caption, target, rows }: { caption: string; target: number; rows: WaitsRow[] }) {
  const waiting = rows.some((r) => r.waiting !== undefined);
  return (
    <table class="data">
      <caption class="muted">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">
            <span class="sr-only">{t('dash.group')}</span>
          </th>
          <th scope="col" class="n">
            {t('dash.meanWait')}
          </th>
          <th scope="col" class="n">
            {t('dash.withinTarget', { n: target })}
          </th>
          {waiting && (
            <th scope="col" class="n">
              {t('dash.apptWaiting')}
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key} data-row={r.key} class={(r.mean ?? 0) > target ? 'bad' : ''}>
            <th scope="row">{r.label}</th>
            <td class="n">{minutesText(r.mean)}</td>
            <td class="n">{pct(r.within)}</td>
            {waiting && <td class="n">{num(r.waiting, 0)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
