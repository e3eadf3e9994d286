/** The site's configuration: counters' services are editable here; services and procedures are read-only. */
import { loc, t } from '../../shared/i18n.ts';
import { editService, saveServices } from '../actions.ts';
import { data, serviceName, ui } from '../state.ts';

export function ConfigPanel() {
  return (
    <section class="card no-print" data-panel="config">
      <h2>{t('dash.config')}</h2>
      <p class="muted">{t('dash.configNote')}</p>
      <CounterServices />
      <h3>{t('dash.services')}</h3>
      <ServiceList />
      <details>
        <summary>
          {t('dash.procedures')} ({data.procedures.value.length})
        </summary>
        <table class="data">
          <tbody>
            {data.procedures.value.map((p) => (
              <tr key={p.id}>
                <td>{p.code}</td>
                <td>{loc(p.name)}</td>
                <td>{serviceName(p.serviceId)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}

/** Each counter's services as ticks, saved per counter. */
function CounterServices() {
  const edits = ui.edits.value;
  return (
    <table class="data">
      <thead>
        <tr>
          <th>{t('dash.counters')}</th>
          <th>{t('dash.counterServices')}</th>
          <th>
            <span class="sr-only">{t('dash.saveServices')}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {data.counters.value.map((c) => {
          const chosen = edits[c.id] ?? c.serviceIds;
          return (
            <tr key={c.id} data-config-counter={c.id}>
              <td>{loc(c.name)}</td>
              <td>
                <div class="svc-checks">
                  {data.services.value.map((s) => (
                    <label key={s.id}>
                      <input
                        type="checkbox"
                        checked={chosen.includes(s.id)}
                        onChange={(e) => editService(c.id, chosen, s.id, e.currentTarget.checked)}
                      />
                      {s.prefix} {loc(s.name)}
                    </label>
                  ))}
                </div>
              </td>
              <td>
                <button
                  type="button"
                  class="btn btn-secondary"
                  disabled={!edits[c.id]}
                  onClick={() => saveServices(c.id)}
                >
                  {t('dash.saveServices')}
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function ServiceList() {
  const counters = data.counters.value;
  return (
    <table class="data">
      <thead>
        <tr>
          <th>{t('dash.prefix')}</th>
          <th>{t('common.service')}</th>
          <th class="n">{t('dash.meanServiceCfg')}</th>
          <th>{t('dash.counters')}</th>
        </tr>
      </thead>
      <tbody>
        {data.services.value.map((s) => (
          <tr key={s.id}>
            <td>{s.prefix}</td>
            <td>{loc(s.name)}</td>
            <td class="n">{s.meanServiceMinutes}</td>
            <td>
              {counters
                .filter((c) => c.serviceIds.includes(s.id))
                .map((c) => c.number)
                .join(', ')}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
