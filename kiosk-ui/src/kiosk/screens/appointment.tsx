import { t } from '../../shared/i18n.ts';
import { checkIn } from '../actions.ts';
import { CodeEntry } from './code-entry.tsx';

/** "Tôi đã đặt lịch hẹn": the booking's code gives its ticket (the server checks it and its time). */
export function AppointmentCheckIn() {
  return (
    <section class="screen screen-code" data-screen="appointment">
      <h2>{t('kiosk.appointmentTitle')}</h2>
      <p class="muted">{t('kiosk.appointmentHint')}</p>
      <CodeEntry label={t('kiosk.appointmentCode')} action={t('kiosk.appointmentGo')} onGo={checkIn} />
    </section>
  );
}
