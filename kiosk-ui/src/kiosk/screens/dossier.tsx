import { vnDate } from '@oss/protocol/time';
import { loc, t } from '../../shared/i18n.ts';
import { lookUpDossier } from '../actions.ts';
import { session } from '../state.ts';
import { CodeEntry } from './code-entry.tsx';

/** "Tra cứu hồ sơ": the status of a dossier from the province's system, by its receipt code. */
export function DossierLookup() {
  const answer = session.dossier.value;
  return (
    <section class="screen screen-code" data-screen="dossier">
      <h2>{t('kiosk.dossierTitle')}</h2>
      <p class="muted">{t('kiosk.dossierHint')}</p>
      <CodeEntry label={t('kiosk.dossierCode')} action={t('kiosk.dossierGo')} onGo={lookUpDossier}>
        {answer && (
          <div class="card big-text dossier-answer" aria-live="polite" data-status={answer.status}>
            <strong>{loc(answer.statusText)}</strong>
            {answer.procedureName && <p>{answer.procedureName}</p>}
            {answer.dueAt && (
              <p class="muted">{t('kiosk.dossierDue', { date: vnDate(answer.dueAt.slice(0, 10)) })}</p>
            )}
          </div>
        )}
      </CodeEntry>
    </section>
  );
}
