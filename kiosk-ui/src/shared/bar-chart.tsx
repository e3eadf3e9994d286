/**
 * One chart for the dashboard's and the province's hours and days: a bar per category, an optional
 * dashed outline (a typical day), an optional dot (a second figure on its own scale, such as the mean
 * wait beside arrivals), and an optional target line on the scale of the dots, or of the bars without dots.
 */
import { num } from './i18n.ts';

export interface ChartColumn {
  label: string;
  bar: number | null;
  outline?: number | null;
  dot?: number | null;
}

export function BarChart({
  columns,
  title,
  target,
  barColor = '#9e1b17',
}: {
  columns: ChartColumn[];
  /** Said by screen readers (the SVG's label). */
  title: string;
  target?: { value: number; label: string } | undefined;
  barColor?: string;
}) {
  const W = 600;
  const H = 190;
  const left = 30;
  const hasDots = columns.some((c) => c.dot != null);
  const barMax = Math.max(
    1,
    hasDots ? 0 : (target?.value ?? 0),
    ...columns.flatMap((c) => [c.bar ?? 0, c.outline ?? 0]),
  );
  const dotMax = Math.max(1, (target?.value ?? 0) * 1.5, ...columns.map((c) => c.dot ?? 0));
  const bw = (W - left) / Math.max(1, columns.length);
  const scale = (max: number) => (v: number) => H - 20 - (v / max) * (H - 34);
  const yBar = scale(barMax);
  const yDot = scale(dotMax);
  const yTarget = hasDots ? yDot : yBar;
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title}>
      <line x1={left} x2={W} y1={H - 20} y2={H - 20} stroke="#999" />
      <text x={0} y={12}>
        {num(barMax, 0)}
      </text>
      {target && (
        <g data-target-line={target.value}>
          <line
            x1={left}
            x2={W}
            y1={yTarget(target.value)}
            y2={yTarget(target.value)}
            stroke="#1f6f3a"
            stroke-width="2"
            stroke-dasharray="6 3"
          />
          <text x={W - 4} y={yTarget(target.value) - 4} text-anchor="end" fill="#1f6f3a">
            {target.label}
          </text>
        </g>
      )}
      {columns.map((c, i) => {
        const x = left + i * bw;
        return (
          <g key={c.label} data-column={c.label}>
            {c.bar != null && (
              <rect x={x + 3} y={yBar(c.bar)} width={bw - 6} height={H - 20 - yBar(c.bar)} fill={barColor} />
            )}
            {c.outline != null && (
              <rect
                x={x + 1}
                y={yBar(c.outline)}
                width={bw - 2}
                height={H - 20 - yBar(c.outline)}
                fill="none"
                stroke="#b8860b"
                stroke-width="2"
                stroke-dasharray="4 2"
              />
            )}
            {c.dot != null && (
              <circle
                cx={x + bw / 2}
                cy={yDot(c.dot)}
                r={5}
                fill={target && c.dot > target.value ? '#9e1b17' : '#1f6f3a'}
              />
            )}
            <text x={x + bw / 2} y={H - 6} text-anchor="middle">
              {c.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** Hours from 7 to 17 at least, and any hour outside that with data. */
export function chartHours(hours: readonly number[]): number[] {
  const lo = Math.min(7, ...hours);
  const hi = Math.max(17, ...hours);
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}
