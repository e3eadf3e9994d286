/**
 * The citizens' kiosk: take a ticket, find a procedure, follow a ticket, check a booking in, look a
 * dossier up. Touch first, Vietnamese first. One file per screen in `screens/`, what touches do in
 * `actions.ts`, where "back" leads in `navigation.ts`.
 */

import { useComputed, useSignalEffect } from '@preact/signals';
import type { FunctionComponent } from 'preact';
import { t } from '../shared/i18n.ts';
import { A11yBar } from './a11y-bar.tsx';
import { goBack } from './actions.ts';
import { KioskHeader } from './header.tsx';
import { BACK, SCREEN_TITLES } from './navigation.ts';
import { IdleWarning, PrinterBanner } from './overlays.tsx';
import { AppointmentCheckIn } from './screens/appointment.tsx';
import { DossierLookup } from './screens/dossier.tsx';
import { Follow } from './screens/follow.tsx';
import { Home } from './screens/home.tsx';
import { Identify } from './screens/identify.tsx';
import { Issuing } from './screens/issuing.tsx';
import { Priority } from './screens/priority.tsx';
import { Procedure } from './screens/procedure.tsx';
import { Search } from './screens/search.tsx';
import { Services } from './screens/services.tsx';
import { Setup } from './screens/setup.tsx';
import { TicketScreen } from './screens/ticket.tsx';
import { speak } from './speech.ts';
import { data, resetSession, type Screen, transportRef, ui } from './state.ts';

/** The screens but the technician's (which is told what to do once saved). */
const SCREENS: Record<Exclude<Screen, 'setup'>, FunctionComponent> = {
  home: Home,
  services: Services,
  search: Search,
  procedure: Procedure,
  identify: Identify,
  priority: Priority,
  issuing: Issuing,
  ticket: TicketScreen,
  follow: Follow,
  appointment: AppointmentCheckIn,
  dossier: DossierLookup,
};

export function KioskApp({ onSetupSaved, onMoreTime }: { onSetupSaved: () => void; onMoreTime: () => void }) {
  const screen = ui.screen.value;
  const site = data.site.value;
  useSignalEffect(() => {
    const key = SCREEN_TITLES[ui.screen.value];
    if (key) speak(t(key));
  });
  const rootClass = useComputed(
    () =>
      `kiosk size-${ui.textSize.value} ${ui.contrast.value ? 'contrast' : ''} screen-is-${ui.screen.value}`,
  );
  const View = screen === 'setup' ? null : SCREENS[screen];
  return (
    <div class={rootClass.value} data-ready={site ? 'true' : 'false'}>
      <KioskHeader />
      {!ui.agentOnline.value && <p class="banner banner-warn">{t('common.offline')}</p>}
      {!ui.serverOnline.value && ui.agentOnline.value && transportRef.value?.mode === 'agent' && (
        <p class="banner banner-warn">{t('kiosk.offlineAgent')}</p>
      )}
      {data.loadError.value !== null && !site && <p class="banner banner-error">{t('common.offline')}</p>}
      <PrinterBanner />
      <main class="kiosk-main">
        {BACK[screen] !== null && (
          <nav class="kiosk-nav">
            <button type="button" class="btn btn-ghost btn-large" data-action="back" onClick={goBack}>
              ← {t('common.back')}
            </button>
            <button type="button" class="btn btn-ghost btn-large" data-action="home" onClick={resetSession}>
              ⌂ {t('common.home')}
            </button>
          </nav>
        )}
        {View ? <View /> : <Setup onSaved={onSetupSaved} />}
      </main>
      <A11yBar />
      <IdleWarning onMore={onMoreTime} />
    </div>
  );
}
