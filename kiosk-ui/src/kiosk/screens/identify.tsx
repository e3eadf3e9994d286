/** Identifying with the CCCD (its QR scanned, or its chip read), or skipping it. */
import { loc, t } from '../../shared/i18n.ts';
import { Icon } from '../../shared/icons.tsx';
import { checkInByCard, readChip, skipIdentify } from '../actions.ts';
import { go, session, transportRef } from '../state.ts';

/** On from a card read: the booking made with it, or the ticket's priority. */
function onward(): void {
  if (session.appointmentByCard.value) void checkInByCard();
  else go('priority');
}

export function Identify() {
  const identity = session.identity.value;
  const hw = transportRef.value?.hardware();
  return (
    <section class="screen screen-identify" data-screen="identify">
      <h2>{t('kiosk.identifyTitle')}</h2>
      <p class="consent">{t('kiosk.consent')}</p>
      {identity ? (
        <div class="card identity" data-identity="read">
          <h3>✔ {t('kiosk.identified')}</h3>
          <dl>
            <dt>{t('kiosk.name')}</dt>
            <dd class="identity-name">{identity.fullName}</dd>
            <dt>{t('kiosk.birthDate')}</dt>
            <dd>{identity.birthDate.split('-').reverse().join('/')}</dd>
            <dt>{t('kiosk.idNumber')}</dt>
            <dd>{identity.maskedId}</dd>
          </dl>
          <button type="button" class="btn btn-primary btn-huge" data-action="continue" onClick={onward}>
            {t('kiosk.continue')}
          </button>
        </div>
      ) : (
        <div class="identify-ways">
          {hw?.scanner && (
            <p class="card big-text">
              <Icon name="scan" /> {t('kiosk.identifyScan')}
            </p>
          )}
          {hw?.cardReader && (
            <button type="button" class="btn btn-secondary btn-huge" onClick={readChip}>
              <Icon name="card" /> {t('kiosk.readChip')}
            </button>
          )}
          {session.chipStep.value && (
            <p class="chip-step" aria-live="polite">
              {t(`kiosk.chip.${session.chipStep.value}` as 'kiosk.chip.done')}
            </p>
          )}
        </div>
      )}
      {session.error.value && <p class="banner banner-error">{loc(session.error.value)}</p>}
      <button type="button" class="btn btn-ghost btn-large" data-action="skip" onClick={skipIdentify}>
        {t('kiosk.skip')}
      </button>
    </section>
  );
}
