/** The first screen: take a ticket, find a procedure, follow a ticket; check a booking in, look a dossier up. */
import { t } from '../../shared/i18n.ts';
import { Icon, type IconName } from '../../shared/icons.tsx';
import { data, go, transportRef } from '../state.ts';
import { loadDeviceConfig } from '../transport.ts';

function BigButton(props: { id: string; title: string; hint: string; icon: IconName; onClick: () => void }) {
  return (
    <button type="button" class="big-button" data-action={props.id} onClick={props.onClick}>
      <span class="big-icon">
        <Icon name={props.icon} size="1em" />
      </span>
      <span class="big-title">{props.title}</span>
      <span class="big-hint">{props.hint}</span>
    </button>
  );
}

export function Home() {
  const waiting = data.queue.value?.services.reduce((a, s) => a + s.waiting, 0) ?? null;
  return (
    <section class="screen screen-home" data-screen="home">
      <h2 class="welcome">{t('kiosk.welcome')}</h2>
      {transportRef.value?.mode === 'browser' && !loadDeviceConfig() && (
        <div class="banner banner-warn unconfigured" data-unconfigured>
          <p>{t('kiosk.unconfigured')}</p>
          <button
            type="button"
            class="btn btn-ghost btn-large"
            data-action="configure"
            onClick={() => go('setup')}
          >
            {t('kiosk.configure')}
          </button>
        </div>
      )}
      <div class="home-actions">
        <BigButton
          id="take"
          icon="ticket"
          title={t('kiosk.take')}
          hint={t('kiosk.takeHint')}
          onClick={() => go('services')}
        />
        <BigButton
          id="find"
          icon="search"
          title={t('kiosk.find')}
          hint={t('kiosk.findHint')}
          onClick={() => go('search')}
        />
        <BigButton
          id="follow"
          icon="clock"
          title={t('kiosk.follow')}
          hint={t('kiosk.followHint')}
          onClick={() => go('follow')}
        />
      </div>
      <div class="home-more">
        {data.site.value?.appointments && (
          <button
            type="button"
            class="btn btn-secondary btn-large"
            data-action="appointment"
            onClick={() => go('appointment')}
          >
            {t('kiosk.appointment')}
          </button>
        )}
        <button
          type="button"
          class="btn btn-secondary btn-large"
          data-action="dossier"
          onClick={() => go('dossier')}
        >
          {t('kiosk.dossier')}
        </button>
      </div>
      {/* Its line is there before the queue is known, so the buttons above do not move when it comes. */}
      <p class="home-status">{waiting === null ? '\u00a0' : t('kiosk.waitingNow', { n: waiting })}</p>
    </section>
  );
}
