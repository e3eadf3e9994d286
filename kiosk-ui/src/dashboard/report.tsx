/** The printable month / quarter / year report for the centre's leadership (`GET /api/reports`). */
import { useEffect, useState } from 'preact/hooks';
import type { Api, ServiceInfo, SiteInfo } from '../shared/api.ts';
import { loc, num, pct, type StringKey, t } from '../shared/i18n.ts';
import { Icon } from '../shared/icons.tsx';
import { ErrorBanner } from '../shared/ui.tsx';
import { EmotionValue } from './panels/emotion.tsx';
import { viDate } from './period.ts';
import type { Report, Waits } from './types.ts';

/** "tháng 11/2026", "quý 4/2026", "năm 2026". */
export function periodName(kind: string, label: string): string {
  const y = label.slice(0, 4);
  if (kind === 'month') return t('rep.month', { m: label.slice(5, 7), y });
  if (kind === 'quarter') return t('rep.quarter', { q: label.slice(-1), y });
  return t('rep.year', { y });
}

const minutes = (x: number | null) => (x === null ? '—' : t('common.minutes', { n: num(x) }));

function WaitCells({ w, target }: { w: Waits; target: number }) {
  return (
    <>
      <td class={`n ${(w.meanWaitMinutes ?? 0) > target ? 'bad' : ''}`}>{minutes(w.meanWaitMinutes)}</td>
      <td class="n">{minutes(w.p90WaitMinutes)}</td>
      <td class="n">{pct(w.withinTargetShare)}</td>
    </>
  );
}

