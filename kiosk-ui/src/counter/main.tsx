/** The counter console: an officer signs in, picks a counter, and calls, recalls, finishes, transfers. */
import '../shared/style.css';
import type { LocalizedText } from '@oss/protocol';
import type { CounterConsole } from '@oss/protocol/http';
import { render } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { probeAgent } from '../shared/agent-feed.ts';
import {
  Api,
  ApiError,
  type CounterInfo,
  requestId,
  type ServiceInfo,
  type StaffInfo,
} from '../shared/api.ts';
import { lang, loc, num, pct, type StringKey, t, timeOf } from '../shared/i18n.ts';
import { liveFeed } from '../shared/live.ts';
import { ErrorBanner, Header, Login, OfflineBanner } from '../shared/ui.tsx';
import { CounterDevice } from './device.tsx';

const api = new Api();

type CurrentTicket = ConsoleData['current'];

/** The console's actions: one table for the buttons and their keyboard shortcuts. */
const COUNTER_ACTIONS: {
  command: 'next' | 'recall' | 'start' | 'noShow' | 'transfer' | 'finish';
  dataAction: string;
  label: StringKey;
  key: string;
  style: 'primary' | 'secondary' | 'ghost';
  enabled: (current: CurrentTicket) => boolean;
}[] = [
  {
    command: 'next',
    dataAction: 'next',
    label: 'counter.next',
    key: 'N',
    style: 'primary',
    enabled: () => true,
  },
  {
    command: 'recall',
    dataAction: 'recall',
    label: 'counter.recall',
    key: 'R',
    style: 'secondary',
    enabled: (c) => !!c,
  },
  {
    command: 'start',
    dataAction: 'start',
    label: 'counter.start',
    key: 'S',
    style: 'secondary',
    enabled: (c) => c?.status === 'called',
  },
  {
    command: 'noShow',
    dataAction: 'no-show',
    label: 'counter.noShow',
    key: 'X',
    style: 'ghost',
    enabled: (c) => !!c,
  },
  {
    command: 'transfer',
    dataAction: 'transfer',
    label: 'counter.transfer',
    key: 'T',
    style: 'ghost',
    enabled: (c) => !!c,
  },
  {
    command: 'finish',
    dataAction: 'finish',
    label: 'counter.finish',
    key: 'F',
    style: 'primary',
    enabled: (c) => !!c,
  },
];

type ConsoleData = CounterConsole;

