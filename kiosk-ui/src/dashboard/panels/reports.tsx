/** The period's tickets as CSV, and the printable page. */
import { t } from '../../shared/i18n.ts';
import { Icon } from '../../shared/icons.tsx';
import { periodQuery, range } from '../state.ts';

export function ReportsPanel() {
  return (
    <section class="card span-6 no-print" data-panel="reports">
      <h2>{t('dash.reports')}</h2>
      <div class="row">
        <a class="btn btn-secondary" href={`/api/reports/tickets.csv${periodQuery()}`} data-csv download>
          <Icon name="download" /> {range.value ? t('dash.csvPeriod') : t('dash.csv')}
        </a>
        <button type="button" class="btn btn-primary" onClick={() => print()}>
          <Icon name="printer" /> {t('dash.print')}
        </button>
      </div>
    </section>
  );
}
