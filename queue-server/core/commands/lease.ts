/** A block of today's numbers for a kiosk to issue from while it cannot reach the server (numbers.ts). */
import type { CommandHandler } from '../command.ts';
import { bandOf, OFFLINE_BAND_SIZE } from '../numbers.ts';
import * as refuse from '../refusals.ts';
import { publicService } from '../site.ts';

/** The next `size` numbers of the kiosk's band, after the blocks it already took. */
export const lease: CommandHandler<'lease'> = (state, c, ctx) => {
  const service = publicService(ctx.site, c.serviceId);
  const { prefix } = service;
  const band = bandOf(state, prefix, c.deviceId);
  const taken = state.leases.filter((l) => l.deviceId === c.deviceId && l.prefix === prefix);
  const from = Math.max(band.from, ...taken.map((l) => l.to + 1));
  const to = Math.min(band.to, from + c.size - 1);
  if (from > to) refuse.offlineNumbersUsedUp(OFFLINE_BAND_SIZE);
  return [
    { type: 'lease.granted', at: ctx.now, deviceId: c.deviceId, serviceId: service.id, prefix, from, to },
  ];
};
