/** Following a ticket by its number: called to which counter, or how the line stands. */
import { useState } from 'preact/hooks';
import { t } from '../../shared/i18n.ts';
import { followAnswer } from '../actions.ts';
import { Keyboard } from '../keyboard.tsx';
import { ui } from '../state.ts';

export function Follow() {
  const [answer, setAnswer] = useState<string | null>(null);
  const check = () => setAnswer(followAnswer(ui.followInput.value));
  return (
    <section class="screen screen-follow" data-screen="follow">
      <h2>{t('kiosk.followTitle')}</h2>
      <div class="follow-row">
        <input
          class="search-input follow-input"
          aria-label={t('kiosk.followEnter')}
          placeholder={t('kiosk.followEnter')}
          value={ui.followInput.value}
          onInput={(e) => (ui.followInput.value = e.currentTarget.value)}
        />
        <button type="button" class="btn btn-primary btn-large" data-action="check" onClick={check}>
          {t('kiosk.followCheck')}
        </button>
      </div>
      {answer && (
        <p class="card big-text follow-answer" aria-live="polite">
          {answer}
        </p>
      )}
      <p class="muted">{t('kiosk.followPhone')}</p>
      <Keyboard
        value={ui.followInput.value}
        onChange={(v) => (ui.followInput.value = v.toUpperCase())}
        mode="ticket"
      />
    </section>
  );
}
