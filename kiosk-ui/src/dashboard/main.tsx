/** The manager's dashboard: live waits per service against the targets, counters, alerts, charts, staff, advice, reports, configuration. */
import '../shared/style.css';
import type { LocalizedText, QueueSummary } from '@oss/protocol';
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  Api,
  type CounterInfo,
  type ProcedureInfo,
  type ServiceInfo,
  type SiteInfo,
  type StaffInfo,
} from '../shared/api.ts';
import { lang, loc, num, pct, t } from '../shared/i18n.ts';
import { Icon } from '../shared/icons.tsx';
import { liveFeed } from '../shared/live.ts';
import { ErrorBanner, Header, Login, OfflineBanner } from '../shared/ui.tsx';
import { type HourRow, hourlyFromCsv, normaliseHourly } from './hourly.ts';
import {
  initialChoice,
  type PeriodChoice,
  type PeriodMode,
  periodRange,
  reportQuery,
  viDate,
} from './period.ts';
import { periodName, ReportView } from './report.tsx';

const api = new Api();

interface WaitStats {
  called: number;
  waiting: number;
  meanWaitMinutes: number | null;
  p90WaitMinutes: number | null;
  maxWaitMinutes: number | null;
  withinTargetShare: number | null;
  ratings: number;
  meanScore: number | null;
  satisfiedShare: number | null;
  responseRate?: number | null;
  emotionSatisfaction?: number | null;
  emotionEstimates?: number;
}
interface Kpis extends WaitStats {
  day: string;
  from?: string;
  to?: string;
  satisfiedScores?: number[];
  issued: number;
  served: number;
  targetWaitMinutes: number;
  services: (WaitStats & {
    serviceId: string;
    served: number;
    noShows: number;
    meanServiceMinutes: number | null;
  })[];
  officers: ({
    officerId: string;
    displayName?: string;
    served: number;
    noShows: number;
    meanServiceMinutes: number | null;
    ratings: number;
    meanScore: number | null;
    satisfiedShare: number | null;
  } & Record<string, unknown>)[];
}
interface Device {
  id: string;
  kind: 'kiosk' | 'counter' | 'display';
  counterId: string | null;
  online: boolean;
  status: Record<string, unknown> | null;
  /** Null until the device has connected once (a browser kiosk on HTTP never does). */
  statusAt: number | null;
}
interface Advice {
  counterId: string;
  toServiceId: string;
  /** The counter's services after the switch, when the server says them. */
  serviceIdsAfter?: string[];
  predictedWaitBefore: number;
  predictedWaitAfter: number;
  reason: LocalizedText;
}

function Bar({ share, goal }: { share: number | null; goal: number }) {
  if (share === null) return <span class="muted">—</span>;
  return (
    <div class={`bar ${share < goal ? 'below' : ''}`} title={`${pct(share)} / ${pct(goal)}`}>
      <span style={{ width: `${Math.round(share * 100)}%` }} />
      <i style={{ left: `${Math.round(goal * 100)}%` }} />
    </div>
  );
}

/** Bars for today's values and an outline for the typical day, hours on the x axis. */
/** One hourly chart card: today against a typical day, with its legend. */
function HourPanel({
  panel,
  title,
  rows,
  today,
  typical,
  todayLabel,
  target,
}: {
  panel: string;
  title: string;
  rows: HourRow[];
  today: (r: HourRow) => number | null;
  typical: (r: HourRow) => number | null;
  todayLabel: string;
  /** A horizontal line at this value (the wait target). */
  target?: number;
}) {
  return (
    <section class="card span-6" data-panel={panel}>
      <h2>
        {t('dash.charts')}: {title}
      </h2>
      <div class="legend">
        <span>
          <i style={{ background: '#9e1b17' }} />
          {todayLabel}
        </span>
        <span>
          <i style={{ border: '2px dashed #b8860b' }} />
          {t('dash.typical')}
        </span>
        {target !== undefined && (
          <span>
            <i style={{ borderTop: '2px dashed #1f6f3a', height: 0 }} />
            {t('dash.targetLine', { n: target })}
          </span>
        )}
      </div>
      <HourChart rows={rows} today={today} typical={typical} unit={title} target={target} />
    </section>
  );
}

