/** One procedure: papers to bring, fee, time, where it is served; a ticket for it. */
import type { ProcedureInfo, ServiceInfo } from '../../shared/api.ts';
import { loc, t } from '../../shared/i18n.ts';
import { Icon } from '../../shared/icons.tsx';
import { startTicket } from '../actions.ts';
import { data, ui } from '../state.ts';

function countersFor(service: ServiceInfo | undefined): string {
  if (!service) return '';
  const numbers = data.counters.value
    .filter((c) => c.serviceIds.includes(service.id))
    .map((c) => c.number)
    .sort((a, b) => a - b);
  return numbers.map((n) => t('common.counter', { n })).join(', ');
}

export function Procedure() {
  const p: ProcedureInfo | undefined = data.procedures.value.find((x) => x.id === ui.procedureId.value);
  if (!p) return null;
  const service = data.services.value.find((s) => s.id === p.serviceId);
  return (
    <section class="screen screen-procedure" data-screen="procedure">
      <h2>{loc(p.name)}</h2>
      <p class="muted">
        {loc(p.field)} · {t('kiosk.procCode', { code: p.code })}
      </p>
      <div class="proc-grid">
        <div class="card">
          <h3>{t('kiosk.papers')}</h3>
          <ol class="papers">
            {p.requiredPapers.map((paper, i) => (
              <li key={i}>{loc(paper)}</li>
            ))}
          </ol>
        </div>
        <div class="card">
          <h3>{t('kiosk.fee')}</h3>
          <p>{loc(p.fee)}</p>
          <h3>{t('kiosk.time')}</h3>
          <p>{loc(p.processingTime)}</p>
          <h3>{t('kiosk.where')}</h3>
          <p class="where">
            {service ? `${loc(service.name)} (${service.prefix}): ` : ''}
            {countersFor(service)}
          </p>
          {p.legalBasis.length > 0 && (
            <>
              <h3>{t('kiosk.legal')}</h3>
              <p class="muted small">{p.legalBasis.join('; ')}</p>
            </>
          )}
        </div>
      </div>
      <button
        type="button"
        class="btn btn-primary btn-huge"
        data-action="take-for"
        onClick={() => startTicket(p.serviceId, p.id)}
      >
        <Icon name="ticket" /> {t('kiosk.takeFor')}
      </button>
    </section>
  );
}
