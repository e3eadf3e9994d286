/** What shows over the screens: the idle warning and the printer's state. */
import { loc, t } from '../shared/i18n.ts';
import { Icon } from '../shared/icons.tsx';
import { transportRef, ui } from './state.ts';

/** The warning before a reset; "More time" gives the citizen twice the usual time again. */
export function IdleWarning({ onMore }: { onMore: () => void }) {
  const left = ui.idleLeft.value;
  if (left === null) return null;
  return (
    <div class="overlay" role="alertdialog" aria-modal="true" aria-labelledby="idle-title" data-idle-warning>
      <div class="overlay-card">
        <h2 id="idle-title">{t('kiosk.idleTitle')}</h2>
        <p class="big-text">{t('kiosk.idleBody', { n: left })}</p>
        <button type="button" class="btn btn-primary btn-huge" data-action="more-time" onClick={onMore}>
          {t('kiosk.idleStay')}
        </button>
      </div>
    </div>
  );
}

export function PrinterBanner() {
  const w = ui.printerWarning.value;
  if (!w || transportRef.value?.mode !== 'agent') return null;
  const text =
    w === 'out'
      ? t('kiosk.printerPaperOut')
      : w === 'near-end'
        ? t('kiosk.printerNearEnd')
        : t('kiosk.printerProblem', { message: loc(ui.printerMessage.value) });
  return (
    <p class="banner banner-warn printer-banner" role="status" data-printer={w}>
      <Icon name="printer" /> {text}
    </p>
  );
}
