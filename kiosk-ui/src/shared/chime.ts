/** The call chime of the board and the phone page: two falling tones ("ding-dong"), made, not loaded. */
export function playChime(audio: AudioContext, volume = 0.4): void {
  const t0 = audio.currentTime;
  for (const [i, freq] of [880, 660].entries()) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    const at = t0 + i * 0.45;
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(volume, at + 0.03);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.4);
    osc.connect(gain).connect(audio.destination);
    osc.start(at);
    osc.stop(at + 0.42);
  }
}
