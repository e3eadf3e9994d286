import { t } from '../../shared/i18n.ts';
import { Icon } from '../../shared/icons.tsx';
import { checkIn, readsCards, startCardCheckIn } from '../actions.ts';
import { CodeEntry } from './code-entry.tsx';

/**
 * "Tôi đã đặt lịch hẹn": the booking's code gives its ticket (the server checks it and its time); on a
 * kiosk that reads cards, so does the CCCD card the booking was made with.
 */
export function AppointmentCheckIn() {
  return (
    <section class="screen screen-code" data-screen="appointment">
      <h2>{t('kiosk.appointmentTitle')}</h2>
      <p class="muted">{t('kiosk.appointmentHint')}</p>
      <CodeEntry label={t('kiosk.appointmentCode')} action={t('kiosk.appointmentGo')} onGo={checkIn} />
      {readsCards() && (
        <button
          type="button"
          class="btn btn-secondary btn-large"
          data-action="appointment-card"
          onClick={startCardCheckIn}
        >
          <Icon name="card" /> {t('kiosk.appointmentCard')}
        </button>
      )}
    </section>
  );
}
