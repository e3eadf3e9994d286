/**
 * The province's periods: sites ranked for a day, month, quarter or year, grouped by area, and a
 * site's report (officers against Decision 468's floors, arrivals and waits per hour and per day, the
 * forecast of the next days with the counters it needs). Vietnamese first.
 */
import type {
  HubForecastResponse,
  HubRankingsResponse,
  HubSiteRank,
  HubSiteReport,
  LocalizedText,
} from '@oss/protocol';
import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../shared/api.ts';
import { BarChart, chartHours } from '../shared/bar-chart.tsx';
import { loc, num, pct } from '../shared/i18n.ts';
import { ErrorBanner } from '../shared/ui.tsx';
import { currentLabel, groupByArea, type PeriodKind } from './model.ts';

export const ARRIVALS_COLOR = '#a0524e';

const P = {
  periods: { vi: 'Theo kỳ', en: 'By period' },
  kind: { vi: 'Kỳ', en: 'Period' },
  day: { vi: 'Ngày', en: 'Day' },
  month: { vi: 'Tháng', en: 'Month' },
  quarter: { vi: 'Quý', en: 'Quarter' },
  year: { vi: 'Năm', en: 'Year' },
  label: { vi: 'Kỳ cụ thể', en: 'Which' },
  ranking: { vi: 'Xếp hạng đơn vị', en: 'Sites ranked' },
  rank: { vi: 'Hạng', en: 'Rank' },
  site: { vi: 'Đơn vị', en: 'Site' },
  area: { vi: 'Khu vực', en: 'Area' },
  noArea: { vi: 'Chưa xếp khu vực', en: 'No area' },
  issued: { vi: 'Số phiếu', en: 'Tickets' },
  served: { vi: 'Đã phục vụ', en: 'Served' },
  meanWait: { vi: 'Chờ trung bình', en: 'Mean wait' },
  withinTarget: { vi: 'Trong chỉ tiêu', en: 'Within target' },
  satisfied: { vi: 'Hài lòng', en: 'Satisfied' },
  byArea: { vi: 'Đơn vị theo khu vực', en: 'Sites by area' },
  officers: {
    vi: 'Cán bộ và định mức năng suất (Quyết định 468)',
    en: 'Officers and productivity floors (Decision 468)',
  },
  officer: { vi: 'Cán bộ', en: 'Officer' },
  dossiers: { vi: 'Hồ sơ tiếp nhận', en: 'Dossiers received' },
  yearServed: { vi: 'Phục vụ từ đầu năm', en: 'Served this year' },
  floorToDate: { vi: 'Định mức đến nay', en: 'Floor to date' },
  floor: { vi: 'Định mức năm: {n} hồ sơ/cán bộ', en: 'Yearly floor: {n} dossiers per officer' },
  below: { vi: 'Dưới định mức', en: 'Below the floor' },
  meets: { vi: 'Đạt', en: 'Meets' },
  byHour: { vi: 'Lượt đến và thời gian chờ theo giờ', en: 'Arrivals and waits by hour' },
  byDay: { vi: 'Lượt đến và thời gian chờ theo ngày', en: 'Arrivals and waits by day' },
  arrivals: { vi: 'Lượt đến', en: 'Arrivals' },
  target: { vi: 'chỉ tiêu {n} phút', en: 'target {n} min' },
  minutes: { vi: '{n} phút', en: '{n} min' },
  forecast: { vi: 'Dự báo những ngày tới', en: 'Forecast for the next days' },
  expected: { vi: 'Lượt đến dự kiến', en: 'Expected arrivals' },
  counters: { vi: 'Số quầy cần (chờ ≤ {n} phút)', en: 'Counters needed (wait ≤ {n} min)' },
  closed: { vi: 'Nghỉ', en: 'Closed' },
  none: { vi: 'Không có số liệu trong kỳ này', en: 'No figures for this period' },
  close: { vi: 'Đóng', en: 'Close' },
} satisfies Record<string, LocalizedText>;

/** A text in the current language with `{name}` filled in. */
export function phrase(text: LocalizedText, params: Record<string, string | number> = {}): string {
  return loc(text).replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}
const say = (key: keyof typeof P, params?: Record<string, string | number>) => phrase(P[key], params);
const KINDS: PeriodKind[] = ['day', 'month', 'quarter', 'year'];
const minutes = (m: number | null) => (m === null ? '—' : say('minutes', { n: num(m) }));

export function ChartLegend({ target }: { target: number }) {
  return (
    <div class="legend">
      <span>
        <i style={{ background: ARRIVALS_COLOR }} />
        {say('arrivals')}
      </span>
      <span>
        <i style={{ background: '#1f6f3a', borderRadius: '6px' }} />
        {say('meanWait')}
      </span>
      <span>
        <i style={{ borderTop: '2px dashed #1f6f3a', height: 0 }} />
        {say('target', { n: target })}
      </span>
    </div>
  );
}

