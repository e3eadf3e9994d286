/** The on-screen keyboard: Telex for Vietnamese search, or plain letters and digits (ticket numbers). */
import { t } from '../shared/i18n.ts';
import { backspace, telexType } from './telex.ts';

const LETTER_ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
const NUMBER_ROWS = ['1234567890', 'ABCDEFGH'];

export function Keyboard({
  value,
  onChange,
  mode = 'telex',
}: {
  value: string;
  onChange: (value: string) => void;
  mode?: 'telex' | 'ticket';
}) {
  const rows = mode === 'telex' ? LETTER_ROWS : NUMBER_ROWS;
  const press = (key: string) =>
    onChange(mode === 'telex' ? telexType(value, key) : (value + key).slice(0, 8));
  return (
    <fieldset class={`keyboard keyboard-${mode}`} aria-label={t('kiosk.keyboardTelex')}>
      {rows.map((row) => (
        <div class="key-row" key={row}>
          {[...row].map((k) => (
            <button type="button" class="key" key={k} data-key={k} onClick={() => press(k)}>
              {k}
            </button>
          ))}
        </div>
      ))}
      <div class="key-row">
        {mode === 'telex' && (
          <button type="button" class="key key-wide" data-key="space" onClick={() => press(' ')}>
            {t('kiosk.key.space')}
          </button>
        )}
        <button
          type="button"
          class="key key-action"
          data-key="backspace"
          onClick={() => onChange(backspace(value))}
        >
          ⌫ {t('kiosk.key.backspace')}
        </button>
        <button type="button" class="key key-action" data-key="clear" onClick={() => onChange('')}>
          {t('kiosk.key.clear')}
        </button>
      </div>
      {mode === 'telex' && <p class="key-help">{t('kiosk.telexHelp')}</p>}
    </fieldset>
  );
}
