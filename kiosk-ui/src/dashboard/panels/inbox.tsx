/**
 * The manager's inbox (PROTOCOL.md §6): each complaint with its ticket, service, counter, officer and
 * time; new → in progress → answered with a note; overdue ones marked; the month's list as CSV for the
 * province's feedback system (phản ánh, kiến nghị).
 */
import { vnDate } from '@oss/protocol/time';
import { useState } from 'preact/hooks';
import { loc, t, timeOf } from '../../shared/i18n.ts';
import { updateFeedback } from '../actions.ts';
import { counterName, data, serviceName } from '../state.ts';
import type { FeedbackItem, FeedbackStatus } from '../types.ts';

const NEXT: Record<FeedbackStatus, FeedbackStatus | null> = {
  new: 'in_progress',
  in_progress: 'answered',
  answered: null,
};

function Complaint({ item }: { item: FeedbackItem }) {
  const [note, setNote] = useState(item.note ?? '');
  const next = NEXT[item.status];
  return (
    <li
      class={`complaint ${item.overdue ? 'overdue' : ''}`}
      data-feedback={item.id}
      data-status={item.status}
    >
      <p>
        <strong>
          {vnDate(item.at.slice(0, 10))} {timeOf(item.at)}
        </strong>{' '}
        <span class={`chip status-${item.status}`}>{t(`feedback.${item.status}`)}</span>{' '}
        {item.overdue && <span class="chip warn">{t('dash.inboxOverdue')}</span>}
      </p>
      <p class="muted">
        {t('dash.inboxTicket', {
          number: item.number ?? '—',
          service: item.serviceId ? serviceName(item.serviceId) : '—',
          counter: item.counterId ? counterName(item.counterId) : '—',
          officer: item.officerName ?? '—',
        })}
      </p>
      <p>{item.reasons.map((r) => loc(r.name)).join(' · ')}</p>
      {item.text && <blockquote>{item.text}</blockquote>}
      {item.contact && <p class="muted">{item.contact}</p>}
      {item.handledBy && (
        <p class="muted small">{t('dash.inboxBy', { name: item.handledByName ?? item.handledBy })}</p>
      )}
      {next && (
        <div class="complaint-actions no-print">
          {next === 'answered' && (
            <label>
              {t('dash.inboxNote')}
              <textarea rows={2} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
            </label>
          )}
          <button type="button" class="btn btn-primary" onClick={() => updateFeedback(item.id, next, note)}>
            {t(`feedback.${next}`)}
          </button>
        </div>
      )}
      {!next && item.note && <p class="answer">{item.note}</p>}
    </li>
  );
}

export function InboxPanel() {
  const items = data.inbox.value;
  const month = (data.kpis.value?.day ?? '').slice(0, 7);
  return (
    <section class="card span-12" data-panel="inbox">
      <h2>{t('dash.inbox')}</h2>
      {items.length === 0 && <p class="muted">{t('dash.inboxEmpty')}</p>}
      <ul class="complaints">
        {items.map((item) => (
          <Complaint key={item.id} item={item} />
        ))}
      </ul>
      {month && (
        <a class="btn btn-ghost no-print" href={`/api/feedback.csv?month=${month}`} download>
          {t('dash.inboxCsv', { month: `${month.slice(5)}/${month.slice(0, 4)}` })}
        </a>
      )}
    </section>
  );
}
