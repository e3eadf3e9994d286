/** The kiosk's header: the emblem (five taps open the technician screen), the site, the clock. */

import { localClock } from '@oss/protocol/time';
import { useEffect, useRef, useState } from 'preact/hooks';
import { loc, t } from '../shared/i18n.ts';
import { Emblem } from '../shared/ui.tsx';
import { data, go } from './state.ts';

const TAPS_TO_SETUP = 5;
const TAPS_WITHIN_MS = 3000;

export function KioskHeader() {
  const site = data.site.value;
  const taps = useRef<number[]>([]);
  const [clock, setClock] = useState(() => new Date());
  useEffect(() => {
    const id = setInterval(() => setClock(new Date()), 15_000);
    return () => clearInterval(id);
  }, []);
  const emblemTap = () => {
    const now = Date.now();
    taps.current = [...taps.current.filter((x) => now - x < TAPS_WITHIN_MS), now];
    if (taps.current.length >= TAPS_TO_SETUP) {
      taps.current = [];
      go('setup');
    }
  };
  return (
    <header class="kiosk-header">
      <button type="button" class="emblem-button" aria-hidden="true" tabIndex={-1} onClick={emblemTap}>
        <Emblem />
      </button>
      <div class="kiosk-site">
        <h1 class="kiosk-site-name">{site ? loc(site.site.name) : t('common.loading')}</h1>
        {site && <span class="muted">{site.site.address}</span>}
      </div>
      <time class="kiosk-clock">{site ? localClock(clock.getTime(), site.site.timezone) : ''}</time>
    </header>
  );
}
