/** While the ticket is issued (and printed). */
import { t } from '../../shared/i18n.ts';

export function Issuing() {
  return (
    <section class="screen screen-issuing" data-screen="issuing" aria-busy="true">
      <div class="spinner" aria-hidden="true" />
      <h2>{t('kiosk.issuing')}</h2>
    </section>
  );
}
