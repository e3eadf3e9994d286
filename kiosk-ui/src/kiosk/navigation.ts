/** The kiosk's screens as tables: where "back" leads from each, and the words spoken when one opens. */
import type { StringKey } from '../shared/i18n.ts';
import type { Screen } from './state.ts';

/** What the back button needs to know of the visit. */
export interface Visit {
  procedureId: string | null;
  /** Identifying to check a booking in by card. */
  appointmentByCard?: boolean;
}

/** A screen, or the screen chosen from the visit; `home` always starts a new visit (the citizen is forgotten). */
type Back = Screen | ((visit: Visit) => Screen);

/** Back from identifying or choosing a priority: to the procedure the ticket is for, or to the services. */
const ticketStart = (visit: Visit): Screen => (visit.procedureId ? 'procedure' : 'services');

/** Where "back" leads; null: no back and home buttons (the screen has its own way on). */
export const BACK: Record<Screen, Back | null> = {
  home: null,
  issuing: null,
  ticket: null,
  services: 'home',
  search: 'home',
  procedure: 'search',
  identify: (visit) => (visit.appointmentByCard ? 'appointment' : ticketStart(visit)),
  priority: ticketStart,
  follow: 'home',
  appointment: 'home',
  dossier: 'home',
  setup: 'home',
};

export function backFrom(screen: Screen, visit: Visit): Screen | null {
  const back = BACK[screen];
  return typeof back === 'function' ? back(visit) : back;
}

/** The words spoken when a screen opens with read-aloud on. */
export const SCREEN_TITLES: Partial<Record<Screen, StringKey>> = {
  home: 'kiosk.welcome',
  services: 'kiosk.chooseService',
  search: 'kiosk.searchTitle',
  identify: 'kiosk.identifyTitle',
  priority: 'kiosk.priorityTitle',
  follow: 'kiosk.followTitle',
  appointment: 'kiosk.appointmentTitle',
  dossier: 'kiosk.dossierTitle',
};
