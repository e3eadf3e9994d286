/** The counters live (open or closed, calling, serving or idle, their device, their services) and the other devices. */
import { t } from '../../shared/i18n.ts';
import { counterName, data } from '../state.ts';
import type { Device } from '../types.ts';

/** Offline only once it has connected: a device that never did (a browser kiosk on HTTP) is not an alarm. */
const offline = (d: Device) => !d.online && d.statusAt !== null;

export function CountersPanel() {
  const devices = data.devices.value;
  const loose = devices.filter((d) => !d.counterId);
  return (
    <section class="card" data-panel="counters">
      <h2>{t('dash.counters')}</h2>
      <div class="counter-grid">
        {data.queue.value?.counters.map((c) => {
          const device = devices.find((d) => d.counterId === c.counterId);
          const state = !c.open ? 'closed' : c.currentNumber ? 'serving' : 'idle';
          return (
            <div
              key={c.counterId}
              class={`counter-card ${state} ${device && offline(device) ? 'offline' : ''}`}
              data-counter={c.counterId}
            >
              <b>{counterName(c.counterId)}</b>
              <span class={`badge ${c.open ? 'badge-ok' : 'badge-off'}`}>
                {c.open ? t('dash.counterOpen') : t('dash.counterClosed')}
              </span>
              <span data-state={state}>
                {c.currentNumber
                  ? t(c.currentStatus === 'serving' ? 'dash.counterServing' : 'dash.counterCalling', {
                      number: c.currentNumber,
                    })
                  : c.open
                    ? t('dash.counterIdle')
                    : ''}
              </span>
              {device && (
                <span class={`badge ${device.online ? 'badge-ok' : 'badge-err'}`}>
                  {device.online ? t('dash.deviceOnline') : t('dash.deviceOffline')}
                </span>
              )}
              <small class="muted">{servicePrefixes(c.counterId)}</small>
            </div>
          );
        })}
      </div>
      {loose.length > 0 && (
        <>
          <h3>{t('dash.devices')}</h3>
          <div class="row">
            {loose.map((d) => (
              <span
                key={d.id}
                class={`badge ${d.online ? 'badge-ok' : d.statusAt === null ? 'badge-off' : 'badge-err'}`}
                data-device={d.id}
              >
                {t(`dash.kind.${d.kind}`)} {d.id}:{' '}
                {d.online
                  ? t('dash.deviceOnline')
                  : d.statusAt === null
                    ? t('dash.deviceNever')
                    : t('dash.deviceOffline')}
              </span>
            ))}
          </div>
        </>
      )}
    </section>
  );
}

/** "A · B · C": the prefixes of the services a counter serves. */
function servicePrefixes(counterId: string): string {
  return (data.counters.value.find((x) => x.id === counterId)?.serviceIds ?? [])
    .map((id) => data.services.value.find((s) => s.id === id)?.prefix ?? id)
    .join(' · ');
}
