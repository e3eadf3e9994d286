/** The province app (served by the hub at /province): every site's live state, alerts, a site's day. */
import '../shared/style.css';
import type { HubTicket, LocalizedText } from '@oss/protocol';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Api, type StaffInfo } from '../shared/api.ts';
import { BarChart, chartHours } from '../shared/bar-chart.tsx';
import { lang, loc, num, pct, timeOf } from '../shared/i18n.ts';
import { ErrorBanner, Header, Login, OfflineBanner } from '../shared/ui.tsx';
import {
  type AlertKind,
  alertsOf,
  filterSites,
  type HourWaits,
  type HubSite,
  type SortKey,
  sortSites,
  targetOf,
  waitsByHour,
} from './model.ts';
import { ARRIVALS_COLOR, ChartLegend, PeriodsPanel, phrase } from './periods.tsx';

const api = new Api();
const REFRESH_MS = 5000;

/** The app's own words, Vietnamese first. */
const S = {
  title: { vi: 'Giám sát một cửa toàn tỉnh', en: 'Province one-stop monitoring' },
  sites: { vi: 'Đơn vị', en: 'Sites' },
  online: { vi: 'Đang kết nối', en: 'Online' },
  alerts: { vi: 'Cảnh báo', en: 'Alerts' },
  issued: { vi: 'Số phiếu đã cấp', en: 'Tickets issued' },
  served: { vi: 'Đã phục vụ', en: 'Served' },
  waiting: { vi: 'Đang chờ', en: 'Waiting' },
  meanWait: { vi: 'Chờ trung bình', en: 'Mean wait' },
  withinTarget: { vi: 'Trong chỉ tiêu', en: 'Within target' },
  satisfied: { vi: 'Hài lòng', en: 'Satisfied' },
  lastEvent: { vi: 'Sự kiện cuối', en: 'Last event' },
  site: { vi: 'Đơn vị', en: 'Site' },
  search: { vi: 'Tìm đơn vị…', en: 'Find a site…' },
  onlyAlerts: { vi: 'Chỉ đơn vị có cảnh báo', en: 'Only sites with alerts' },
  'over-target': { vi: 'Chờ quá chỉ tiêu', en: 'Wait over target' },
  silent: { vi: 'Không có dữ liệu mới', en: 'No recent data' },
  offline: { vi: 'Mất kết nối', en: 'Offline' },
  none: { vi: 'Không có đơn vị nào', en: 'No sites' },
  day: { vi: 'Ngày', en: 'Day' },
  close: { vi: 'Đóng', en: 'Close' },
  number: { vi: 'Số', en: 'Number' },
  service: { vi: 'Dịch vụ', en: 'Service' },
  status: { vi: 'Trạng thái', en: 'Status' },
  issuedAt: { vi: 'Lấy số', en: 'Issued' },
  calledAt: { vi: 'Gọi', en: 'Called' },
  counter: { vi: 'Quầy', en: 'Counter' },
  rating: { vi: 'Đánh giá', en: 'Rating' },
  byHour: { vi: 'Lượt đến và thời gian chờ theo giờ', en: 'Arrivals and waits by hour' },
  arrivals: { vi: 'Lượt đến', en: 'Arrivals' },
  noTickets: { vi: 'Không có phiếu trong ngày này', en: 'No tickets that day' },
  target: { vi: 'chỉ tiêu {n} phút', en: 'target {n} min' },
  minutes: { vi: '{n} phút', en: '{n} min' },
  signOut: { vi: 'Đăng xuất', en: 'Sign out' },
} satisfies Record<string, LocalizedText>;

const STATUS: Record<HubTicket['status'], LocalizedText> = {
  waiting: { vi: 'Đang chờ', en: 'Waiting' },
  called: { vi: 'Đã gọi', en: 'Called' },
  serving: { vi: 'Đang phục vụ', en: 'Serving' },
  done: { vi: 'Xong', en: 'Done' },
  no_show: { vi: 'Vắng mặt', en: 'No-show' },
  cancelled: { vi: 'Đã huỷ', en: 'Cancelled' },
};

const say = (key: keyof typeof S, params?: Record<string, string | number>) => phrase(S[key], params);

function ago(iso: string | null, now: number): string {
  if (!iso) return '—';
  const minutes = Math.round((now - Date.parse(iso)) / 60_000);
  if (minutes < 1) return lang.value === 'vi' ? 'vừa xong' : 'just now';
  if (minutes < 120) return lang.value === 'vi' ? `${minutes} phút trước` : `${minutes} min ago`;
  return `${iso.slice(0, 10)} ${timeOf(iso)}`;
}

