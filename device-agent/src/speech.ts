/**
 * Calls said aloud in Vietnamese from pre-generated clips: "Mời số A012 đến quầy số 3" becomes
 * moi-so, letter-a, 0, 1, 2, den-quay-so, 3. Ticket numbers are read digit by digit (as Vietnamese
 * call systems do: "a không một hai"); counter numbers as a whole number (num-12 = "mười hai").
 * A queue plays one call after another: calls never overlap.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentLogger } from './log.ts';

/** What each clip says (the generator speaks these with espeak-ng's `vi` voice). */
export const LETTER_WORDS: Record<string, string> = {
  A: 'a',
  B: 'bê',
  C: 'xê',
  D: 'dê',
  E: 'e',
  F: 'ép',
  G: 'giê',
  H: 'hát',
  I: 'i',
  J: 'gi',
  K: 'ca',
  L: 'e lờ',
  M: 'em mờ',
  N: 'en nờ',
  O: 'o',
  P: 'pê',
  Q: 'quy',
  R: 'e rờ',
  S: 'ét xì',
  T: 'tê',
  U: 'u',
  V: 'vê',
  W: 'vê kép',
  X: 'ích xì',
  Y: 'i dài',
  Z: 'dét',
};
export const DIGIT_WORDS = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín'];
/** Counter numbers spoken as whole numbers have clips up to this. */
export const MAX_COUNTER_CLIP = 30;

/** Vietnamese words for 1–99 ("mười hai", "hai mươi mốt", "ba mươi lăm"). */
export function numberWords(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 99) throw new RangeError(`no words for ${n}`);
  if (n < 10) return DIGIT_WORDS[n]!;
  const tens = Math.floor(n / 10);
  const unit = n % 10;
  const head = tens === 1 ? 'mười' : `${DIGIT_WORDS[tens]} mươi`;
  if (unit === 0) return head;
  const tail =
    unit === 1 && tens > 1 ? 'mốt' : unit === 5 ? 'lăm' : unit === 4 && tens > 1 ? 'tư' : DIGIT_WORDS[unit];
  return `${head} ${tail}`;
}

/** Every clip id with its text. */
export function clipCatalogue(): Record<string, string> {
  const clips: Record<string, string> = { 'moi-so': 'Mời số', 'den-quay-so': 'đến quầy số' };
  for (const [letter, word] of Object.entries(LETTER_WORDS)) clips[`letter-${letter.toLowerCase()}`] = word;
  DIGIT_WORDS.forEach((w, d) => {
    clips[String(d)] = w;
  });
  for (let n = 10; n <= MAX_COUNTER_CLIP; n++) clips[`num-${n}`] = numberWords(n);
  return clips;
}

/** The clips for one call, in order. Unknown characters are skipped; the counter must be ≥ 1. */
export function callClips(number: string, counterNumber: number): string[] {
  const clips = ['moi-so'];
  for (const ch of number.toUpperCase()) {
    if (/[A-Z]/.test(ch)) clips.push(`letter-${ch.toLowerCase()}`);
    else if (/[0-9]/.test(ch)) clips.push(ch);
  }
  clips.push('den-quay-so');
  if (counterNumber < 10) clips.push(String(counterNumber));
  else if (counterNumber <= MAX_COUNTER_CLIP) clips.push(`num-${counterNumber}`);
  else clips.push(...String(counterNumber).split(''));
  return clips;
}

/** Plays one clip and resolves when it has finished. */
export interface ClipPlayer {
  play(clip: string): Promise<void>;
  close?(): void;
}

/** `aplay` (ALSA) or `pw-play` (PipeWire) as a child process, one clip at a time. */
export class CommandPlayer implements ClipPlayer {
  private warned = new Set<string>();
  private child: ReturnType<typeof spawn> | null = null;

  constructor(
    private readonly command: 'aplay' | 'pw-play',
    private readonly clipsDir: string,
    private readonly log: AgentLogger,
    private readonly device?: string,
  ) {}

  play(clip: string): Promise<void> {
    const file = join(this.clipsDir, `${clip}.wav`);
    if (!existsSync(file)) {
      if (!this.warned.has(clip)) this.log.warn({ clip }, 'audio clip missing (run npm run clips)');
      this.warned.add(clip);
      return Promise.resolve();
    }
    const args =
      this.command === 'aplay'
        ? ['-q', ...(this.device ? ['-D', this.device] : []), file]
        : [...(this.device ? ['--target', this.device] : []), file];
    return new Promise((resolve) => {
      const child = spawn(this.command, args, { stdio: 'ignore' });
      this.child = child;
      child.on('error', (e) => {
        if (!this.warned.has(this.command)) this.log.warn({ err: e.message }, `${this.command} failed`);
        this.warned.add(this.command);
        resolve();
      });
      child.on('exit', () => {
        this.child = null;
        resolve();
      });
    });
  }

  close(): void {
    this.child?.kill();
  }
}

/** Records what would play, with start/end times: tests check order and overlap. */
export class SimulatedPlayer implements ClipPlayer {
  readonly played: { clip: string; start: number; end: number }[] = [];
  private playing = 0;
  overlapped = false;

  constructor(private readonly clipMs = 1) {}

  async play(clip: string): Promise<void> {
    if (this.playing > 0) this.overlapped = true;
    this.playing++;
    const start = performance.now();
    await new Promise((r) => setTimeout(r, this.clipMs));
    this.playing--;
    this.played.push({ clip, start, end: performance.now() });
  }
}

/** Announces calls one after another. */
export class CallAnnouncer {
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  readonly announced: { number: string; counterNumber: number; clips: string[] }[] = [];

  constructor(
    private readonly player: ClipPlayer,
    private readonly log: AgentLogger,
  ) {}

  get queued(): number {
    return this.pending;
  }

  announce(number: string, counterNumber: number): Promise<void> {
    const clips = callClips(number, counterNumber);
    this.pending++;
    const run = this.chain.then(async () => {
      for (const clip of clips) await this.player.play(clip);
      this.announced.push({ number, counterNumber, clips });
    });
    this.chain = run
      .catch((e: unknown) => this.log.warn({ err: String(e) }, 'announcement failed'))
      .finally(() => {
        this.pending--;
      });
    return this.chain;
  }

  idle(): Promise<void> {
    return this.chain;
  }
}