function HourChart({
  rows,
  today,
  typical,
  unit,
  target,
}: {
  rows: HourRow[];
  today: (r: HourRow) => number | null;
  typical: (r: HourRow) => number | null;
  unit: string;
  target?: number | undefined;
}) {
  if (rows.length === 0) return <p class="muted">{t('dash.noHourly')}</p>;
  const hours: number[] = [];
  const lo = Math.min(7, ...rows.map((r) => r.hour));
  const hi = Math.max(17, ...rows.map((r) => r.hour));
  for (let h = lo; h <= hi; h++) hours.push(h);
  const byHour = new Map(rows.map((r) => [r.hour, r]));
  const max = Math.max(1, target ?? 0, ...rows.flatMap((r) => [today(r) ?? 0, typical(r) ?? 0]));
  const W = 600;
  const H = 180;
  const left = 30;
  const bw = (W - left) / hours.length;
  const y = (v: number) => H - 20 - (v / max) * (H - 34);
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={unit}>
      <line x1={left} x2={W} y1={H - 20} y2={H - 20} stroke="#999" />
      <text x={0} y={12}>
        {num(max, 0)}
      </text>
      {target !== undefined && (
        <g data-target-line={target}>
          <line
            x1={left}
            x2={W}
            y1={y(target)}
            y2={y(target)}
            stroke="#1f6f3a"
            stroke-width="2"
            stroke-dasharray="6 3"
          />
          <text x={W - 4} y={y(target) - 4} text-anchor="end" fill="#1f6f3a">
            {t('dash.targetLine', { n: target })}
          </text>
        </g>
      )}
      {hours.map((h, i) => {
        const r = byHour.get(h);
        const v = r ? today(r) : null;
        const tv = r ? typical(r) : null;
        const x = left + i * bw;
        return (
          <g key={h}>
            {v !== null && <rect x={x + 3} y={y(v)} width={bw - 6} height={H - 20 - y(v)} fill="#9e1b17" />}
            {tv !== null && (
              <rect
                x={x + 1}
                y={y(tv)}
                width={bw - 2}
                height={H - 20 - y(tv)}
                fill="none"
                stroke="#b8860b"
                stroke-width="2"
                stroke-dasharray="4 2"
              />
            )}
            <text x={x + bw / 2} y={H - 6} text-anchor="middle">
              {h}h
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function Dashboard({ staff, onSignOut }: { staff: StaffInfo; onSignOut: () => void }) {
  const [site, setSite] = useState<SiteInfo | null>(null);
  const [services, setServices] = useState<ServiceInfo[]>([]);
  const [counters, setCounters] = useState<CounterInfo[]>([]);
  const [procedures, setProcedures] = useState<ProcedureInfo[]>([]);
  const [kpis, setKpis] = useState<Kpis | null>(null);
  const [queue, setQueue] = useState<QueueSummary | null>(null);
  const [devices, setDevices] = useState<Device[]>([]);
  const [printers, setPrinters] = useState<Record<string, string>>({});
  const [hourly, setHourly] = useState<HourRow[]>([]);
  const [advice, setAdvice] = useState<Advice[] | null>(null);
  const [applied, setApplied] = useState<Set<string>>(new Set());
  const [edits, setEdits] = useState<Record<string, string[]>>({});
  const [error, setError] = useState<unknown>(null);
  const [connected, setConnected] = useState(true);
  const [choice, setChoice] = useState<PeriodChoice | null>(null);
  const [periodKpis, setPeriodKpis] = useState<Kpis | null>(null);
  const [report, setReport] = useState<string | null>(reportInHash());
  /** The period shown, for the timers' reloads: null while showing today live. */
  const rangeRef = useRef<{ from: string; to: string } | null>(null);
  const siteRef = useRef<SiteInfo | null>(null);

  const loadCounters = () => api.counters().then(setCounters, setError);
  const loadDevices = () =>
    api.get<{ devices: Device[] }>('/api/devices').then((r) => setDevices(r.devices), setError);
  const loadHourly = async (s: SiteInfo | null, day: string | undefined) => {
    const range = rangeRef.current;
    const query = range ? `?from=${range.from}&to=${range.to}` : day ? `?day=${day}` : '';
    try {
      const stats = await api.optional<unknown>(`/api/stats/hourly${query}`);
      if (stats) return setHourly(normaliseHourly(stats));
      const res = await fetch(`/api/reports/tickets.csv${day ? `?day=${day}` : ''}`);
      if (res.ok && s) setHourly(hourlyFromCsv(await res.text(), s.site.timezone));
    } catch {
      // the charts keep their last values
    }
  };
  const loadAdvice = () =>
    api.optional<{ advice: Advice[] }>('/api/advice').then(
      (r) => setAdvice(r ? r.advice : null),
      () => {},
    );

  useEffect(() => {
    let s: SiteInfo | null = null;
    let day: string | undefined;
    let hourlyAt = Date.now();
    (async () => {
      try {
        const [si, sv, pr] = await Promise.all([api.site(), api.services(), api.procedures()]);
        s = si;
        siteRef.current = si;
        setSite(si);
        setServices(sv);
        setProcedures(pr);
        await Promise.all([loadCounters(), loadDevices(), loadAdvice()]);
        await loadHourly(si, undefined);
      } catch (e) {
        setError(e);
      }
    })();
    const feed = liveFeed(
      '/api/events/staff',
      {
        kpis: (k) => {
          const v = k as Kpis;
          day = v.day;
          setKpis(v);
          setChoice((c) => c ?? initialChoice(v.day));
          // The charts follow the day too, at most twice a minute.
          if (Date.now() - hourlyAt > 30_000) {
            hourlyAt = Date.now();
            void loadHourly(s, day);
          }
        },
        queue: (q) => setQueue(q as QueueSummary),
        device: (d) => {
          const { deviceId, online } = d as { deviceId: string; online: boolean };
          setDevices((list) => list.map((x) => (x.id === deviceId ? { ...x, online } : x)));
          void loadDevices();
        },
        advice: (a) => {
          if (Array.isArray(a)) setAdvice(a as Advice[]);
        },
        deviceEvent: (e) => {
          const { deviceId, name, body } = e as {
            deviceId: string;
            name: string;
            body: Record<string, unknown>;
          };
          if (name === 'printer' && typeof body.paper === 'string')
            setPrinters((p) => ({ ...p, [deviceId]: body.paper as string }));
        },
      },
      () => {
        void loadCounters();
        void loadDevices();
      },
      { withCredentials: true },
    );
    feed.connected.subscribe(setConnected);
    const onHash = () => setReport(reportInHash());
    addEventListener('hashchange', onHash);
    const slow = setInterval(() => {
      void loadHourly(s, day);
      void loadAdvice();
    }, 60_000);
    return () => {
      feed.close();
      clearInterval(slow);
      removeEventListener('hashchange', onHash);
    };
  }, []);

  // A period other than today: its figures from the stored records, its hourly charts.
  const choiceKey = JSON.stringify(choice);
  useEffect(() => {
    const range = choice ? periodRange(choice) : null;
    rangeRef.current = range;
    if (!range) setPeriodKpis(null);
    else
      api.get<Kpis>(`/api/kpis?from=${range.from}&to=${range.to}`).then(setPeriodKpis, (e) => {
        setPeriodKpis(null);
        setError(e);
      });
    if (choice) void loadHourly(siteRef.current, kpis?.day);
  }, [choiceKey]);
  const range = choice ? periodRange(choice) : null;
  /** The figures shown: the period's, or today's live ones. */
  const shown = range ? periodKpis : kpis;

  const target = shown?.targetWaitMinutes ?? site?.targets.waitMinutes ?? 15;
  const goal = site?.targets.withinTargetShare ?? 0.9;
  const satGoal = site?.targets.satisfactionShare ?? 0.95;
  const svcName = (id: string) => loc(services.find((s) => s.id === id)?.name) || id;
  const counterName = (id: string) => loc(counters.find((c) => c.id === id)?.name) || id;

  const alerts: { text: string; level: 'err' | 'warn' }[] = [];
  for (const s of queue?.services ?? [])
    if (s.waiting > 0 && s.noCounterOpen)
      alerts.push({
        level: 'err',
        text: t('dash.alertNoCounter', { service: svcName(s.serviceId), n: s.waiting }),
      });
    // The server's flag: the advice fires from the same estimate (core serviceWait).
    else if (s.overTarget ?? (s.waiting > 0 && s.etaMinutes > target))
      alerts.push({
        level: 'err',
        text: t('dash.alertWait', { service: svcName(s.serviceId), n: s.etaMinutes, target }),
      });
  for (const s of kpis?.services ?? [])
    if (s.waiting > 0 && (s.maxWaitMinutes ?? 0) > (site?.targets.maxWaitMinutes ?? 30))
      alerts.push({
        level: 'warn',
        text: t('dash.alertMaxWait', { service: svcName(s.serviceId), n: Math.round(s.maxWaitMinutes!) }),
      });
  for (const d of devices) {
    if (!d.online && d.statusAt !== null)
      alerts.push({ level: 'err', text: t('dash.alertDevice', { device: d.id }) });
    const statusPaper = (d.status?.printer as { paper?: string } | undefined)?.paper;
    const paper = printers[d.id] ?? statusPaper;
    if (paper === 'out') alerts.push({ level: 'err', text: t('dash.alertPaper', { device: d.id }) });
    else if (paper === 'near-end')
      alerts.push({ level: 'warn', text: t('dash.alertPaperNear', { device: d.id }) });
  }

  const applyAdvice = async (a: Advice) => {
    const c = counters.find((x) => x.id === a.counterId);
    if (!c) return;
    try {
      await api.put(`/api/counters/${encodeURIComponent(a.counterId)}/services`, {
        serviceIds: a.serviceIdsAfter?.length
          ? a.serviceIdsAfter
          : [a.toServiceId, ...c.serviceIds.filter((s) => s !== a.toServiceId)],
      });
      setApplied(new Set([...applied, `${a.counterId}>${a.toServiceId}`]));
      await loadCounters();
    } catch (e) {
      setError(e);
    }
  };
  const saveServices = async (counterId: string) => {
    const ids = edits[counterId];
    if (!ids || ids.length === 0) return setError(new Error(t('dash.pickOne')));
    try {
      await api.put(`/api/counters/${encodeURIComponent(counterId)}/services`, { serviceIds: ids });
      setEdits((e) => {
        const { [counterId]: _done, ...rest } = e;
        return rest;
      });
      await loadCounters();
    } catch (e) {
      setError(e);
    }
  };
  /** The camera's confidence-weighted mean satisfaction (0..1), shown beside the button ratings. */
  const emotionOf = (o: Kpis['officers'][number]): number | null => {
    const v = o.emotionSatisfaction;
    return typeof v === 'number' ? v : null;
  };
  const hasEmotion = shown?.officers.some((o) => emotionOf(o) !== null) ?? false;
  const day = kpis?.day ?? '';
  const periodText = range
    ? range.from === range.to
      ? t('dash.day', { day: viDate(range.from) })
      : t('dash.periodLabel', { from: viDate(range.from), to: viDate(range.to) })
    : t('dash.day', { day: viDate(day) });
  const reportQ = choice ? reportQuery(choice) : null;
  const csvQuery = range ? `?from=${range.from}&to=${range.to}` : day ? `?day=${day}` : '';
  const setMode = (mode: PeriodMode) => choice && setChoice({ ...choice, mode });

  if (report)
    return (
      <>
        <Header title={`${t('dash.title')}${site ? ` · ${loc(site.site.name)}` : ''}`}>
          <span>{t('common.signedInAs', { name: staff.displayName })}</span>
        </Header>
        <ReportView
          api={api}
          query={report}
          site={site}
          services={services}
          onBack={() => openReport(null)}
        />
      </>
    );

  return (
    <>
      <Header title={`${t('dash.title')}${site ? ` · ${loc(site.site.name)}` : ''}`}>
        <span>{t('common.signedInAs', { name: staff.displayName })}</span>
        <button type="button" class="btn btn-ghost" onClick={onSignOut}>
          {t('common.signOut')}
        </button>
      </Header>
      <OfflineBanner show={!connected} />
      <ErrorBanner error={error} />
      <div class="dash">
        <h2 class="print-only">{t('dash.reportTitle', { day: periodText })}</h2>
        {choice && (
          <section class="card no-print" data-panel="period">
            <div class="row period-picker">
              <label>
                {t('dash.period')}{' '}
                <select
                  data-period-mode
                  value={choice.mode}
                  onChange={(e) => setMode(e.currentTarget.value as PeriodMode)}
                >
                  {(['live', 'day', 'range', 'month', 'quarter', 'year'] as const).map((m) => (
                    <option key={m} value={m}>
                      {t(`dash.period.${m}`)}
                    </option>
                  ))}
                </select>
              </label>
              {choice.mode === 'day' && (
                <PeriodField type="date" field="day" choice={choice} onPick={setChoice} />
              )}
              {choice.mode === 'range' &&
                (['from', 'to'] as const).map((field) => (
                  <span key={field}>
                    {t(`dash.${field}`)}{' '}
                    <PeriodField
                      type="date"
                      field={field}
                      choice={choice}
                      onPick={setChoice}
                      label={t(`dash.${field}`)}
                    />
                  </span>
                ))}
              {choice.mode === 'month' && (
                <PeriodField type="month" field="month" choice={choice} onPick={setChoice} />
              )}
              {choice.mode === 'quarter' && (
                <select
                  data-period-quarter
                  value={String(choice.quarter)}
                  onChange={(e) => setChoice({ ...choice, quarter: Number(e.currentTarget.value) })}
                >
                  {[1, 2, 3, 4].map((q) => (
                    <option key={q} value={String(q)}>
                      {q}
                    </option>
                  ))}
                </select>
              )}
              {(choice.mode === 'quarter' || choice.mode === 'year') && (
                <input
                  type="number"
                  data-period-year
                  min={2020}
                  max={2100}
                  value={choice.year}
                  onChange={(e) => {
                    const y = Number(e.currentTarget.value);
                    if (y >= 2000 && y <= 2100) setChoice({ ...choice, year: y });
                  }}
                />
              )}
              {range && (
                <span class="muted">
                  {t('dash.periodLabel', { from: viDate(range.from), to: viDate(range.to) })}
                </span>
              )}
              {reportQ && (
                <button
                  type="button"
                  class="btn btn-primary"
                  data-open-report
                  onClick={() => openReport(reportQ)}
                >
                  <Icon name="printer" />{' '}
                  {t('dash.openReport', { period: periodName(choice.mode, reportLabel(choice)) })}
                </button>
              )}
            </div>
          </section>
        )}
        <section class="card" data-panel="totals">
          <div class="row" style={{ justifyContent: 'space-between' }}>
            <h2>
              <span data-period-shown>{periodText}</span>
              {!range && (
                <>
                  {' · '}
                  <span class={`live-dot ${connected ? '' : 'off'}`} />
                  {t('dash.live')}
                </>
              )}
            </h2>
          </div>
          <div class="kpis">
            <div class="kpi">
              <span>{t('dash.issued')}</span>
              <b data-kpi="issued">{shown?.issued ?? '—'}</b>
            </div>
            <div class="kpi">
              <span>{t('dash.served')}</span>
              <b data-kpi="served">{shown?.served ?? '—'}</b>
            </div>
            <div class={`kpi ${(shown?.meanWaitMinutes ?? 0) > target ? 'bad' : 'good'}`}>
              <span>{t('dash.meanWait')}</span>
              <b>
                {shown?.meanWaitMinutes != null
                  ? t('common.minutes', { n: num(shown.meanWaitMinutes) })
                  : '—'}
              </b>
            </div>
            <div class="kpi">
              <span>{t('dash.p90Wait')}</span>
              <b>
                {shown?.p90WaitMinutes != null ? t('common.minutes', { n: num(shown.p90WaitMinutes) }) : '—'}
              </b>
            </div>
            <div
              class={`kpi ${shown?.withinTargetShare != null && shown.withinTargetShare < goal ? 'bad' : 'good'}`}
            >
              <span>
                {t('dash.withinTarget', { n: target })} ({t('dash.goal', { n: pct(goal) })})
              </span>
              <b>{pct(shown?.withinTargetShare)}</b>
            </div>
            <div
              class={`kpi ${shown?.satisfiedShare != null && shown.satisfiedShare < satGoal ? 'bad' : 'good'}`}
            >
              <span>
                {t('dash.satisfaction')} ({t('dash.goal', { n: pct(satGoal) })})
              </span>
              <b data-kpi="satisfied">{pct(shown?.satisfiedShare)}</b>
              <small>
                {t('dash.responseRate', { n: shown?.ratings ?? 0, rate: pct(shown?.responseRate) })}
                {shown?.satisfiedScores &&
                  ` · ${t('dash.satisfiedScores', { scores: shown.satisfiedScores.join(', ') })}`}
              </small>
            </div>
            <div class="kpi">
              <span>{t('dash.emotionTile')}</span>
              <b>{pct(shown?.emotionSatisfaction)}</b>
              <small>({shown?.emotionEstimates ?? 0})</small>
            </div>
          </div>
        </section>

        <section class="card span-8" data-panel="services">
          <h2>{t('dash.services')}</h2>
          <table class="data">
            <thead>
              <tr>
                <th>{t('common.service')}</th>
                <th class="n">{t('common.waiting')}</th>
                <th class="n">{t('dash.meanWait')}</th>
                <th class="n">{t('dash.p90Wait')}</th>
                <th class="n">{t('dash.maxWait')}</th>
                <th>
                  {t('dash.withinTarget', { n: target })} · {t('dash.goal', { n: pct(goal) })}
                </th>
                <th class="n">{t('dash.served')}</th>
              </tr>
            </thead>
            <tbody>
              {services.map((s) => {
                const k = shown?.services.find((x) => x.serviceId === s.id);
                const q = range ? undefined : queue?.services.find((x) => x.serviceId === s.id);
                return (
                  <tr key={s.id} data-service={s.id}>
                    <td>
                      <b>{s.prefix}</b> {loc(s.name)}
                    </td>
                    <td class="n" data-waiting={q?.waiting ?? k?.waiting ?? 0}>
                      {q?.waiting ?? k?.waiting ?? 0}
                      {q && (
                        <small class="muted">
                          {' · '}
                          {q.noCounterOpen
                            ? t('common.noCounterOpen')
                            : `~${t('common.minutes', { n: q.etaMinutes })}`}
                        </small>
                      )}
                    </td>
                    <td class="n">{num(k?.meanWaitMinutes)}</td>
                    <td class="n">{num(k?.p90WaitMinutes)}</td>
                    <td class="n">{num(k?.maxWaitMinutes)}</td>
                    <td>
                      <Bar share={k?.withinTargetShare ?? null} goal={goal} /> {pct(k?.withinTargetShare)}
                    </td>
                    <td class="n">{k?.served ?? 0}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>

        <section class="card span-4" data-panel="alerts">
          <h2>{t('dash.alerts')}</h2>
          {alerts.length === 0 ? (
            <p class="muted">{t('dash.noAlerts')}</p>
          ) : (
            <ul class="alerts">
              {alerts.map((a, i) => (
                <li key={i} class={a.level}>
                  {a.text}
                </li>
              ))}
            </ul>
          )}
        </section>

        <section class="card" data-panel="counters">
          <h2>{t('dash.counters')}</h2>
          <div class="counter-grid">
            {queue?.counters.map((c) => {
              const device = devices.find((d) => d.counterId === c.counterId);
              const state = !c.open ? 'closed' : c.currentNumber ? 'serving' : 'idle';
              return (
                <div
                  key={c.counterId}
                  class={`counter-card ${state} ${device && !device.online && device.statusAt !== null ? 'offline' : ''}`}
                  data-counter={c.counterId}
                >
                  <b>{counterName(c.counterId)}</b>
                  <span class={`badge ${c.open ? 'badge-ok' : 'badge-off'}`}>
                    {c.open ? t('dash.counterOpen') : t('dash.counterClosed')}
                  </span>
                  <span data-state={state}>
                    {c.currentNumber
                      ? t(c.currentStatus === 'serving' ? 'dash.counterServing' : 'dash.counterCalling', {
                          number: c.currentNumber,
                        })
                      : c.open
                        ? t('dash.counterIdle')
                        : ''}
                  </span>
                  {device && (
                    <span class={`badge ${device.online ? 'badge-ok' : 'badge-err'}`}>
                      {device.online ? t('dash.deviceOnline') : t('dash.deviceOffline')}
                    </span>
                  )}
                  <small class="muted">
                    {(counters.find((x) => x.id === c.counterId)?.serviceIds ?? [])
                      .map((id) => services.find((s) => s.id === id)?.prefix ?? id)
                      .join(' · ')}
                  </small>
                </div>
              );
            })}
          </div>
          {devices.filter((d) => !d.counterId).length > 0 && (
            <>
              <h3>{t('dash.devices')}</h3>
              <div class="row">
                {devices
                  .filter((d) => !d.counterId)
                  .map((d) => (
                    <span
                      key={d.id}
                      class={`badge ${d.online ? 'badge-ok' : d.statusAt === null ? 'badge-off' : 'badge-err'}`}
                      data-device={d.id}
                    >
                      {t(`dash.kind.${d.kind}`)} {d.id}:{' '}
                      {d.online
                        ? t('dash.deviceOnline')
                        : d.statusAt === null
                          ? t('dash.deviceNever')
                          : t('dash.deviceOffline')}
                    </span>
                  ))}
              </div>
            </>
          )}
        </section>

        <HourPanel
          panel="arrivals"
          title={t('dash.arrivals')}
          rows={hourly}
          today={(r) => r.arrivals}
          typical={(r) => r.typicalArrivals}
          todayLabel={range ? periodText : t('dash.today')}
        />
        <HourPanel
          panel="waits"
          title={t('dash.waitByHour')}
          rows={hourly}
          today={(r) => r.meanWaitMinutes}
          typical={(r) => r.typicalMeanWaitMinutes}
          todayLabel={range ? periodText : t('dash.today')}
          target={target}
        />

        <section class="card span-6" data-panel="officers">
          <h2>{t('dash.officers')}</h2>
          <table class="data">
            <thead>
              <tr>
                <th>{t('dash.officer')}</th>
                <th class="n">{t('dash.served')}</th>
                <th class="n">{t('dash.meanService')}</th>
                <th class="n">{t('dash.ratings')}</th>
                <th class="n">{t('dash.satisfaction')}</th>
                {hasEmotion && <th class="n">{t('dash.emotion')}</th>}
              </tr>
            </thead>
            <tbody>
              {shown?.officers.map((o) => (
                <tr key={o.officerId} data-officer={o.officerId}>
                  <td title={o.officerId}>{o.displayName ?? o.officerId}</td>
                  <td class="n">{o.served}</td>
                  <td class="n">
                    {o.meanServiceMinutes != null
                      ? t('common.minutes', { n: num(o.meanServiceMinutes) })
                      : '—'}
                  </td>
                  <td class="n">{o.ratings}</td>
                  <td class="n">{pct(o.satisfiedShare)}</td>
                  {hasEmotion && (
                    <td class="n">
                      {pct(emotionOf(o))} <small class="muted">({Number(o.emotionEstimates ?? 0)})</small>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </section>

        {advice !== null && (
          <section class="card span-6" data-panel="advice">
            <h2>{t('dash.advice')}</h2>
            {advice.length === 0 && <p class="muted">{t('dash.noAdvice')}</p>}
            <ul class="alerts">
              {advice.map((a) => {
                const key = `${a.counterId}>${a.toServiceId}`;
                return (
                  <li key={key} class="warn">
                    {t('dash.adviceLine', {
                      counter: counterName(a.counterId),
                      service: svcName(a.toServiceId),
                      before: Math.round(a.predictedWaitBefore),
                      after: Math.round(a.predictedWaitAfter),
                    })}
                    <br />
                    <small>{loc(a.reason)}</small>{' '}
                    <button
                      type="button"
                      class="btn btn-primary no-print"
                      disabled={applied.has(key)}
                      onClick={() => applyAdvice(a)}
                    >
                      {applied.has(key) ? t('dash.applied') : t('dash.apply')}
                    </button>
                  </li>
                );
              })}
            </ul>
          </section>
        )}

        <section class="card span-6 no-print" data-panel="reports">
          <h2>{t('dash.reports')}</h2>
          <div class="row">
            <a class="btn btn-secondary" href={`/api/reports/tickets.csv${csvQuery}`} data-csv download>
              <Icon name="download" /> {range ? t('dash.csvPeriod') : t('dash.csv')}
            </a>
            <button type="button" class="btn btn-primary" onClick={() => print()}>
              <Icon name="printer" /> {t('dash.print')}
            </button>
          </div>
        </section>

        <section class="card no-print" data-panel="config">
          <h2>{t('dash.config')}</h2>
          <p class="muted">{t('dash.configNote')}</p>
          <table class="data">
            <thead>
              <tr>
                <th>{t('dash.counters')}</th>
                <th>{t('dash.counterServices')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {counters.map((c) => {
                const chosen = edits[c.id] ?? c.serviceIds;
                return (
                  <tr key={c.id} data-config-counter={c.id}>
                    <td>{loc(c.name)}</td>
                    <td>
                      <div class="svc-checks">
                        {services.map((s) => (
                          <label key={s.id}>
                            <input
                              type="checkbox"
                              checked={chosen.includes(s.id)}
                              onChange={(e) => {
                                const on = e.currentTarget.checked;
                                setEdits({
                                  ...edits,
                                  [c.id]: on ? [...chosen, s.id] : chosen.filter((x) => x !== s.id),
                                });
                              }}
                            />
                            {s.prefix} {loc(s.name)}
                          </label>
                        ))}
                      </div>
                    </td>
                    <td>
                      <button
                        type="button"
                        class="btn btn-secondary"
                        disabled={!edits[c.id]}
                        onClick={() => saveServices(c.id)}
                      >
                        {t('dash.saveServices')}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <h3>{t('dash.services')}</h3>
          <table class="data">
            <thead>
              <tr>
                <th>{t('dash.prefix')}</th>
                <th>{t('common.service')}</th>
                <th class="n">{t('dash.meanServiceCfg')}</th>
                <th>{t('dash.counters')}</th>
              </tr>
            </thead>
            <tbody>
              {services.map((s) => (
                <tr key={s.id}>
                  <td>{s.prefix}</td>
                  <td>{loc(s.name)}</td>
                  <td class="n">{s.meanServiceMinutes}</td>
                  <td>
                    {counters
                      .filter((c) => c.serviceIds.includes(s.id))
                      .map((c) => c.number)
                      .join(', ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <details>
            <summary>
              {t('dash.procedures')} ({procedures.length})
            </summary>
            <table class="data">
              <tbody>
                {procedures.map((p) => (
                  <tr key={p.id}>
                    <td>{p.code}</td>
                    <td>{loc(p.name)}</td>
                    <td>{svcName(p.serviceId)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </section>
      </div>
    </>
  );
}

/** A date or month input of the period picker; an emptied field changes nothing. */
function PeriodField({
  type,
  field,
  choice,
  onPick,
  label = t('dash.period'),
}: {
  type: 'date' | 'month';
  field: 'day' | 'from' | 'to' | 'month';
  choice: PeriodChoice;
  onPick: (c: PeriodChoice) => void;
  label?: string;
}) {
  return (
    <input
      type={type}
      aria-label={label}
      {...{ [`data-period-${field}`]: true }}
      value={choice[field]}
      onChange={(e) => e.currentTarget.value && onPick({ ...choice, [field]: e.currentTarget.value })}
    />
  );
}

/** The report named in the address (`#report=period%3Dmonth%26month%3D2026-11`), so it can be linked and printed. */
function reportInHash(): string | null {
  const m = /^#report=(.+)$/.exec(location.hash);
  return m ? decodeURIComponent(m[1]!) : null;
}

function openReport(query: string | null): void {
  location.hash = query ? `report=${encodeURIComponent(query)}` : '';
}

/** `2026-11`, `2026-Q4` or `2026` for a month, quarter or year choice. */
function reportLabel(c: PeriodChoice): string {
  return c.mode === 'month' ? c.month : c.mode === 'quarter' ? `${c.year}-Q${c.quarter}` : String(c.year);
}

function App() {
  const [staff, setStaff] = useState<StaffInfo | null | undefined>(undefined);
  void lang.value;
  useEffect(() => {
    api.me().then(
      (s) => setStaff(s.role === 'officer' ? null : s),
      () => setStaff(null),
    );
  }, []);
  if (staff === undefined) return <p class="muted">{t('common.loading')}</p>;
  if (!staff)
    return (
      <>
        <Header title={t('dash.title')} />
        <Login api={api} roles={['manager', 'admin']} onSignedIn={setStaff} />
      </>
    );
  return (
    <Dashboard
      staff={staff}
      onSignOut={async () => {
        await api.logout().catch(() => {});
        setStaff(null);
      }}
    />
  );
}

render(<App />, document.getElementById('app')!);
