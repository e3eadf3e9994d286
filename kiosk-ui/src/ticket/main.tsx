/** The public ticket page `/t/{ticketId}` for a phone: number, status, people ahead, predicted wait, live. */
import '../shared/style.css';
import type { Ticket } from '@oss/protocol';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Api, ApiError, type ServiceInfo } from '../shared/api.ts';
import { lang, loc, t, timeOf } from '../shared/i18n.ts';
import { liveFeed } from '../shared/live.ts';
import { Header } from '../shared/ui.tsx';

const api = new Api();
const id = decodeURIComponent(location.pathname.split('/').filter(Boolean).pop() ?? '');
if (/^en\b/i.test(navigator.language)) lang.value = 'en';

function App() {
  const [ticket, setTicket] = useState<Ticket | null>(null);
  const [services, setServices] = useState<ServiceInfo[]>([]);
  const [missing, setMissing] = useState(false);
  const [live, setLive] = useState(false);
  useEffect(() => {
    api.services().then(setServices, () => {});
    const feed = liveFeed(`/api/tickets/${encodeURIComponent(id)}/events`, {
      ticket: (data) => setTicket(data as Ticket),
    });
    feed.connected.subscribe(setLive);
    api.ticket(id).then(
      (r) => setTicket(r.ticket),
      (e) => {
        if (e instanceof ApiError && e.status === 404) {
          setMissing(true);
          feed.close();
        }
      },
    );
    return () => feed.close();
  }, []);
  const service = services.find((s) => s.id === ticket?.serviceId);
  const eta = ticket?.etaRange;
  return (
    <>
      <Header title={t('ticket.title')} />
      <main class="public-ticket">
        {missing && <p class="banner banner-error">{t('ticket.notFound')}</p>}
        {!ticket && !missing && <p class="muted">{t('common.loading')}</p>}
        {ticket && (
          <>
            <p class="ticket-number" data-ticket-number={ticket.number}>
              {ticket.number}
            </p>
            {service && <p class="ticket-service">{loc(service.name)}</p>}
            {ticket.status === 'called' || ticket.status === 'serving' ? (
              <p class="status status-called" data-status={ticket.status}>
                {t(`status.${ticket.status}`)}
                {ticket.counterNumber !== undefined && (
                  <>
                    <br />
                    {t('ticket.goTo', { n: ticket.counterNumber })}
                  </>
                )}
              </p>
            ) : (
              <p class="status" data-status={ticket.status}>
                {t(`status.${ticket.status}`)}
              </p>
            )}
            {ticket.status === 'waiting' && (
              <div class="ticket-facts">
                <div>
                  <span class="fact-label">{t('ticket.ahead')}</span>
                  <span class="fact-value" data-ahead={ticket.ahead}>
                    {ticket.ahead}
                  </span>
                </div>
                <div>
                  <span class="fact-label">{t('ticket.eta')}</span>
                  <span class="fact-value">
                    {ticket.noCounterOpen
                      ? t('common.noCounterOpen')
                      : eta
                        ? t('common.minutesRange', { low: eta.low, high: eta.high })
                        : t('common.minutes', { n: ticket.etaMinutes })}
                  </span>
                </div>
              </div>
            )}
            <p class="muted">{t('ticket.issuedAt', { time: timeOf(ticket.issuedAt) })}</p>
            <p class="muted small">
              <span class={`live-dot ${live ? '' : 'off'}`} />
              {live ? t('ticket.live') : t('common.offline')}
            </p>
          </>
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
