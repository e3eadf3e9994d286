/** Read-aloud: the kiosk speaks its screens and the ticket when the citizen turns it on. */
import { lang } from '../shared/i18n.ts';
import { ui } from './state.ts';

/** Speaks a text when read-aloud is on (Vietnamese voice when the system has one). */
export function speak(text: string): void {
  if (!ui.readAloud.value || typeof speechSynthesis === 'undefined') return;
  speechSynthesis.cancel();
  const u = new SpeechSynthesisUtterance(text);
  u.lang = lang.value === 'vi' ? 'vi-VN' : 'en-GB';
  const voice = speechSynthesis.getVoices().find((v) => v.lang.toLowerCase().startsWith(lang.value));
  if (voice) u.voice = voice;
  speechSynthesis.speak(u);
}
