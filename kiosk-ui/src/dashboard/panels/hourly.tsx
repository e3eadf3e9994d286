/** The hourly charts: arrivals, and the mean wait with the target line; the period shown against a typical day. */
import { BarChart, chartHours } from '../../shared/bar-chart.tsx';
import { t } from '../../shared/i18n.ts';
import type { HourRow } from '../hourly.ts';
import { data, periodText, range, targets } from '../state.ts';

export function ArrivalsPanel() {
  return (
    <HourPanel
      panel="arrivals"
      title={t('dash.arrivals')}
      today={(r) => r.arrivals}
      typical={(r) => r.typicalArrivals}
    />
  );
}

export function WaitsPanel() {
  return (
    <HourPanel
      panel="waits"
      title={t('dash.waitByHour')}
      today={(r) => r.meanWaitMinutes}
      typical={(r) => r.typicalMeanWaitMinutes}
      target={targets.value.waitMinutes}
    />
  );
}

/** One hourly chart card: the period shown against a typical day, with its legend. */
function HourPanel({
  panel,
  title,
  today,
  typical,
  target,
}: {
  panel: string;
  title: string;
  today: (r: HourRow) => number | null;
  typical: (r: HourRow) => number | null;
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
          {range.value ? periodText() : t('dash.today')}
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
      <HourChart rows={data.hourly.value} today={today} typical={typical} unit={title} target={target} />
    </section>
  );
}

/** Bars for the values shown and an outline for the typical day, hours on the x axis. */
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
  const byHour = new Map(rows.map((r) => [r.hour, r]));
  const columns = chartHours(rows.map((r) => r.hour)).map((h) => {
    const r = byHour.get(h);
    return { label: `${h}h`, bar: r ? today(r) : null, outline: r ? typical(r) : null };
  });
  return (
    <BarChart
      columns={columns}
      title={unit}
      target={
        target === undefined ? undefined : { value: target, label: t('dash.targetLine', { n: target }) }
      }
    />
  );
}
