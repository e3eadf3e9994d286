/** The ticket taken: number, people ahead, wait, a QR to follow it, whether it printed. */
import { t } from '../../shared/i18n.ts';
import { Qr } from '../../shared/qr.tsx';
import { TicketFacts } from '../../shared/ticket-facts.tsx';
import { resetSession, serviceName, session, transportRef } from '../state.ts';

export function TicketScreen() {
  const result = session.result.value;
  if (!result) return null;
  const { ticket } = result;
  const agent = transportRef.value?.mode === 'agent';
  return (
    <section class="screen screen-ticket" data-screen="ticket">
      <div class="ticket-card">
        <p class="ticket-label">{t('kiosk.yourNumber')}</p>
        <p class="ticket-number" data-ticket-number={ticket.number}>
          {ticket.number}
        </p>
        <p class="ticket-service">{serviceName(ticket.serviceId)}</p>
        <TicketFacts ticket={ticket} labels={{ ahead: t('kiosk.ahead'), wait: t('kiosk.predicted') }} />
        <div class="ticket-qr">
          <Qr text={result.url} label={t('kiosk.scanToFollow')} size={220} />
          <p>{t('kiosk.scanToFollow')}</p>
        </div>
      </div>
      <p
        class={`banner ${agent && result.printed ? 'banner-ok' : agent ? 'banner-error' : 'banner-info'}`}
        data-printed={String(result.printed)}
        role="status"
      >
        {agent ? (result.printed ? t('kiosk.printed') : t('kiosk.notPrinted')) : t('kiosk.screenOnly')}
      </p>
      {ticket.offline && (
        <p class="banner banner-info" data-offline-ticket>
          {t('kiosk.offlineTicket')}
        </p>
      )}
      <p class="muted">{t('kiosk.listen')}</p>
      <button type="button" class="btn btn-primary btn-huge" data-action="done" onClick={resetSession}>
        {t('kiosk.done')}
      </button>
    </section>
  );
}
