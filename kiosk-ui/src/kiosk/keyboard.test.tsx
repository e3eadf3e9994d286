// @vitest-environment happy-dom
import { render } from 'preact';
import { describe, expect, it } from 'vitest';
import { lang } from '../shared/i18n.ts';
import { Keyboard } from './keyboard.tsx';

describe('on-screen keyboard', () => {
  it('types Telex through its keys, deletes, clears, and labels keys in the current language', () => {
    const root = document.createElement('div');
    document.body.append(root);
    let value = '';
    const draw = () =>
      render(
        <Keyboard
          value={value}
          onChange={(v) => {
            value = v;
            draw();
          }}
        />,
        root,
      );
    draw();
    const press = (k: string) => root.querySelector<HTMLButtonElement>(`[data-key="${k}"]`)!.click();
    for (const k of ['d', 'd', 'a', 'w', 'n', 'g', 'space', 'k', 'y', 's']) press(k);
    expect(value).toBe('đăng ký');
    press('backspace');
    expect(value).toBe('đăng k');
    press('clear');
    expect(value).toBe('');
    expect(root.querySelector('[data-key=space]')!.textContent).toBe('Dấu cách');
    lang.value = 'en';
    draw();
    expect(root.querySelector('[data-key=space]')!.textContent).toBe('Space');
    lang.value = 'vi';
  });
});
