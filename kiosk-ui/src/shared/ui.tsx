/** Pieces shared by the apps: the header with the language switch, sign-in, banners. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { type Api, ApiError, errorText, type StaffInfo } from './api.ts';
import { lang, loc, t, toggleLang } from './i18n.ts';

/**
 * The page's `#app`, emptied: the HTML's "Đang tải…" (drawn before any script, for the first paint)
 * goes before the app renders, so it never stays outside the app's landmarks.
 */
export function appRoot(): HTMLElement {
  const root = document.getElementById('app')!;
  root.replaceChildren();
  return root;
}

export function Emblem() {
  // A plain gold star on red: the one-stop shop's mark without using any official emblem.
  return (
    <svg class="emblem" viewBox="0 0 40 40" aria-hidden="true">
      <circle cx="20" cy="20" r="19" fill="#b3261e" stroke="#f2c94c" stroke-width="2" />
      <path fill="#f2c94c" d="M20 8l3.1 8.9 9.4.2-7.5 5.7 2.7 9-7.7-5.4-7.7 5.4 2.7-9-7.5-5.7 9.4-.2z" />
    </svg>
  );
}

export function LangSwitch() {
  return (
    <button type="button" class="lang-switch" onClick={toggleLang} lang={lang.value === 'vi' ? 'en' : 'vi'}>
      {t('common.lang')}
    </button>
  );
}

export function Header({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <header class="app-header">
      <Emblem />
      <div class="app-title">
        <h1>{title}</h1>
      </div>
      <div class="app-header-tools">
        {children}
        <LangSwitch />
      </div>
    </header>
  );
}

export function ErrorBanner({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <div class="banner banner-error" role="alert">
      {t('common.error', { message: loc(errorText(error)) })}
    </div>
  );
}

export function OfflineBanner({ show }: { show: boolean }) {
  if (!show) return null;
  return (
    <div class="banner banner-warn" role="status">
      {t('common.offline')}
    </div>
  );
}

export function Login({
  api,
  roles,
  onSignedIn,
}: {
  api: Api;
  roles: StaffInfo['role'][];
  onSignedIn: (staff: StaffInfo) => void;
}) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const staff = await api.login(username, password);
      if (!roles.includes(staff.role)) {
        await api.logout();
        setError(t('login.wrongRole'));
      } else onSignedIn(staff);
    } catch (err) {
      setError(loc(err instanceof ApiError ? err.text : errorText(err)));
    } finally {
      setBusy(false);
      setPassword('');
    }
  };
  return (
    <form class="login card" onSubmit={submit}>
      <h2>{t('login.title')}</h2>
      <label>
        {t('login.username')}
        <input
          name="username"
          autocomplete="username"
          value={username}
          onInput={(e) => setUsername(e.currentTarget.value)}
          required
        />
      </label>
      <label>
        {t('login.password')}
        <input
          name="password"
          type="password"
          autocomplete="current-password"
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
          required
        />
      </label>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="btn btn-primary" disabled={busy}>
        {t('login.submit')}
      </button>
    </form>
  );
}
