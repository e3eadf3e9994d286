/** The live alerts (`alertsFrom`), whatever period the page shows. */
import { t } from '../../shared/i18n.ts';
import { alertsFrom } from '../alerts.ts';
import { data, serviceName, targets } from '../state.ts';

export function AlertsPanel() {
  const alerts = alertsFrom({
    queue: data.queue.value,
    kpis: data.kpis.value,
    devices: data.devices.value,
    printers: data.printers.value,
    waitTarget: targets.value.waitMinutes,
    maxWaitMinutes: targets.value.maxWaitMinutes,
    serviceName,
  });
  return (
    <section class="card span-4" data-panel="alerts">
      <h2>{t('dash.alerts')}</h2>
      {alerts.length === 0 ? (
        <p class="muted">{t('dash.noAlerts')}</p>
      ) : (
        <ul class="alerts">
          {alerts.map((a, i) => (
            <li key={i} class={a.level}>
              {t(a.key, a.vars)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
