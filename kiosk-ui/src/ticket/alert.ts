/**
 * Tells a citizen whose phone shows `/t/{id}` that their number was called: a chime, a vibration and
 * the tab's title (seen even when the page is in the background). Browsers play sound only after a tap
 * on the page, so the page offers a button that unlocks the sound once (and plays a short sample).
 */
import type { Ticket } from '@oss/protocol';
import { playChime } from '../shared/chime.ts';

/** A call the citizen has not been told about yet: a new call, or the same ticket called again. */
export function isNewCall(before: Ticket | null, after: Ticket): boolean {
  if (after.status !== 'called' || !after.calledAt) return false;
  // Opening the page on an already-called ticket is not news: the page itself says so.
  return before !== null && (before.status !== 'called' || before.calledAt !== after.calledAt);
}

/** The vibration pattern of a call (ms on, off, on…): long enough to notice in a pocket. */
export const CALL_VIBRATION = [400, 200, 400, 200, 800];

let audio: AudioContext | null = null;

/** Creates (or resumes) the audio context from a tap; returns whether sound can play now. */
export async function unlockSound(): Promise<boolean> {
  audio ??= new AudioContext();
  if (audio.state === 'suspended') await audio.resume();
  return audio.state === 'running';
}

export function soundReady(): boolean {
  return audio?.state === 'running';
}

/** Everything a call does on the phone: sound when unlocked, vibration where the phone has it. */
export function alertCall(): void {
  if (audio?.state === 'running') playChime(audio, 0.6);
  navigator.vibrate?.(CALL_VIBRATION);
}
