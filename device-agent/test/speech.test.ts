import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CLIPS_DIR } from '../src/devices.ts';
import { silentLogger } from '../src/log.ts';
import { CallAnnouncer, callClips, clipCatalogue, numberWords, SimulatedPlayer } from '../src/speech.ts';

describe('call clips', () => {
  it('builds the clip sequence of a call', () => {
    expect(callClips('A012', 3)).toEqual(['moi-so', 'letter-a', '0', '1', '2', 'den-quay-so', '3']);
    expect(callClips('B105', 12)).toEqual(['moi-so', 'letter-b', '1', '0', '5', 'den-quay-so', 'num-12']);
    expect(callClips('C001', 45)).toEqual(['moi-so', 'letter-c', '0', '0', '1', 'den-quay-so', '4', '5']);
  });

  it('says numbers the Vietnamese way', () => {
    expect(numberWords(10)).toBe('mười');
    expect(numberWords(15)).toBe('mười lăm');
    expect(numberWords(21)).toBe('hai mươi mốt');
    expect(numberWords(24)).toBe('hai mươi tư');
    expect(numberWords(30)).toBe('ba mươi');
  });

  it('has a generated clip for every id the builder can use', () => {
    for (const id of Object.keys(clipCatalogue()))
      expect(existsSync(join(DEFAULT_CLIPS_DIR, `${id}.wav`)), id).toBe(true);
  });

  it('queues calls so that they never overlap, in arrival order', async () => {
    const player = new SimulatedPlayer(2);
    const announcer = new CallAnnouncer(player, silentLogger);
    void announcer.announce('A001', 1);
    void announcer.announce('B002', 2);
    await announcer.announce('C003', 3);
    expect(player.overlapped).toBe(false);
    expect(player.played.map((p) => p.clip)).toEqual([
      ...callClips('A001', 1),
      ...callClips('B002', 2),
      ...callClips('C003', 3),
    ]);
    for (let i = 1; i < player.played.length; i++)
      expect(player.played[i]!.start).toBeGreaterThanOrEqual(player.played[i - 1]!.end);
  });
});
