/** The server's advice (which counter to move to which service), each applied with one button; hidden without the route. */
import { loc, t } from '../../shared/i18n.ts';
import { adviceKey, applyAdvice } from '../actions.ts';
import { counterName, data, serviceName, ui } from '../state.ts';

export function AdvicePanel() {
  const advice = data.advice.value;
  if (advice === null) return null;
  const applied = ui.applied.value;
  return (
    <section class="card span-6" data-panel="advice">
      <h2>{t('dash.advice')}</h2>
      {advice.length === 0 && <p class="muted">{t('dash.noAdvice')}</p>}
      <ul class="alerts">
        {advice.map((a) => {
          const key = adviceKey(a);
          return (
            <li key={key} class="warn">
              {t('dash.adviceLine', {
                counter: counterName(a.counterId),
                service: serviceName(a.toServiceId),
                before: Math.round(a.predictedWaitBefore),
                after: Math.round(a.predictedWaitAfter),
              })}
              <br />
              <small>{loc(a.reason)}</small>{' '}
              <button
                type="button"
                class="btn btn-primary no-print"
                disabled={applied.has(key)}
                onClick={() => applyAdvice(a)}
              >
                {applied.has(key) ? t('dash.applied') : t('dash.apply')}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
