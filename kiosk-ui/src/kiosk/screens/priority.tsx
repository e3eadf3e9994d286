/** The priority class of the ticket: offered by itself from the card's birth date, or declared. */
import { ageOn, localDate } from '@oss/protocol/time';
import { loc, t } from '../../shared/i18n.ts';
import { issue } from '../actions.ts';
import { data, serviceName, session } from '../state.ts';

export function Priority() {
  const site = data.site.value;
  const identity = session.identity.value;
  const classes = site?.priorityClasses.filter((c) => c.declarable) ?? [];
  const today = site ? localDate(Date.now(), site.site.timezone) : null;
  const auto =
    identity && today
      ? classes.find((c) => c.minAge !== undefined && ageOn(identity.birthDate, today) >= c.minAge)
      : undefined;
  return (
    <section class="screen screen-priority" data-screen="priority">
      <h2>{t('kiosk.priorityTitle')}</h2>
      <p class="muted">{t('kiosk.priorityHint')}</p>
      <p class="chosen-service">
        {t('common.service')}: <strong>{serviceName(session.serviceId.value)}</strong>
      </p>
      {session.error.value && (
        <p class="banner banner-error" role="alert">
          {loc(session.error.value)}
        </p>
      )}
      <div class="priority-grid">
        {auto && (
          <button
            type="button"
            class="priority-button priority-auto"
            data-priority={auto.id}
            onClick={() => issue(auto.id)}
          >
            ★ {loc(auto.name)}
            <small>{t('kiosk.priorityAuto')}</small>
          </button>
        )}
        {classes
          .filter((c) => c.id !== auto?.id)
          .map((c) => (
            <button
              type="button"
              class="priority-button"
              key={c.id}
              data-priority={c.id}
              onClick={() => issue(c.id)}
            >
              {loc(c.name)}
            </button>
          ))}
        {!auto && (
          <button
            type="button"
            class="priority-button priority-none"
            data-priority="normal"
            onClick={() => issue(null)}
          >
            {t('kiosk.priorityNone')}
          </button>
        )}
      </div>
    </section>
  );
}
