/**
 * The counter app on a counter Pi (served by its device agent, `/agent.json` kind `counter`): the
 * ticket now at this counter (`counter.current`), the officer's buttons and the citizen's five rating
 * buttons, all sent as `counter.button` — the same as the GPIO buttons. No sign-in: the device acts
 * for the counter it was enrolled with.
 */
import type { AgentToUi, Ticket, UiToAgent } from '@oss/protocol';
import { useEffect, useState } from 'preact/hooks';
import { agentFeed } from '../shared/agent-feed.ts';
import { Api, type CounterInfo, type ServiceInfo } from '../shared/api.ts';
import { loc, type StringKey, t } from '../shared/i18n.ts';
import { Header } from '../shared/ui.tsx';

type Button = Extract<UiToAgent, { type: 'counter.button' }>['button'];

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

  useEffect(() => {
    const load = () => {
      api.counters().then(setCounters, () => {});
      api.services().then(setServices, () => {});
    };
    const f = agentFeed((m: AgentToUi) => {
      if (m.type === 'hello') setCounterId(m.counterId ?? null);
      else if (m.type === 'counter.current') {
        setTicket(m.ticket);
        if (m.ticket) setNotice(null);
      } else if (m.type === 'counter.rated' || m.type === 'error') setNotice(m.message);
    }, load);
    f.connected.subscribe(setConnected);
    setFeed(f);
    return () => f.close();
  }, []);

  const press = (button: Button) => {
    feed?.send({ type: 'counter.button', button });
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const map: Record<string, Button> = { n: 'next', r: 'recall', x: 'no-show' };
      const b = map[e.key.toLowerCase()];
      if (b && !e.ctrlKey && !e.metaKey && !e.altKey) press(b);
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  });

  const counter = counters.find((c) => c.id === counterId);
  const service = services.find((s) => s.id === ticket?.serviceId);
  return (
    <>
      <Header title={`${t('device.title')}${counter ? ` · ${loc(counter.name)}` : ''}`} />
      {!connected && <p class="banner banner-warn">{t('device.agentDown')}</p>}
      <main class="device">
        <section class="card current" data-current={ticket?.number ?? ''}>
          {ticket ? (
            <>
              <p class="current-number">{ticket.number}</p>
              <p>
                <span class="badge">{t(`status.${ticket.status}`)}</span>{' '}
                {service && <span class="badge">{loc(service.name)}</span>}
              </p>
            </>
          ) : (
            <p class="muted big-text">{t('device.waiting')}</p>
          )}
        </section>
        <section class="actions">
          <button type="button" class="btn btn-primary" data-button="next" onClick={() => press('next')}>
            {t('counter.next')} <kbd>N</kbd>
          </button>
          <button
            type="button"
            class="btn btn-secondary"
            data-button="recall"
            onClick={() => press('recall')}
          >
            {t('counter.recall')} <kbd>R</kbd>
          </button>
          <button type="button" class="btn btn-ghost" data-button="no-show" onClick={() => press('no-show')}>
            {t('counter.noShow')} <kbd>X</kbd>
          </button>
        </section>
        <section class="card ratings">
          <h2>{t('device.rate')}</h2>
          {notice && (
            <p class="notice" data-notice>
              {notice.vi}
              <br />
              <small>{notice.en}</small>
            </p>
          )}
          <div class="rating-row">
            {([5, 4, 3, 2, 1] as const).map((score) => (
              <button
                type="button"
                key={score}
                class={`btn rating rating-${score}`}
                data-button={`rate-${score}`}
                onClick={() => press(`rate-${score}`)}
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
