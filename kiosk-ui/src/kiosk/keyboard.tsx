/**
 * The on-screen keyboard: Telex for Vietnamese search, plain letters and digits for ticket numbers, or
 * capitals, digits, dot and dash for codes (appointment codes, dossier receipts).
 */
import { t } from '../shared/i18n.ts';
import { backspace, telexType } from './telex.ts';

const LETTER_ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
const NUMBER_ROWS = ['1234567890', 'ABCDEFGH'];
const CODE_ROWS = ['1234567890', 'QWERTYUIOP', 'ASDFGHJKL', 'ZXCVBNM.-'];
const MAX_LENGTH = { telex: Number.POSITIVE_INFINITY, ticket: 8, code: 40 } as const;

export function Keyboard({
  value,
  onChange,
  mode = 'telex',
}: {
  value: string;
  onChange: (value: string) => void;
  mode?: 'telex' | 'ticket' | 'code';
}) {
  const rows = { telex: LETTER_ROWS, ticket: NUMBER_ROWS, code: CODE_ROWS }[mode];
  const press = (key: string) =>
    onChange(mode === 'telex' ? telexType(value, key) : (value + key).slice(0, MAX_LENGTH[mode]));
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