export function ReportView({
  api,
  query,
  site,
  services,
  onBack,
}: {
  api: Api;
  query: string;
  site: SiteInfo | null;
  services: ServiceInfo[];
  onBack: () => void;
}) {
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setReport(null);
    api.get<Report>(`/api/reports?${query}`).then(setReport, setError);
  }, [query]);
  if (!report)
    return (
      <div class="dash report">
        <ErrorBanner error={error} />
        {!error && <p class="muted">{t('rep.loading')}</p>}
      </div>
    );
  const { kpis, targets } = report;
  const target = targets.waitMinutes;
  const className = (id: string) =>
    loc(site?.priorityClasses?.find((c) => c.id === id)?.name) ||
    (id === 'priority' ? t('rep.allPriority') : id);
  const svcName = (id: string) => loc(services.find((s) => s.id === id)?.name) || id;
  const scores = kpis.satisfiedScores.join(', ');
  const waitHead = (
    <>
      <th class="n">{t('dash.meanWait')}</th>
      <th class="n">{t('dash.p90Wait')}</th>
      <th class="n">{t('dash.withinTarget', { n: target })}</th>
    </>
  );
  return (
    <div class="dash report" data-report={report.period.label}>
      <section class="card">
        <div class="row no-print" style={{ justifyContent: 'space-between' }}>
          <button type="button" class="btn btn-ghost" onClick={onBack}>
            {t('rep.back')}
          </button>
          <button type="button" class="btn btn-primary" onClick={() => print()}>
            <Icon name="printer" /> {t('rep.print')}
          </button>
        </div>
        <h2 data-report-title>
          {t('rep.title', { period: periodName(report.period.kind, report.period.label) })}
        </h2>
        <p>
          {loc(site?.site.name)} ·{' '}
          {t('dash.periodLabel', { from: viDate(report.period.from), to: viDate(report.period.to) })}
        </p>
        <div class="kpis">
          <div class="kpi">
            <span>{t('dash.issued')}</span>
            <b>{num(kpis.issued, 0)}</b>
          </div>
          <div class="kpi">
            <span>{t('dash.served')}</span>
            <b>{num(kpis.served, 0)}</b>
          </div>
          <div class={`kpi ${(kpis.meanWaitMinutes ?? 0) > target ? 'bad' : 'good'}`}>
            <span>
              {t('dash.meanWait')} ({t('rep.target')} {t('common.minutes', { n: target })})
            </span>
            <b data-report-mean-wait>{minutes(kpis.meanWaitMinutes)}</b>
          </div>
          <div class={`kpi ${(kpis.withinTargetShare ?? 1) < targets.withinTargetShare ? 'bad' : 'good'}`}>
            <span>
              {t('dash.withinTarget', { n: target })} ({t('dash.goal', { n: pct(targets.withinTargetShare) })}
              )
            </span>
            <b>{pct(kpis.withinTargetShare)}</b>
          </div>
          <div class={`kpi ${(kpis.satisfiedShare ?? 1) < targets.satisfactionShare ? 'bad' : 'good'}`}>
            <span>
              {t('dash.satisfaction')} ({t('dash.goal', { n: pct(targets.satisfactionShare) })})
            </span>
            <b>{pct(kpis.satisfiedShare)}</b>
            <small>
              {t('dash.responseRate', { n: kpis.ratings, rate: pct(kpis.responseRate) })} ·{' '}
              {t('dash.satisfiedScores', { scores })}
            </small>
          </div>
          <div class="kpi">
            <span>{t('dash.emotionTile')}</span>
            <b>
              <EmotionValue k={kpis} count={false} />
            </b>
            <small>({kpis.emotionEstimates})</small>
          </div>
        </div>
      </section>

      <section class="card span-6" data-report-panel="services">
        <h3>{t('dash.services')}</h3>
        <table class="data">
          <thead>
            <tr>
              <th>{t('common.service')}</th>
              <th class="n">{t('dash.served')}</th>
              {waitHead}
              <th class="n">{t('dash.satisfaction')}</th>
            </tr>
          </thead>
          <tbody>
            {kpis.services.map((s) => (
              <tr key={s.serviceId}>
                <td>{svcName(s.serviceId)}</td>
                <td class="n">{num(s.served, 0)}</td>
                <WaitCells w={s} target={target} />
                <td class="n">{pct(s.satisfiedShare)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section class="card span-6" data-report-panel="priority">
        <h3>{t('rep.priority')}</h3>
        <table class="data">
          <thead>
            <tr>
              <th>{t('rep.class')}</th>
              <th class="n">{t('dash.issued')}</th>
              {waitHead}
            </tr>
          </thead>
          <tbody>
            {[...report.priorityClasses, report.priorityVsNormal.priority].map((c) => (
              <tr key={c.classId} class={c.classId === 'priority' ? 'total' : ''}>
                <td>{className(c.classId)}</td>
                <td class="n">{num(c.issued, 0)}</td>
                <WaitCells w={c} target={target} />
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section class="card" data-report-panel="officers">
        <h3>{t('rep.officers')}</h3>
        <p>
          {t('rep.floor', {
            n: num(report.productivityFloor, 0),
            level: t(`rep.level.${report.level}` as StringKey),
          })}
        </p>
        <table class="data">
          <thead>
            <tr>
              <th class="n">{t('rep.rank')}</th>
              <th>{t('dash.officer')}</th>
              <th class="n">{t('dash.served')}</th>
              <th class="n">{t('rep.dossiers')}</th>
              <th class="n">{t('dash.meanService')}</th>
              <th class="n">{t('dash.ratings')}</th>
              <th class="n">{t('dash.satisfaction')}</th>
              <th class="n">{t('dash.emotion')}</th>
              <th class="n">{t('rep.yearServed')}</th>
            </tr>
          </thead>
          <tbody>
            {report.officers.map((o) => (
              <tr key={o.officerId} data-officer={o.officerId}>
                <td class="n">{o.rank}</td>
                <td>{o.displayName ?? o.officerId}</td>
                <td class="n">{num(o.served, 0)}</td>
                <td class="n muted">{o.dossiersReceived ?? t('rep.unknown')}</td>
                <td class="n">{minutes(o.meanServiceMinutes)}</td>
                <td class="n">
                  {o.ratings} <small class="muted">({pct(o.responseRate)})</small>
                </td>
                <td class="n">{pct(o.satisfiedShare)}</td>
                <td class="n">
                  <EmotionValue k={o} />
                </td>
                <td class={`n ${o.yearServed < o.floorToDate ? 'bad' : ''}`}>
                  {num(o.yearServed, 0)} / {num(o.floorToDate, 0)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {report.unattributedServed > 0 && (
          <p class="muted">{t('rep.unattributed', { n: report.unattributedServed })}</p>
        )}
        <p class="muted">
          <small>{t('rep.notes', { scores })}</small>
        </p>
        <p class="muted">
          <small>
            {t('rep.generated', { date: viDate(new Date(report.generatedAt).toISOString().slice(0, 10)) })}
          </small>
        </p>
      </section>
    </div>
  );
}
