import type { ComponentChildren } from 'preact';
import { loc } from '../../shared/i18n.ts';
import { Keyboard } from '../keyboard.tsx';
import { session, ui } from '../state.ts';

/**
 * A code typed on the kiosk's keyboard, with the screen's one action; a stale message goes as typing
 * starts. The answer (`children`) sits above the keyboard, so it is seen on a landscape screen too.
 */
export function CodeEntry(props: {
  label: string;
  action: string;
  onGo: () => void;
  children?: ComponentChildren;
}) {
  const { label, action, onGo } = props;
  const change = (v: string) => {
    session.error.value = null;
    ui.codeInput.value = v.toUpperCase();
  };
  return (
    <>
      <div class="follow-row">
        <input
          class="search-input follow-input"
          aria-label={label}
          placeholder={label}
          value={ui.codeInput.value}
          onInput={(e) => change(e.currentTarget.value)}
        />
        <button type="button" class="btn btn-primary btn-large" data-action="go" onClick={onGo}>
          {action}
        </button>
      </div>
      {session.error.value && (
        <p class="banner banner-error" role="alert">
          {loc(session.error.value)}
        </p>
      )}
      {props.children}
      <Keyboard value={ui.codeInput.value} onChange={change} mode="code" />
    </>
  );
}