/** The browser's local date, `YYYY-MM-DD`. */
export function localToday(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function PeriodsPanel({ api }: { api: Api }) {
  const [kind, setKind] = useState<PeriodKind>('month');
  const [label, setLabel] = useState(currentLabel('month', localToday()));
  const [ranking, setRanking] = useState<HubRankingsResponse | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setError(null);
    api
      .get<HubRankingsResponse>(`/api/rankings?period=${kind}&label=${encodeURIComponent(label)}`)
      .then(setRanking, setError);
  }, [kind, label]);
  const sites = ranking?.sites ?? [];
  return (
    <>
      <section class="card" data-panel="periods">
        <h2>{say('periods')}</h2>
        <div class="row" style={{ gap: '16px', alignItems: 'center' }}>
          <fieldset class="row" style={{ gap: '8px', border: 0, padding: 0 }}>
            <legend class="sr-only">{say('kind')}</legend>
            {KINDS.map((k) => (
              <button
                key={k}
                type="button"
                data-period={k}
                aria-pressed={k === kind}
                class={`btn ${k === kind ? '' : 'btn-ghost'}`}
                onClick={() => {
                  setKind(k);
                  setLabel(currentLabel(k, localToday()));
                }}
              >
                {say(k)}
              </button>
            ))}
          </fieldset>
          <label>
            {say('label')}{' '}
            <input
              name="period-label"
              value={label}
              onChange={(e) => setLabel(e.currentTarget.value.trim())}
            />
          </label>
        </div>
        <ErrorBanner error={error} />
      </section>
      <section class="card span-6" data-panel="rankings">
        <h2>{say('ranking')}</h2>
        {sites.length === 0 ? (
          <p class="muted">{say('none')}</p>
        ) : (
          <table class="data" data-table="rankings">
            <thead>
              <tr>
                <th class="n">{say('rank')}</th>
                <th>{say('site')}</th>
                <th>{say('area')}</th>
                <th class="n">{say('issued')}</th>
                <th class="n">{say('meanWait')}</th>
                <th class="n">{say('withinTarget')}</th>
                <th class="n">{say('satisfied')}</th>
              </tr>
            </thead>
            <tbody>
              {sites.map((s) => (
                <tr
                  key={s.siteId}
                  data-rank-site={s.siteId}
                  onClick={() => setOpen(s.siteId)}
                  style={{ cursor: 'pointer' }}
                >
                  <td class="n">{s.rank}</td>
                  <td>
                    <button type="button" class="link" onClick={() => setOpen(s.siteId)}>
                      {loc(s.name)}
                    </button>
                  </td>
                  <td>{s.area ? loc(s.area) : '—'}</td>
                  <td class="n">{s.issued}</td>
                  <td class="n">{minutes(s.meanWaitMinutes)}</td>
                  <td class="n">{pct(s.withinTargetShare)}</td>
                  <td class="n">{pct(s.satisfiedShare)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <AreaTiles sites={sites} onOpen={setOpen} />
      {open && <SiteReport api={api} siteId={open} kind={kind} label={label} onClose={() => setOpen(null)} />}
    </>
  );
}

/** The schematic view: one block per area, a tile per site coloured by its share within the target. */
function AreaTiles({ sites, onOpen }: { sites: HubSiteRank[]; onOpen: (id: string) => void }) {
  if (sites.length === 0) return null;
  const tone = (s: HubSiteRank) =>
    s.withinTargetShare === null
      ? '#d8d8d8'
      : s.withinTargetShare >= 0.9
        ? '#cfe8d2'
        : s.withinTargetShare >= 0.7
          ? '#f6e3b4'
          : '#f2c6c2';
  return (
    <section class="card span-6" data-panel="areas">
      <h2>{say('byArea')}</h2>
      {groupByArea(sites).map((g) => (
        <div key={g.area?.vi ?? ''} data-area={g.area?.vi ?? ''} style={{ marginBottom: '12px' }}>
          <h3>{g.area ? loc(g.area) : say('noArea')}</h3>
          <div class="row" style={{ gap: '8px', flexWrap: 'wrap' }}>
            {g.sites.map((s) => (
              <button
                key={s.siteId}
                type="button"
                data-tile={s.siteId}
                onClick={() => onOpen(s.siteId)}
                style={{
                  background: tone(s),
                  color: '#1a1a1a',
                  border: '1px solid #888',
                  borderRadius: '6px',
                  padding: '8px 12px',
                  textAlign: 'left',
                }}
              >
                <b>
                  #{s.rank} {loc(s.name)}
                </b>
                <br />
                {say('withinTarget')}: {pct(s.withinTargetShare)} · {minutes(s.meanWaitMinutes)}
              </button>
            ))}
          </div>
        </div>
      ))}
    </section>
  );
}

function SiteReport({
  api,
  siteId,
  kind,
  label,
  onClose,
}: {
  api: Api;
  siteId: string;
  kind: PeriodKind;
  label: string;
  onClose: () => void;
}) {
  const [data, setData] = useState<HubSiteReport | null>(null);
  const [forecast, setForecast] = useState<HubForecastResponse | null>(null);
  const [error, setError] = useState<unknown>(null);
  const id = encodeURIComponent(siteId);
  useEffect(() => {
    setData(null);
    api
      .get<HubSiteReport>(`/api/sites/${id}/report?period=${kind}&label=${encodeURIComponent(label)}`)
      .then(setData, setError);
  }, [siteId, kind, label]);
  useEffect(() => {
    setForecast(null);
    api.get<HubForecastResponse>(`/api/sites/${id}/forecast?days=7`).then(setForecast, setError);
  }, [siteId]);
  const target = data?.report.targets.waitMinutes ?? 15;
  const below = new Set(data?.officersBelowFloor ?? []);
  return (
    <>
      <section class="card" data-panel="site-report">
        <div class="row" style={{ justifyContent: 'space-between', alignItems: 'center' }}>
          <h2>{data ? loc(data.name) : siteId}</h2>
          <button type="button" class="btn btn-ghost" onClick={onClose}>
            {say('close')}
          </button>
        </div>
        <ErrorBanner error={error} />
        {data && (
          <>
            <h3>{say('officers')}</h3>
            <p class="muted">{say('floor', { n: data.report.productivityFloor })}</p>
            <table class="data" data-table="officers">
              <thead>
                <tr>
                  <th class="n">{say('rank')}</th>
                  <th>{say('officer')}</th>
                  <th class="n">{say('served')}</th>
                  <th class="n">{say('dossiers')}</th>
                  <th class="n">{say('yearServed')}</th>
                  <th class="n">{say('floorToDate')}</th>
                  <th>{say('satisfied')}</th>
                  <th>—</th>
                </tr>
              </thead>
              <tbody>
                {data.report.officers.map((o) => (
                  <tr key={o.officerId} data-officer={o.officerId}>
                    <td class="n">{o.rank}</td>
                    <td>{o.officerId}</td>
                    <td class="n">{o.served}</td>
                    <td class="n">{o.dossiersReceived ?? '—'}</td>
                    <td class="n">{o.yearServed}</td>
                    <td class="n">{o.floorToDate}</td>
                    <td>{pct(o.satisfiedShare)}</td>
                    <td>
                      {below.has(o.officerId) ? (
                        <span class="badge badge-err" data-below-floor>
                          {say('below')}
                        </span>
                      ) : (
                        <span class="badge badge-ok">{say('meets')}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
      {data && (
        <section class="card span-6" data-panel="report-hours">
          <h3>{say('byHour')}</h3>
          <ChartLegend target={target} />
          <BarChart
            title={say('byHour')}
            barColor={ARRIVALS_COLOR}
            target={{ value: target, label: say('target', { n: target }) }}
            columns={chartHours(data.hourly.filter((r) => r.arrivals > 0).map((r) => r.hour)).map((h) => ({
              label: `${h}h`,
              bar: data.hourly[h]?.arrivals ?? null,
              dot: data.hourly[h]?.meanWaitMinutes ?? null,
            }))}
          />
          <h3>{say('byDay')}</h3>
          <BarChart
            title={say('byDay')}
            barColor={ARRIVALS_COLOR}
            target={{ value: target, label: say('target', { n: target }) }}
            columns={data.daily.map((d) => ({
              label: d.day.slice(5),
              bar: d.arrivals,
              dot: d.meanWaitMinutes,
            }))}
          />
        </section>
      )}
      {forecast && (
        <section class="card span-6" data-panel="forecast">
          <h3>{say('forecast')}</h3>
          <table class="data" data-table="forecast">
            <thead>
              <tr>
                <th>{say('day')}</th>
                <th class="n">{say('expected')}</th>
                <th class="n">{say('counters', { n: forecast.targetWaitMinutes })}</th>
                <th class="n">{say('meanWait')}</th>
              </tr>
            </thead>
            <tbody>
              {forecast.days.map((d) => (
                <tr key={d.day} data-forecast-day={d.day}>
                  <td>{d.day}</td>
                  <td class="n">{d.total > 0 ? num(d.total, 0) : say('closed')}</td>
                  <td class="n">{d.countersNeeded ?? '—'}</td>
                  <td class="n">{minutes(d.meanWaitMinutes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <BarChart
            title={say('expected')}
            barColor={ARRIVALS_COLOR}
            columns={forecast.days.map((d) => ({ label: d.day.slice(5), bar: d.total }))}
          />
        </section>
      )}
    </>
  );
}