function Console({
  staff,
  counterId,
  onLeave,
  onSignOut,
}: {
  staff: StaffInfo;
  counterId: string;
  onLeave: () => void;
  onSignOut: () => void;
}) {
  const [data, setData] = useState<ConsoleData | null>(null);
  const [services, setServices] = useState<ServiceInfo[]>([]);
  const [classes, setClasses] = useState<{ id: string; name: LocalizedText }[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [transfer, setTransfer] = useState(false);
  const [connected, setConnected] = useState(true);
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const refresh = useCallback(async () => {
    try {
      setData(await api.get<ConsoleData>(`/api/counters/${encodeURIComponent(counterId)}/console`));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) location.reload();
      setError(e);
    }
  }, [counterId]);

  useEffect(() => {
    let feed: ReturnType<typeof liveFeed> | null = null;
    (async () => {
      try {
        await api.post(`/api/counters/${encodeURIComponent(counterId)}/sign-in`, {});
        const [svc, site] = await Promise.all([api.services(), api.site()]);
        setServices(svc);
        setClasses(site.priorityClasses);
        await refresh();
      } catch (e) {
        setError(e);
      }
      // Any queue change may change the waiting list: refresh, at most every 300 ms.
      feed = liveFeed(
        '/api/events',
        {
          queue: () => {
            if (refreshTimer.current) return;
            refreshTimer.current = setTimeout(() => {
              refreshTimer.current = null;
              void refresh();
            }, 300);
          },
        },
        () => void refresh(),
      );
      feed.connected.subscribe((c) => setConnected(c));
    })();
    // Also the heartbeat of the officer's session here: the server ends it when the console is gone.
    const heartbeat = setInterval(() => void refresh(), 60_000);
    return () => {
      clearInterval(heartbeat);
      feed?.close();
    };
  }, [counterId, refresh]);

  const act = useCallback(
    async (name: string, params: Record<string, unknown>) => {
      if (busy) return;
      setBusy(true);
      setError(null);
      try {
        // The session ended (idle, or another officer signed in here), or the first sign-in has not
        // been confirmed yet: sign in (again) before acting, so that the work is credited to whoever
        // does it and the server's "only at your own counter" rule lets it through.
        if (!data || data.counter.officerId !== staff.username)
          await api.post(`/api/counters/${encodeURIComponent(counterId)}/sign-in`, {});
        await api.action(name, { id: requestId(), counterId, ...params });
        await refresh();
      } catch (e) {
        setError(e);
      } finally {
        setBusy(false);
      }
    },
    [busy, counterId, refresh, data, staff.username],
  );

  const current = data?.current ?? null;
  const open = data?.counter.open ?? false;
  const commands = {
    next: () => act('counter.next', {}),
    recall: () => current && act('counter.recall', {}),
    start: () => current && current.status === 'called' && act('counter.start', { ticketId: current.id }),
    noShow: () => current && act('counter.finish', { ticketId: current.id, outcome: 'no_show' }),
    finish: () => current && act('counter.finish', { ticketId: current.id, outcome: 'done' }),
    transfer: () => current && setTransfer(true),
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.ctrlKey || e.metaKey || e.altKey) return;
      const k = e.key.toLowerCase();
      const action = COUNTER_ACTIONS.find((a) => a.key.toLowerCase() === k);
      if (k === 'escape') setTransfer(false);
      else if (action) {
        e.preventDefault();
        commands[action.command]();
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  });

  const serviceName = (id: string) => loc(services.find((s) => s.id === id)?.name) || id;
  const className = (id: string) => loc(classes.find((c) => c.id === id)?.name) || id;
  const totalWaiting = data?.waiting.reduce((a, w) => a + w.tickets.length, 0) ?? 0;

  return (
    <>
      <Header title={`${t('counter.title')} · ${data ? loc(data.counter.name) : counterId}`}>
        <span>{t('counter.officer', { name: staff.displayName })}</span>
        <button type="button" class="btn btn-ghost" onClick={onLeave}>
          {t('counter.changeCounter')}
        </button>
        <button type="button" class="btn btn-ghost" onClick={onSignOut}>
          {t('common.signOut')}
        </button>
      </Header>
      <OfflineBanner show={!connected} />
      <ErrorBanner error={error} />
      <div class="console">
        <div class="console-main">
          <section class="card current" data-current={current?.number ?? ''}>
            <div class="row" style={{ justifyContent: 'space-between' }}>
              <h2>{t('counter.current')}</h2>
              <span class={`badge ${open ? 'badge-ok' : 'badge-off'}`}>
                {open ? t('counter.open') : t('counter.closed')}
              </span>
            </div>
            {current ? (
              <>
                <p class="current-number">{current.number}</p>
                <div class="current-meta">
                  <span class="badge">{t(`status.${current.status}`)}</span>
                  <span class="badge">{serviceName(current.serviceId)}</span>
                  {current.priority !== 'normal' && (
                    <span class="badge badge-priority">★ {className(current.priority)}</span>
                  )}
                  <span class="muted">{t('counter.calledAt', { time: timeOf(current.calledAt) })}</span>
                  {current.recalls > 0 && (
                    <span class="muted">{t('counter.recalls', { n: current.recalls })}</span>
                  )}
                </div>
                <p>
                  {current.procedure
                    ? t('counter.procedure', {
                        name: `${loc(current.procedure.name)} (${current.procedure.code})`,
                      })
                    : t('counter.noProcedure')}
                </p>
              </>
            ) : (
              <p class="muted">{t('counter.noCurrent')}</p>
            )}
          </section>
          {transfer && current ? (
            <section class="card dialog" role="dialog" aria-label={t('counter.transfer')}>
              <h2>{t('counter.transferTo', { number: current.number })}</h2>
              <div class="row">
                {services
                  .filter((s) => s.id !== current.serviceId)
                  .map((s) => (
                    <button
                      type="button"
                      class="btn btn-secondary"
                      key={s.id}
                      data-transfer={s.id}
                      onClick={async () => {
                        setTransfer(false);
                        await act('counter.transfer', { ticketId: current.id, toServiceId: s.id });
                      }}
                    >
                      {s.prefix} · {loc(s.name)}
                    </button>
                  ))}
              </div>
              <button type="button" class="btn btn-ghost" onClick={() => setTransfer(false)}>
                {t('common.cancel')} <kbd>Esc</kbd>
              </button>
            </section>
          ) : (
            <section class="actions" aria-label={t('counter.title')}>
              {COUNTER_ACTIONS.map((a) => (
                <button
                  key={a.command}
                  type="button"
                  class={`btn btn-${a.style}`}
                  data-action={a.dataAction}
                  disabled={busy || !a.enabled(current)}
                  onClick={commands[a.command]}
                >
                  {t(a.label)} <kbd>{a.key}</kbd>
                </button>
              ))}
            </section>
          )}
          <p class="muted small">{t('counter.shortcuts')}</p>
          <div class="row">
            <button
              type="button"
              class="btn btn-ghost"
              data-action="toggle-open"
              onClick={async () => {
                try {
                  await api.post(
                    `/api/counters/${encodeURIComponent(counterId)}/${open ? 'close' : 'open'}`,
                    {},
                  );
                  await refresh();
                } catch (e) {
                  setError(e);
                }
              }}
            >
              {open ? t('counter.closeCounter') : t('counter.openCounter')}
            </button>
          </div>
        </div>
        <aside class="console-side">
          <section class="card">
            <h2>
              {t('counter.waitingList')} ({totalWaiting})
            </h2>
            {totalWaiting === 0 && <p class="muted">{t('counter.nobodyWaiting')}</p>}
            {data?.waiting.map((w) => (
              <div key={w.serviceId}>
                <h3>
                  {serviceName(w.serviceId)} ({w.tickets.length})
                </h3>
                <ul class="waiting-list" data-service={w.serviceId}>
                  {w.tickets.slice(0, 30).map((tk) => (
                    <li key={tk.id}>
                      <span class="num">
                        {tk.number} {tk.priority !== 'normal' && '★'}
                      </span>
                      <span class="muted">{t('counter.waitedMinutes', { n: tk.waitedMinutes })}</span>
                    </li>
                  ))}
                </ul>
              </div>
            ))}
          </section>
          <section class="card">
            <h2>{t('counter.mine')}</h2>
            <div class="figures" data-mine>
              <div class="figure">
                <span>{t('counter.served')}</span>
                <b data-served={data?.mine?.served ?? 0}>{data?.mine?.served ?? 0}</b>
              </div>
              <div class="figure">
                <span>{t('counter.noShows')}</span>
                <b>{data?.mine?.noShows ?? 0}</b>
              </div>
              <div class="figure">
                <span>{t('counter.meanService')}</span>
                <b>
                  {data?.mine?.meanServiceMinutes != null
                    ? t('common.minutes', { n: num(data.mine.meanServiceMinutes) })
                    : '—'}
                </b>
              </div>
              <div class="figure">
                <span>{t('counter.satisfied')}</span>
                <b>
                  {pct(data?.mine?.satisfiedShare)} <small>({data?.mine?.ratings ?? 0})</small>
                </b>
              </div>
            </div>
          </section>
        </aside>
      </div>
    </>
  );
}