function Province({ staff, onSignOut }: { staff: StaffInfo; onSignOut: () => void }) {
  const [sites, setSites] = useState<HubSite[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [connected, setConnected] = useState(true);
  const [query, setQuery] = useState('');
  const [onlyAlerts, setOnlyAlerts] = useState(false);
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({
    key: 'alerts',
    descending: true,
  });
  const [open, setOpen] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());

  useEffect(() => {
    const load = () =>
      api.get<{ sites: HubSite[] }>('/api/sites').then(
        (r) => {
          setSites(r.sites);
          setConnected(true);
          setError(null);
          setNow(Date.now());
        },
        (e) => {
          setConnected(false);
          setError(e);
        },
      );
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  const shown = sortSites(filterSites(sites, query, onlyAlerts, now), sort.key, now, sort.descending);
  const withAlerts = sites.filter((s) => alertsOf(s, now).length > 0).length;
  const total = (f: (s: HubSite) => number) => sites.reduce((a, s) => a + f(s), 0);
  const header = (key: SortKey, label: string, numeric = true) => (
    <th
      class={numeric ? 'n sortable' : 'sortable'}
      data-sort={key}
      aria-sort={sort.key === key ? (sort.descending ? 'descending' : 'ascending') : 'none'}
      onClick={() => setSort({ key, descending: sort.key === key ? !sort.descending : key !== 'name' })}
    >
      {label}
      {sort.key === key ? (sort.descending ? ' ▼' : ' ▲') : ''}
    </th>
  );
  const selected = sites.find((s) => s.id === open) ?? null;

  return (
    <>
      <Header title={say('title')}>
        <span>{staff.username}</span>
        <button type="button" class="btn btn-ghost" onClick={onSignOut}>
          {say('signOut')}
        </button>
      </Header>
      <OfflineBanner show={!connected} />
      <ErrorBanner error={error} />
      <main class="dash">
        <section class="card" data-panel="province-totals">
          <div class="kpis">
            <Kpi label={say('sites')} value={String(sites.length)} />
            <Kpi label={say('online')} value={String(sites.filter((s) => s.online).length)} />
            <Kpi label={say('alerts')} value={String(withAlerts)} bad={withAlerts > 0} />
            <Kpi label={say('issued')} value={String(total((s) => s.today.issued))} />
            <Kpi label={say('served')} value={String(total((s) => s.today.served))} />
            <Kpi label={say('waiting')} value={String(total((s) => s.today.waiting ?? 0))} />
          </div>
        </section>
        <section class={`card ${selected ? 'span-6' : ''}`} data-panel="sites">
          <div class="row" style={{ gap: '16px', alignItems: 'center', marginBottom: '8px' }}>
            <input
              type="search"
              name="site-filter"
              placeholder={say('search')}
              value={query}
              onInput={(e) => setQuery(e.currentTarget.value)}
            />
            <label>
              <input
                type="checkbox"
                checked={onlyAlerts}
                onChange={(e) => setOnlyAlerts(e.currentTarget.checked)}
              />{' '}
              {say('onlyAlerts')}
            </label>
          </div>
          <table class="data" data-table="sites">
            <thead>
              <tr>
                {header('name', say('site'), false)}
                {header('alerts', say('alerts'), false)}
                {header('issued', say('issued'))}
                {header('waiting', say('waiting'))}
                {header('meanWait', say('meanWait'))}
                {header('withinTarget', say('withinTarget'))}
                {header('satisfied', say('satisfied'))}
                <th>{say('lastEvent')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.length === 0 && (
                <tr>
                  <td colSpan={8} class="muted">
                    {say('none')}
                  </td>
                </tr>
              )}
              {shown.map((s) => (
                <SiteRow
                  key={s.id}
                  site={s}
                  now={now}
                  selected={s.id === open}
                  onOpen={() => setOpen(s.id)}
                />
              ))}
            </tbody>
          </table>
        </section>
        {selected && <SiteDay site={selected} onClose={() => setOpen(null)} />}
        <PeriodsPanel api={api} />
      </main>
    </>
  );
}

function Kpi({ label, value, bad }: { label: string; value: string; bad?: boolean }) {
  return (
    <div class={`kpi ${bad ? 'bad' : ''}`}>
      <span>{label}</span>
      <b>{value}</b>
    </div>
  );
}

function AlertBadges({ alerts }: { alerts: AlertKind[] }) {
  if (alerts.length === 0) return <span class="badge badge-ok">OK</span>;
  return (
    <>
      {alerts.map((a) => (
        <span key={a} class={`badge ${a === 'over-target' ? 'badge-err' : 'badge-off'}`} data-alert={a}>
          {say(a)}
        </span>
      ))}
    </>
  );
}

function SiteRow({
  site,
  now,
  selected,
  onOpen,
}: {
  site: HubSite;
  now: number;
  selected: boolean;
  onOpen: () => void;
}) {
  const target = targetOf(site);
  const wait = site.today.meanWaitMinutes;
  return (
    <tr data-site={site.id} class={selected ? 'selected' : ''} onClick={onOpen} style={{ cursor: 'pointer' }}>
      <td>
        <span class={`live-dot ${site.online ? '' : 'off'}`} /> <b>{loc(site.name)}</b>
        <br />
        <small class="muted">{site.id}</small>
      </td>
      <td>
        <AlertBadges alerts={alertsOf(site, now)} />
      </td>
      <td class="n">{site.today.issued}</td>
      <td class="n">{site.today.waiting ?? '—'}</td>
      <td class="n" style={wait !== null && wait > target ? { color: 'var(--err)', fontWeight: 700 } : {}}>
        {wait === null ? '—' : say('minutes', { n: num(wait) })}
        <br />
        <small class="muted">{say('target', { n: target })}</small>
      </td>
      <td class="n">{pct(site.today.withinTargetShare)}</td>
      <td class="n">{pct(site.today.satisfiedShare)}</td>
      <td>{ago(site.lastEventAt, now)}</td>
    </tr>
  );
}

/** A site's day: waits per hour as a chart, and its tickets. */
function SiteDay({ site, onClose }: { site: HubSite; onClose: () => void }) {
  // The site's own date (its zone, not this browser's): after midnight there, its new day.
  const [day, setDay] = useState(site.day);
  const [tickets, setTickets] = useState<HubTicket[] | null>(null);
  const [services, setServices] = useState<Map<string, LocalizedText>>(new Map());
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setTickets(null);
    api
      .get<{ tickets: HubTicket[]; services?: { id: string; name: LocalizedText }[] }>(
        `/api/sites/${encodeURIComponent(site.id)}/tickets?day=${day}`,
      )
      .then((r) => {
        setTickets(r.tickets);
        setServices(new Map((r.services ?? []).map((s) => [s.id, s.name])));
      }, setError);
  }, [site.id, day, site.feedSeq]);
  return (
    <section class="card span-6" data-panel="site-day">
      <div class="row" style={{ justifyContent: 'space-between', alignItems: 'center' }}>
        <h2>{loc(site.name)}</h2>
        <button type="button" class="btn btn-ghost" onClick={onClose}>
          {say('close')}
        </button>
      </div>
      <label>
        {say('day')}{' '}
        <input
          type="date"
          name="day"
          value={day}
          onChange={(e) => setDay(e.currentTarget.value || site.day)}
        />
      </label>
      <ErrorBanner error={error} />
      <h3>{say('byHour')}</h3>
      <HourChart rows={tickets ? waitsByHour(tickets) : []} target={targetOf(site)} />
      {tickets && tickets.length === 0 && <p class="muted">{say('noTickets')}</p>}
      {tickets && tickets.length > 0 && (
        <table class="data" data-table="tickets">
          <thead>
            <tr>
              <th>{say('number')}</th>
              <th>{say('service')}</th>
              <th>{say('status')}</th>
              <th>{say('issuedAt')}</th>
              <th>{say('calledAt')}</th>
              <th>{say('counter')}</th>
              <th class="n">{say('rating')}</th>
            </tr>
          </thead>
          <tbody>
            {tickets.map((t) => (
              <tr key={t.id}>
                <td>
                  <b>{t.number}</b>
                </td>
                <td>{loc(services.get(t.serviceId)) || t.serviceId}</td>
                <td>{loc(STATUS[t.status])}</td>
                <td>{timeOf(t.issuedAt)}</td>
                <td>{timeOf(t.calledAt ?? undefined)}</td>
                <td>{t.counterId ?? '—'}</td>
                <td class="n">{t.rating ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Bars: arrivals per hour; dots: the mean wait, against the target line. */
function HourChart({ rows, target }: { rows: HourWaits[]; target: number }) {
  if (rows.length === 0) return null;
  const byHour = new Map(rows.map((r) => [r.hour, r]));
  const columns = chartHours(rows.map((r) => r.hour)).map((h) => ({
    label: `${h}h`,
    bar: byHour.get(h)?.arrivals ?? null,
    dot: byHour.get(h)?.meanWait ?? null,
  }));
  return (
    <figure style={{ margin: 0 }}>
      <ChartLegend target={target} />
      <BarChart
        columns={columns}
        title={say('byHour')}
        target={{ value: target, label: say('target', { n: target }) }}
        barColor={ARRIVALS_COLOR}
      />
    </figure>
  );
}

function App() {
  const [staff, setStaff] = useState<StaffInfo | null>(null);
  const [checked, setChecked] = useState(false);
  useEffect(() => {
    api
      .me()
      .then(setStaff, () => {})
      .finally(() => setChecked(true));
  }, []);
  if (!checked) return null;
  if (!staff)
    return (
      <>
        <Header title={say('title')} />
        <Login api={api} roles={['admin', 'manager']} onSignedIn={setStaff} />
      </>
    );
  return (
    <Province
      staff={staff}
      onSignOut={() => {
        void api.logout().finally(() => setStaff(null));
      }}
    />
  );
}

render(<App />, document.getElementById('app')!);
