/** The technician's screen (five taps on the emblem, or `?setup`): the kiosk's enrolment for plain-browser mode. */
import { useState } from 'preact/hooks';
import { t } from '../../shared/i18n.ts';
import { transportRef } from '../state.ts';
import { loadDeviceConfig, saveDeviceConfig } from '../transport.ts';

export function Setup({ onSaved }: { onSaved: () => void }) {
  const current = loadDeviceConfig();
  const [deviceId, setDeviceId] = useState(current?.deviceId ?? '');
  const [password, setPassword] = useState('');
  const [saved, setSaved] = useState(false);
  const mode = transportRef.value?.mode === 'agent' ? t('setup.modeAgent') : t('setup.modeBrowser');
  return (
    <section class="screen screen-setup" data-screen="setup">
      <h2>{t('setup.title')}</h2>
      <p>{t('setup.mode', { mode })}</p>
      <form
        class="card setup-form"
        onSubmit={(e) => {
          e.preventDefault();
          saveDeviceConfig({ deviceId: deviceId.trim(), password: password.trim() });
          setSaved(true);
          onSaved();
        }}
      >
        <label>
          {t('setup.deviceId')}
          <input
            name="deviceId"
            value={deviceId}
            onInput={(e) => setDeviceId(e.currentTarget.value)}
            required
          />
        </label>
        <label>
          {t('setup.password')}
          <input
            name="devicePassword"
            type="password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            required
          />
        </label>
        <p class="muted small">{t('setup.hint')}</p>
        <div class="row">
          <button type="submit" class="btn btn-primary">
            {t('common.save')}
          </button>
          <button
            type="button"
            class="btn btn-ghost"
            onClick={() => {
              saveDeviceConfig(null);
              onSaved();
            }}
          >
            {t('setup.clear')}
          </button>
        </div>
        {saved && (
          <p class="banner banner-ok" role="status">
            {t('setup.saved')}
          </p>
        )}
      </form>
    </section>
  );
}
