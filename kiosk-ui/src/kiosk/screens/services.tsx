/** Choosing the service of the ticket, with examples of what it is for and each line's people waiting and wait. */
import { lang, loc, t } from '../../shared/i18n.ts';
import { startTicket } from '../actions.ts';
import { examplesOf } from '../search.ts';
import { data } from '../state.ts';

export function Services() {
  const queue = data.queue.value;
  return (
    <section class="screen" data-screen="services">
      <h2>{t('kiosk.chooseService')}</h2>
      <div class="service-grid">
        {data.services.value.map((s) => {
          const q = queue?.services.find((x) => x.serviceId === s.id);
          const examples = examplesOf(
            data.procedures.value.filter((p) => s.procedureIds.includes(p.id)),
            lang.value,
          );
          return (
            <button
              type="button"
              class="service-button"
              key={s.id}
              data-service={s.id}
              onClick={() => startTicket(s.id)}
            >
              <span class="service-prefix">{s.prefix}</span>
              <span class="service-name">{loc(s.name)}</span>
              {examples && (
                <span class="service-examples" data-examples>
                  {examples}
                </span>
              )}
              {q && (
                <span class="service-wait">
                  {q.noCounterOpen
                    ? t('kiosk.serviceNoCounter', { waiting: q.waiting })
                    : t('kiosk.serviceWait', { waiting: q.waiting, eta: q.etaMinutes })}
                </span>
              )}
            </button>
          );
        })}
      </div>
    </section>
  );
}
