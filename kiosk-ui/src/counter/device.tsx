/**
 * The counter app on a counter Pi (served by its device agent, `/agent.json` kind `counter`): the
 * screen faces the citizen, so it shows only the ticket now at this counter (`counter.current`) and
 * the five rating buttons (sent as `counter.button`, like the GPIO buttons). The officer calls,
 * recalls and marks no-shows from the console on their own PC or the device's hardware buttons on
 * their side of the desk, never from this screen. No sign-in: the device acts for its own counter.
 */
import type { AgentToUi, Ticket, UiToAgent } from '@oss/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import { agentFeed } from '../shared/agent-feed.ts';
import { Api, type CounterInfo, type ServiceInfo } from '../shared/api.ts';
import { Feedback } from '../shared/feedback.tsx';
import { loc, type StringKey, t } from '../shared/i18n.ts';
import { Qr } from '../shared/qr.tsx';
import { Header } from '../shared/ui.tsx';

type Button = Extract<UiToAgent, { type: 'counter.button' }>['button'];

/** How long the "why?" QR stays up after a low rating: gone before the next citizen sits down. */
const WHY_MS = 90_000;

const api = new Api();

export function CounterDevice() {
  const [ticket, setTicket] = useState<Ticket | null>(null);
  const [counterId, setCounterId] = useState<string | null>(null);
  const [counters, setCounters] = useState<CounterInfo[]>([]);
  const [services, setServices] = useState<ServiceInfo[]>([]);
  const [connected, setConnected] = useState(false);
  /** What the last rating press gave: thanks when it counted, otherwise why not (from the agent). */
  const [notice, setNotice] = useState<{ vi: string; en: string } | null>(null);
  const [feed, setFeed] = useState<ReturnType<typeof agentFeed> | null>(null);
  /** After a rating of 1–2: the ticket asked about (here, with the site's reasons; or on its phone page). */
  const [why, setWhy] = useState<{ ticketId: string; url: string } | null>(null);
  const serverUrl = useRef('');
  const lastScore = useRef(0);
  useEffect(() => {
    if (!why) return;
    const timer = setTimeout(() => setWhy(null), WHY_MS);
    return () => clearTimeout(timer);
  }, [why]);

  useEffect(() => {
    const load = () => {
      api.counters().then(setCounters, () => {});
      api.services().then(setServices, () => {});
    };
    const f = agentFeed((m: AgentToUi) => {
      if (m.type === 'hello') {
        setCounterId(m.counterId ?? null);
        serverUrl.current = m.serverUrl.replace(/\/$/, '');
      } else if (m.type === 'counter.current') {
        setTicket(m.ticket);
        if (m.ticket) {
          setNotice(null);
          setWhy(null);
        }
      } else if (m.type === 'error') setNotice(m.message);
      else if (m.type === 'counter.rated') {
        setNotice(m.message);
        const id = lastScore.current <= 2 ? m.ticketId : undefined;
        setWhy(id ? { ticketId: id, url: `${serverUrl.current}/t/${encodeURIComponent(id)}` } : null);
      }
    }, load);
    f.connected.subscribe(setConnected);
    setFeed(f);
    return () => f.close();
  }, []);

  const rate = (score: 1 | 2 | 3 | 4 | 5) => {
    lastScore.current = score;
    feed?.send({ type: 'counter.button', button: `rate-${score}` as Button });
  };

  const counter = counters.find((c) => c.id === counterId);
  const service = services.find((s) => s.id === ticket?.serviceId);
  return (
    <>
      <Header title={`${t('device.title')}${counter ? ` · ${loc(counter.name)}` : ''}`} />
      {!connected && <p class="banner banner-warn">{t('device.agentDown')}</p>}
      <main class="device">
        <section
          class="card current"
          data-current={ticket?.number ?? ''}
          data-status={ticket?.status ?? ''}
          aria-live="polite"
          aria-label={t('counter.current')}
        >
          {ticket ? (
            <>
              <p class="current-number">{ticket.number}</p>
              <p>
                <span class="badge">{t(`status.${ticket.status}`)}</span>{' '}
                {service && <span class="badge">{loc(service.name)}</span>}
              </p>
            </>
          ) : (
            <h2 class="muted big-text">{t('device.waiting')}</h2>
          )}
        </section>
        <section class="card ratings" aria-labelledby="device-rate">
          <h2 id="device-rate">{t('device.rate')}</h2>
          {notice && (
            <p class="notice" data-notice>
              {notice.vi}
              <br />
              <small>{notice.en}</small>
            </p>
          )}
          {why && (
            <div class="why" data-why={why.url}>
              <Feedback api={api} ticketId={why.ticketId} withText={false} />
              <div class="row">
                <Qr text={why.url} label={t('device.whyQr')} size={160} />
                <p>{t('device.why')}</p>
              </div>
            </div>
          )}
          <div class="rating-row">
            {([5, 4, 3, 2, 1] as const).map((score) => (
              <button
                type="button"
                key={score}
                class={`btn rating rating-${score}`}
                data-button={`rate-${score}`}
                onClick={() => rate(score)}
              >
                {t(`rating.${score}` as StringKey)}
              </button>
            ))}
          </div>
        </section>
      </main>
    </>
  );
}
