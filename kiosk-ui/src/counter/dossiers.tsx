/**
 * The receipt codes (giấy tiếp nhận hồ sơ) received from the citizen at the counter: a keyboard-wedge
 * scanner types the code and Enter, or the officer types it. Sent with "Hoàn thành" as
 * `dossierCodes`; the server checks the site's format and its refusal names the code.
 */
import { useState } from 'preact/hooks';
import { errorText } from '../shared/api.ts';
import { t } from '../shared/i18n.ts';

/** `counter.finish` takes at most this many (protocol/src/messages.ts). */
const MAX_CODES = 20;

export function DossierEntry({
  codes,
  onChange,
  refusal,
}: {
  codes: string[];
  onChange: (codes: string[]) => void;
  /** The server's refusal of the last finish, shown in both languages. */
  refusal: unknown;
}) {
  const [typed, setTyped] = useState('');
  const [full, setFull] = useState(false);
  const add = (e: Event) => {
    e.preventDefault();
    const code = typed.trim().toUpperCase();
    setTyped('');
    if (!code || codes.includes(code)) return;
    setFull(codes.length >= MAX_CODES);
    if (codes.length < MAX_CODES) onChange([...codes, code]);
  };
  const text = refusal ? errorText(refusal) : null;
  return (
    <form class="dossiers" onSubmit={add} aria-labelledby="dossiers-title">
      <h3 id="dossiers-title">{t('counter.dossiers')}</h3>
      <label class="field">
        {t('counter.dossierCode')}
        <span class="row">
          <input
            name="dossier-code"
            value={typed}
            autocomplete="off"
            spellcheck={false}
            maxLength={64}
            onInput={(e) => setTyped((e.target as HTMLInputElement).value)}
          />
          <button type="submit" class="btn btn-secondary">
            {t('counter.dossierAdd')}
          </button>
        </span>
      </label>
      {text && (
        <p class="banner banner-error" role="alert" data-dossier-refusal>
          {text.vi}
          <br />
          <small lang="en">{text.en}</small>
        </p>
      )}
      {full && <p class="muted">{t('counter.dossierMax')}</p>}
      {codes.length === 0 ? (
        <p class="muted small">{t('counter.dossierNone')}</p>
      ) : (
        <ul class="dossier-codes">
          {codes.map((code) => (
            <li key={code} data-dossier={code}>
              <code>{code}</code>
              <button
                type="button"
                class="btn btn-ghost"
                aria-label={t('counter.dossierRemove', { code })}
                onClick={() => onChange(codes.filter((c) => c !== code))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}
