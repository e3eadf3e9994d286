/** Per officer in the period: served, mean service time, ratings, satisfied share, and the camera's estimate when any. */
import { num, pct, t } from '../../shared/i18n.ts';
import { shown } from '../state.ts';
import { EmotionValue, hasEmotion } from './emotion.tsx';

export function OfficersPanel() {
  const officers = shown.value?.officers;
  const anyEmotion = officers?.some(hasEmotion) ?? false;
  return (
    <section class="card span-6" data-panel="officers">
      <h2>{t('dash.officers')}</h2>
      <table class="data">
        <thead>
          <tr>
            <th>{t('dash.officer')}</th>
            <th class="n">{t('dash.served')}</th>
            <th class="n">{t('dash.meanService')}</th>
            <th class="n">{t('dash.ratings')}</th>
            <th class="n">{t('dash.satisfaction')}</th>
            {anyEmotion && <th class="n">{t('dash.emotion')}</th>}
          </tr>
        </thead>
        <tbody>
          {officers?.map((o) => (
            <tr key={o.officerId} data-officer={o.officerId}>
              <td title={o.officerId}>{o.displayName ?? o.officerId}</td>
              <td class="n">{o.served}</td>
              <td class="n">
                {o.meanServiceMinutes != null ? t('common.minutes', { n: num(o.meanServiceMinutes) }) : '—'}
              </td>
              <td class="n">{o.ratings}</td>
              <td class="n">{pct(o.satisfiedShare)}</td>
              {anyEmotion && (
                <td class="n">
                  <EmotionValue k={o} />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
