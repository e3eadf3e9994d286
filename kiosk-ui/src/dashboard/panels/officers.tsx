/** Per officer in the period: served, mean service time, ratings, satisfied share, and the camera's estimate when any. */
import { num, pct, t } from '../../shared/i18n.ts';
import { shown } from '../state.ts';
import type { Kpis } from '../types.ts';

/** The camera's confidence-weighted mean satisfaction (0..1), shown beside the button ratings. */
function emotionOf(o: Kpis['officers'][number]): number | null {
  const v = o.emotionSatisfaction;
  return typeof v === 'number' ? v : null;
}

export function OfficersPanel() {
  const officers = shown.value?.officers;
  const hasEmotion = officers?.some((o) => emotionOf(o) !== null) ?? false;
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
            {hasEmotion && <th class="n">{t('dash.emotion')}</th>}
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
              {hasEmotion && (
                <td class="n">
                  {pct(emotionOf(o))} <small class="muted">({Number(o.emotionEstimates ?? 0)})</small>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
