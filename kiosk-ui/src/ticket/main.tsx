/** The public ticket page `/t/{ticketId}` for a phone: number, status, people ahead, predicted wait, live. */
import '../shared/style.css';
import type { LocalizedText, Ticket } from '@oss/protocol';
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Api, ApiError, type ServiceInfo } from '../shared/api.ts';
import { lang, loc, t, timeOf } from '../shared/i18n.ts';
import { liveFeed } from '../shared/live.ts';
import { TicketFacts } from '../shared/ticket-facts.tsx';
import { ErrorBanner, Header } from '../shared/ui.tsx';
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
      {ticket?.status === 'done' && <Feedback ticketId={ticket.id} />}
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

/** After service: why the citizen was not satisfied (PROTOCOL.md §6), once per ticket. */
function Feedback({ ticketId }: { ticketId: string }) {
  const [reasons, setReasons] = useState<{ id: string; name: LocalizedText }[]>([]);
  const [chosen, setChosen] = useState<string[]>([]);
  const [text, setText] = useState('');
  const [contact, setContact] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api
      .get<{ reasons: { id: string; name: LocalizedText }[] }>('/api/feedback/reasons')
      .then((r) => setReasons(r.reasons), setError);
  }, []);
  if (sent) return <p class="feedback banner banner-ok">{t('feedback.thanks')}</p>;
  const toggle = (id: string) => {
    setError(null); // a hint about the reasons is stale once one is picked
    setChosen((c) => (c.includes(id) ? c.filter((x) => x !== id) : [...c, id]));
  };
  async function submit(e: Event) {
    e.preventDefault();
    if (!chosen.length) return setError(new Error(t('feedback.pickReason')));
    try {
      await api.post(`/api/tickets/${encodeURIComponent(ticketId)}/feedback`, {
        reasons: chosen,
        ...(text.trim() ? { text: text.trim() } : {}),
        ...(contact.trim() ? { contact: contact.trim() } : {}),
      });
      setSent(true);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) setSent(true);
      else setError(err);
    }
  }
  return (
    <form class="feedback" onSubmit={submit} aria-labelledby="feedback-title">
      <h2 id="feedback-title">{t('feedback.title')}</h2>
      <p class="muted">{t('feedback.intro')}</p>
      <ErrorBanner error={error} />
      <fieldset class="feedback-reasons">
        {reasons.map((r) => (
          <label key={r.id}>
            <input type="checkbox" checked={chosen.includes(r.id)} onChange={() => toggle(r.id)} />
            {loc(r.name)}
          </label>
        ))}
      </fieldset>
      <label>
        {t('feedback.text')}
        <textarea rows={3} maxLength={1000} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </label>
      <label>
        {t('feedback.contact')}
        <input maxLength={100} value={contact} onInput={(e) => setContact(e.currentTarget.value)} />
      </label>
      <button type="submit" class="btn btn-primary btn-large">
        {t('feedback.submit')}
      </button>
    </form>
  );
}

render(<App />, document.getElementById('app')!);
