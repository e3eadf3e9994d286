import { describe, expect, it } from 'vitest';
import { BACK, backFrom } from './navigation.ts';
import type { Screen } from './state.ts';

describe('the kiosk back button', () => {
  const none = { procedureId: null };
  const chosen = { procedureId: 'birth' };

  it('is not shown while a ticket is issued or shown, nor at home', () => {
    for (const screen of ['home', 'issuing', 'ticket'] as const) expect(backFrom(screen, chosen)).toBeNull();
  });

  it('goes from identifying or the priority back to where the ticket was asked for', () => {
    for (const screen of ['identify', 'priority'] as const) {
      expect(backFrom(screen, chosen)).toBe('procedure');
      expect(backFrom(screen, none)).toBe('services');
    }
    expect(backFrom('procedure', chosen)).toBe('search');
  });

  it('starts a new visit from every other screen', () => {
    const others = (Object.keys(BACK) as Screen[]).filter(
      (s) => !['home', 'issuing', 'ticket', 'identify', 'priority', 'procedure'].includes(s),
    );
    expect(others.sort()).toEqual(['appointment', 'dossier', 'follow', 'search', 'services', 'setup']);
    for (const screen of others) expect(backFrom(screen, chosen)).toBe('home');
  });
});
