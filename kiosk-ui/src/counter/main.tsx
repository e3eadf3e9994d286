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
import { CounterAppointments } from './appointments.tsx';
import { CounterDevice } from './device.tsx';
import {
  BreakDialog,
  type BreakReason,
  breakReasonText,
  TransferDialog,
  type TransferTarget,
} from './dialogs.tsx';
import { DossierEntry } from './dossiers.tsx';

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
    // Someone being served was there: the server refuses a no-show then.
    enabled: (c) => c?.status === 'called',
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
    // After "Bắt đầu phục vụ" only, so that service times start when the citizen sat down.
    enabled: (c) => c?.status === 'serving',
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
  const [dialog, setDialog] = useState<'transfer' | 'break' | null>(null);
  const [dossierCodes, setDossierCodes] = useState<string[]>([]);
  const [finishRefusal, setFinishRefusal] = useState<unknown>(null);
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

  /** Runs one action; resolves with its error, or null when it was done. */
  const act = useCallback(
    async (name: string, params: Record<string, unknown>): Promise<unknown> => {
      if (busy) return null;
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
        return null;
      } catch (e) {
        setError(e);
        return e;
      } finally {
        setBusy(false);
      }
    },
    [busy, counterId, refresh, data, staff.username],
  );

  const current = data?.current ?? null;
  const open = data?.counter.open ?? false;
  const breakReason = data?.counter.breakReason ?? null;
  // The codes belong to the citizen being served: a new ticket starts an empty list.
  const currentId = current?.id ?? null;
  useEffect(() => {
    setDossierCodes([]);
    setFinishRefusal(null);
  }, [currentId]);
  const finish = async () => {
    if (current?.status !== 'serving') return;
    const codes = dossierCodes.length ? { dossierCodes } : {};
    const refusal = await act('counter.finish', { ticketId: current.id, outcome: 'done', ...codes });
    // Shown in both languages beside the codes, not twice.
    if (refusal) setError(null);
    setFinishRefusal(refusal);
  };
  const transferTo = (target: TransferTarget) => {
    setDialog(null);
    if (current)
      void act('counter.transfer', {
        ticketId: current.id,
        toServiceId: target.toServiceId,
        ...(target.toCounterId ? { toCounterId: target.toCounterId } : {}),
      });
  };
  const setOpen = async (body: { reason?: BreakReason } | null) => {
    setDialog(null);
    try {
      const path = body ? 'close' : 'open';
      await api.post(`/api/counters/${encodeURIComponent(counterId)}/${path}`, body ?? {});
      await refresh();
    } catch (e) {
      setError(e);
    }
  };
  const commands = {
    next: () => act('counter.next', {}),
    recall: () => current && act('counter.recall', {}),
    start: () => current && current.status === 'called' && act('counter.start', { ticketId: current.id }),
    noShow: () =>
      current?.status === 'called' && act('counter.finish', { ticketId: current.id, outcome: 'no_show' }),
    finish,
    transfer: () => current && setDialog('transfer'),
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.ctrlKey || e.metaKey || e.altKey) return;
      const k = e.key.toLowerCase();
      const action = COUNTER_ACTIONS.find((a) => a.key.toLowerCase() === k);
      if (k === 'escape') setDialog(null);
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
      <main class="console">
        <div class="console-main">
          <section
            class="card current"
            data-current={current?.number ?? ''}
            data-status={current?.status ?? ''}
          >
            <div class="row" style={{ justifyContent: 'space-between' }}>
              <h2>{t('counter.current')}</h2>
              <span class={`badge ${open ? 'badge-ok' : 'badge-off'}`} data-break={breakReason ?? ''}>
                {open
                  ? t('counter.open')
                  : breakReason
                    ? t('counter.onBreak', { reason: breakReasonText(breakReason) })
                    : t('counter.closed')}
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
                {current.status === 'called' && <p class="muted small">{t('counter.startFirst')}</p>}
                <DossierEntry codes={dossierCodes} onChange={setDossierCodes} refusal={finishRefusal} />
              </>
            ) : (
              <p class="muted">{t('counter.noCurrent')}</p>
            )}
          </section>
          {dialog === 'transfer' && current ? (
            <TransferDialog
              api={api}
              number={current.number}
              serviceId={current.serviceId}
              counterId={counterId}
              services={services}
              onConfirm={transferTo}
              onCancel={() => setDialog(null)}
            />
          ) : dialog === 'break' ? (
            <BreakDialog onPick={(reason) => setOpen({ reason })} onCancel={() => setDialog(null)} />
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
            {open && !current && (
              <button
                type="button"
                class="btn btn-secondary"
                data-action="break"
                onClick={() => setDialog('break')}
              >
                {t('counter.break')}
              </button>
            )}
            <button
              type="button"
              class="btn btn-ghost"
              data-action="toggle-open"
              onClick={() => setOpen(open ? {} : null)}
            >
              {open
                ? t('counter.closeCounter')
                : breakReason
                  ? t('counter.resume')
                  : t('counter.openCounter')}
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
                    <WaitingTicket key={tk.id} ticket={tk} counterId={counterId} />
                  ))}
                </ul>
              </div>
            ))}
          </section>
          {data && (
            <CounterAppointments api={api} serviceIds={data.counter.serviceIds} serviceName={serviceName} />
          )}
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
      </main>
    </>
  );
}

type WaitingTicketData = CounterConsole['waiting'][number]['tickets'][number];

/** One waiting ticket; one transferred to a counter says which (here: it is called next). */
function WaitingTicket({ ticket, counterId }: { ticket: WaitingTicketData; counterId: string }) {
  const kept = ticket.forCounter;
  const here = kept?.id === counterId;
  return (
    <li class={kept ? (here ? 'reserved-here' : 'reserved-elsewhere') : ''} data-ticket={ticket.number}>
      <span class="num">
        {ticket.number} {ticket.priority !== 'normal' && '★'}
      </span>
      {kept && (
        <span
          class={`badge ${here ? 'badge-priority' : 'badge-off'}`}
          data-reserved={here ? 'here' : kept.id}
        >
          {here ? t('counter.reservedHere') : t('counter.reservedFor', { n: kept.number })}
        </span>
      )}
      <span class="muted">{t('counter.waitedMinutes', { n: ticket.waitedMinutes })}</span>
    </li>
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
