/** The hourly charts: arrivals, and the mean wait with the target line; the period shown against a typical day. */
import { num, t } from '../../shared/i18n.ts';
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
