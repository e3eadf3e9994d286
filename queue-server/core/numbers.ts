/**
 * Ticket numbers. Offline numbers (docs/queue-server.md, "Numbers"): each kiosk gets its own hundred
 * of a prefix for the day, above `OFFLINE_BAND_BASE` and above every number in use (A501–A600 for the
 * first kiosk to lease, A601–A700 for the next…), and leases blocks from it. So online numbers stay
 * consecutive, an offline number tells which kiosk printed it, and a kiosk can take at most a hundred
 * a service.
 */
import type { QueueState } from './state.ts';

export const OFFLINE_BAND_BASE = 500;
export const OFFLINE_BAND_SIZE = 100;

export interface Band {
  from: number;
  to: number;
}

/** A012: the prefix letter and at least three digits. */
export function formatNumber(prefix: string, seq: number): string {
  return `${prefix}${String(seq).padStart(3, '0')}`;
}

/** Each kiosk's band of a prefix today, from its leases. */
export function offlineBands(state: QueueState, prefix: string): Map<string, Band> {
  const bands = new Map<string, Band>();
  for (const l of state.leases) {
    if (l.prefix !== prefix || bands.has(l.deviceId)) continue;
    const from = Math.floor((l.from - 1) / OFFLINE_BAND_SIZE) * OFFLINE_BAND_SIZE + 1;
    bands.set(l.deviceId, { from, to: from + OFFLINE_BAND_SIZE - 1 });
  }
  return bands;
}

/** The next online number of a prefix: after the last one, stepping over the kiosks' bands. */
export function nextOnlineSeq(state: QueueState, prefix: string): number {
  const bands = [...offlineBands(state, prefix).values()].sort((a, b) => a.from - b.from);
  let seq = (state.lastSeq[prefix] ?? 0) + 1;
  for (const band of bands) if (seq >= band.from && seq <= band.to) seq = band.to + 1;
  return seq;
}

/** The kiosk's band of a prefix: the one it has today, or the next free hundred above all in use. */
export function bandOf(state: QueueState, prefix: string, deviceId: string): Band {
  const bands = offlineBands(state, prefix);
  const own = bands.get(deviceId);
  if (own) return own;
  const inUse = Math.max(
    OFFLINE_BAND_BASE,
    nextOnlineSeq(state, prefix) - 1,
    ...[...bands.values()].map((b) => b.to),
  );
  const from = Math.ceil(inUse / OFFLINE_BAND_SIZE) * OFFLINE_BAND_SIZE + 1;
  return { from, to: from + OFFLINE_BAND_SIZE - 1 };
}
