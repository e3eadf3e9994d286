/** The period's totals: issued, served, waits against the target, satisfaction against the goal, the camera's estimate. */
import { minutesText as minutes, pct, t } from '../../shared/i18n.ts';
import { periodText, range, shown, targets, ui } from '../state.ts';
import { EmotionValue } from './emotion.tsx';

export function TotalsPanel() {
  const k = shown.value;
  const { waitMinutes: target, withinTargetShare: goal, satisfactionShare: satGoal } = targets.value;
  return (
    <section class="card" data-panel="totals">
      <div class="row" style={{ justifyContent: 'space-between' }}>
        <h2>
          <span data-period-shown>{periodText()}</span>
          {!range.value && (
            <>
              {' · '}
              <span class={`live-dot ${ui.connected.value ? '' : 'off'}`} />
              {t('dash.live')}
            </>
          )}
        </h2>
      </div>
      <div class="kpis">
        <div class="kpi">
          <span>{t('dash.issued')}</span>
          <b data-kpi="issued">{k?.issued ?? '—'}</b>
        </div>
        <div class="kpi">
          <span>{t('dash.served')}</span>
          <b data-kpi="served">{k?.served ?? '—'}</b>
        </div>
        <div class={`kpi ${(k?.meanWaitMinutes ?? 0) > target ? 'bad' : 'good'}`}>
          <span>{t('dash.meanWait')}</span>
          <b>{minutes(k?.meanWaitMinutes)}</b>
        </div>
        <div class="kpi">
          <span>{t('dash.p90Wait')}</span>
          <b>{minutes(k?.p90WaitMinutes)}</b>
        </div>
        <div class={`kpi ${k?.withinTargetShare != null && k.withinTargetShare < goal ? 'bad' : 'good'}`}>
          <span>
            {t('dash.withinTarget', { n: target })} ({t('dash.goal', { n: pct(goal) })})
          </span>
          <b>{pct(k?.withinTargetShare)}</b>
        </div>
        <div class={`kpi ${k?.satisfiedShare != null && k.satisfiedShare < satGoal ? 'bad' : 'good'}`}>
          <span>
            {t('dash.satisfaction')} ({t('dash.goal', { n: pct(satGoal) })})
          </span>
          <b data-kpi="satisfied">{pct(k?.satisfiedShare)}</b>
          <small>
            {t('dash.responseRate', { n: k?.ratings ?? 0, rate: pct(k?.responseRate) })}
            {k?.satisfiedScores &&
              ` · ${t('dash.satisfiedScores', { scores: k.satisfiedScores.join(', ') })}`}
          </small>
        </div>
        <div class="kpi">
          <span>{t('dash.emotionTile')}</span>
          <b data-kpi="emotion">
            <EmotionValue k={k} count={false} />
          </b>
          <small>({k?.emotionEstimates ?? 0})</small>
        </div>
      </div>
    </section>
  );
}