function ChooseCounter({ onPick }: { onPick: (id: string) => void }) {
  const [counters, setCounters] = useState<CounterInfo[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.counters().then(setCounters, setError);
  }, []);
  return (
    <>
      <h2 style={{ padding: '16px 20px 0' }}>{t('counter.choose')}</h2>
      <ErrorBanner error={error} />
      <div class="counter-pick">
        {counters?.map((c) => (
          <button
            type="button"
            class="btn btn-secondary"
            key={c.id}
            data-counter={c.id}
            onClick={() => onPick(c.id)}
          >
            {loc(c.name)}
          </button>
        ))}
      </div>
    </>
  );
}

function App() {
  const [staff, setStaff] = useState<StaffInfo | null | undefined>(undefined);
  const [counterId, setCounterId] = useState<string | null>(
    new URLSearchParams(location.search).get('counter'),
  );
  void lang.value;
  useEffect(() => {
    api.me().then(setStaff, () => setStaff(null));
  }, []);
  const pick = (id: string | null) => {
    const url = new URL(location.href);
    if (id) url.searchParams.set('counter', id);
    else url.searchParams.delete('counter');
    history.replaceState(null, '', url);
    setCounterId(id);
  };
  const signOut = async () => {
    if (counterId)
      await api.post(`/api/counters/${encodeURIComponent(counterId)}/sign-out`, {}).catch(() => {});
    await api.logout().catch(() => {});
    setStaff(null);
  };
  if (staff === undefined) return <p class="muted">{t('common.loading')}</p>;
  if (!staff)
    return (
      <>
        <Header title={t('counter.title')} />
        <Login api={api} roles={['officer', 'manager', 'admin']} onSignedIn={setStaff} />
      </>
    );
  if (!counterId)
    return (
      <>
        <Header title={t('counter.title')}>
          <button type="button" class="btn btn-ghost" onClick={signOut}>
            {t('common.signOut')}
          </button>
        </Header>
        <ChooseCounter onPick={pick} />
      </>
    );
  return <Console staff={staff} counterId={counterId} onLeave={() => pick(null)} onSignOut={signOut} />;
}

// On a counter Pi the agent serves this page: the device panel instead of the officer's console.
probeAgent().then((agent) =>
  render(agent?.kind === 'counter' ? <CounterDevice /> : <App />, document.getElementById('app')!),
);
