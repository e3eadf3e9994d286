/** The public ticket page `/t/{ticketId}` for a phone: number, status, people ahead, predicted wait, live. */
import '../shared/style.css';
import type { Ticket } from '@oss/protocol';
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Api, ApiError, type ServiceInfo } from '../shared/api.ts';
import { Feedback } from '../shared/feedback.tsx';
import { lang, loc, t, timeOf } from '../shared/i18n.ts';
import { liveFeed } from '../shared/live.ts';
import { TicketFacts } from '../shared/ticket-facts.tsx';
import { Header } from '../shared/ui.tsx';
import { alertCall, isNewCall, soundReady, unlockSound } from './alert.ts';

const api = new Api();
const id = decodeURIComponent(location.pathname.split('/').filter(Boolean).pop() ?? '');
if (/^en\b/i.test(navigator.language)) lang.value = 'en';

function App() {
  const [ticket, setTicket] = useState<Ticket | null>(null);
  const [services, setServices] = useState<ServiceInfo[]>([]);
  const [missing, setMissing] = useState(false);
  const [live, setLive] = useState(false);
  const shown = useRef<Ticket | null>(null);
  const show = (next: Ticket) => {
    if (isNewCall(shown.current, next)) alertCall();
    shown.current = next;
    setTicket(next);
  };
  useEffect(() => {
    api.services().then(setServices, () => {});
    const feed = liveFeed(`/api/tickets/${encodeURIComponent(id)}/events`, {
      ticket: (data) => show(data as Ticket),
    });
    feed.connected.subscribe(setLive);
    api.ticket(id).then(
      (r) => show(r.ticket),
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
  useEffect(() => {
    const called = ticket?.status === 'called' && ticket.counterNumber !== undefined;
    document.title = called
      ? `🔔 ${ticket.number} → ${t('ticket.goTo', { n: ticket.counterNumber! })}`
      : t('ticket.title');
  }, [ticket?.status, ticket?.counterNumber]);
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
              <>
                <TicketFacts ticket={ticket} labels={{ ahead: t('ticket.ahead'), wait: t('ticket.eta') }} />
                <SoundSwitch />
              </>
            )}
            <p class="muted">{t('ticket.issuedAt', { time: timeOf(ticket.issuedAt) })}</p>
            <p class="muted small">
              <span class={`live-dot ${live ? '' : 'off'}`} />
              {live ? t('ticket.live') : t('common.offline')}
            </p>
          </>
        )}
      </main>
      {ticket?.status === 'done' && <Feedback api={api} ticketId={ticket.id} />}
    </>
  );
}

/** Browsers play sound only after a tap: one tap here lets the call chime (and plays it once). */
function SoundSwitch() {
  const [on, setOn] = useState(soundReady());
  const [failed, setFailed] = useState(false);
  if (on) return <p class="muted small sound-on">{t('ticket.soundOn')}</p>;
  const enable = () =>
    unlockSound().then(
      (ok) => {
        setOn(ok);
        setFailed(!ok);
        if (ok) alertCall();
      },
      () => setFailed(true),
    );
  return (
    <p>
      <button type="button" class="btn btn-secondary" onClick={enable}>
        {t('ticket.soundEnable')}
      </button>
      {failed && <span class="muted small"> {t('ticket.soundFailed')}</span>}
    </p>
  );
}

render(<App />, document.getElementById('app')!);
