/** Text size, contrast, read-aloud and language, on every screen; a new visit puts them back. */
import { t, toggleLang } from '../shared/i18n.ts';
import { Icon, type IconName } from '../shared/icons.tsx';
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
      <ToggleChip
        on={ui.contrast.value}
        action="contrast"
        icon="contrast"
        label={t('kiosk.contrast')}
        onToggle={() => (ui.contrast.value = !ui.contrast.value)}
      />
      <ToggleChip
        on={ui.readAloud.value}
        action="read-aloud"
        icon="speaker"
        label={t('kiosk.readAloud')}
        onToggle={() => {
          ui.readAloud.value = !ui.readAloud.value;
          speak(t('kiosk.readAloud'));
        }}
      />
      <button type="button" class="chip chip-lang" data-action="lang" onClick={toggleLang}>
        <Icon name="globe" /> {t('common.lang')}
      </button>
    </section>
  );
}

/** An option turned on and off by one chip. */
function ToggleChip(props: {
  on: boolean;
  action: string;
  icon: IconName;
  label: string;
  onToggle: () => void;
}) {
  return (
    <button
      type="button"
      class={`chip ${props.on ? 'chip-on' : ''}`}
      aria-pressed={props.on}
      data-action={props.action}
      onClick={props.onToggle}
    >
      <Icon name={props.icon} /> {props.label}
    </button>
  );
}
