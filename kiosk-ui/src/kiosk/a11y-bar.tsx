/** Text size, contrast, read-aloud and language, on every screen; a new visit puts them back. */
import { t, toggleLang } from '../shared/i18n.ts';
import { Icon } from '../shared/icons.tsx';
import { speak } from './speech.ts';
import { ui } from './state.ts';

export function A11yBar() {
  const sizes = [t('kiosk.textNormal'), t('kiosk.textLarge'), t('kiosk.textXLarge')];
  return (
    <section class="a11y-bar" aria-label={t('kiosk.options')}>
      <fieldset class="a11y-group" aria-label={t('kiosk.textSize')}>
        <span class="a11y-label">{t('kiosk.textSize')}</span>
        {sizes.map((label, i) => (
          <button
            type="button"
            key={label}
            class={`chip ${ui.textSize.value === i ? 'chip-on' : ''}`}
            aria-pressed={ui.textSize.value === i}
            onClick={() => (ui.textSize.value = i as 0 | 1 | 2)}
            style={{ fontSize: `${1 + i * 0.2}em` }}
          >
            {label}
          </button>
        ))}
      </fieldset>
      <button
        type="button"
        class={`chip ${ui.contrast.value ? 'chip-on' : ''}`}
        aria-pressed={ui.contrast.value}
        data-action="contrast"
        onClick={() => (ui.contrast.value = !ui.contrast.value)}
      >
        <Icon name="contrast" /> {t('kiosk.contrast')}
      </button>
      <button
        type="button"
        class={`chip ${ui.readAloud.value ? 'chip-on' : ''}`}
        aria-pressed={ui.readAloud.value}
        data-action="read-aloud"
        onClick={() => {
          ui.readAloud.value = !ui.readAloud.value;
          speak(t('kiosk.readAloud'));
        }}
      >
        <Icon name="speaker" /> {t('kiosk.readAloud')}
      </button>
      <button type="button" class="chip chip-lang" data-action="lang" onClick={toggleLang}>
        <Icon name="globe" /> {t('common.lang')}
      </button>
    </section>
  );
}
