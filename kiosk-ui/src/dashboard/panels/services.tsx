/** Per service: people waiting now (with the one wait estimate), the period's waits against the target, served. */
import { loc, num, pct, t } from '../../shared/i18n.ts';
import { data, range, shown, targets } from '../state.ts';
import { EmotionValue, hasEmotion } from './emotion.tsx';

export function ServicesPanel() {
  const { waitMinutes: target, withinTargetShare: goal } = targets.value;
  const live = range.value ? undefined : data.queue.value;
  const anyEmotion = shown.value?.services.some(hasEmotion) ?? false;
  return (
    <section class="card span-8" data-panel="services">
      <h2>{t('dash.services')}</h2>
      <table class="data">
        <thead>
          <tr>
            <th>{t('common.service')}</th>
            <th class="n">{t('common.waiting')}</th>
            <th class="n">{t('dash.meanWait')}</th>
            <th class="n">{t('dash.p90Wait')}</th>
            <th class="n">{t('dash.maxWait')}</th>
            <th>
              {t('dash.withinTarget', { n: target })} · {t('dash.goal', { n: pct(goal) })}
            </th>
            <th class="n">{t('dash.served')}</th>
            {anyEmotion && <th class="n">{t('dash.emotion')}</th>}
          </tr>
        </thead>
        <tbody>
          {data.services.value.map((s) => {
            const k = shown.value?.services.find((x) => x.serviceId === s.id);
            const q = live?.services.find((x) => x.serviceId === s.id);
            return (
              <tr key={s.id} data-service={s.id}>
                <td>
                  <b>{s.prefix}</b> {loc(s.name)}
                </td>
                <td class="n" data-waiting={q?.waiting ?? k?.waiting ?? 0}>
                  {q?.waiting ?? k?.waiting ?? 0}
                  {q && (
                    <small class="muted">
                      {' · '}
                      {q.noCounterOpen
                        ? t('common.noCounterOpen')
                        : `~${t('common.minutes', { n: q.etaMinutes })}`}
                    </small>
                  )}
                </td>
                <td class="n">{num(k?.meanWaitMinutes)}</td>
                <td class="n">{num(k?.p90WaitMinutes)}</td>
                <td class="n">{num(k?.maxWaitMinutes)}</td>
                <td>
                  <Bar share={k?.withinTargetShare ?? null} goal={goal} /> {pct(k?.withinTargetShare)}
                </td>
                <td class="n">{k?.served ?? 0}</td>
                {anyEmotion && (
                  <td class="n">
                    <EmotionValue k={k} />
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** A share as a bar, with the goal marked on it. */
function Bar({ share, goal }: { share: number | null; goal: number }) {
  if (share === null) return <span class="muted">—</span>;
  return (
    <div class={`bar ${share < goal ? 'below' : ''}`} title={`${pct(share)} / ${pct(goal)}`}>
      <span style={{ width: `${Math.round(share * 100)}%` }} />
      <i style={{ left: `${Math.round(goal * 100)}%` }} />
    </div>
  );
}
