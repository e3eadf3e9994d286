/** The period picker: today live, a day, a range, a month, a quarter or a year; opens the period report. */
import { t } from '../../shared/i18n.ts';
import { Icon } from '../../shared/icons.tsx';
import { openReport, pickMode, pickPeriod } from '../actions.ts';
import { type PeriodChoice, type PeriodMode, reportQuery, viDate } from '../period.ts';
import { periodName } from '../report.tsx';
import { range, ui } from '../state.ts';

const MODES: readonly PeriodMode[] = ['live', 'day', 'range', 'month', 'quarter', 'year'];

export function PeriodPanel() {
  const choice = ui.choice.value;
  if (!choice) return null;
  const shownRange = range.value;
  const reportQ = reportQuery(choice);
  return (
    <section class="card no-print" data-panel="period">
      <div class="row period-picker">
        <label>
          {t('dash.period')}{' '}
          <select
            data-period-mode
            value={choice.mode}
            onChange={(e) => pickMode(e.currentTarget.value as PeriodMode)}
          >
            {MODES.map((m) => (
              <option key={m} value={m}>
                {t(`dash.period.${m}`)}
              </option>
            ))}
          </select>
        </label>
        {choice.mode === 'day' && <PeriodField type="date" field="day" choice={choice} />}
        {choice.mode === 'range' &&
          (['from', 'to'] as const).map((field) => (
            <span key={field}>
              {t(`dash.${field}`)}{' '}
              <PeriodField type="date" field={field} choice={choice} label={t(`dash.${field}`)} />
            </span>
          ))}
        {choice.mode === 'month' && <PeriodField type="month" field="month" choice={choice} />}
        {choice.mode === 'quarter' && (
          <select
            data-period-quarter
            value={String(choice.quarter)}
            onChange={(e) => pickPeriod({ ...choice, quarter: Number(e.currentTarget.value) })}
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
              if (y >= 2000 && y <= 2100) pickPeriod({ ...choice, year: y });
            }}
          />
        )}
        {shownRange && (
          <span class="muted">
            {t('dash.periodLabel', { from: viDate(shownRange.from), to: viDate(shownRange.to) })}
          </span>
        )}
        {reportQ && (
          <button type="button" class="btn btn-primary" data-open-report onClick={() => openReport(reportQ)}>
            <Icon name="printer" />{' '}
            {t('dash.openReport', { period: periodName(choice.mode, reportLabel(choice)) })}
          </button>
        )}
      </div>
    </section>
  );
}

/** A date or month input of the period picker; an emptied field changes nothing. */
function PeriodField({
  type,
  field,
  choice,
  label = t('dash.period'),
}: {
  type: 'date' | 'month';
  field: 'day' | 'from' | 'to' | 'month';
  choice: PeriodChoice;
  label?: string;
}) {
  return (
    <input
      type={type}
      aria-label={label}
      {...{ [`data-period-${field}`]: true }}
      value={choice[field]}
      onChange={(e) => e.currentTarget.value && pickPeriod({ ...choice, [field]: e.currentTarget.value })}
    />
  );
}

/** `2026-11`, `2026-Q4` or `2026` for a month, quarter or year choice. */
function reportLabel(c: PeriodChoice): string {
  return c.mode === 'month' ? c.month : c.mode === 'quarter' ? `${c.year}-Q${c.quarter}` : String(c.year);
}
