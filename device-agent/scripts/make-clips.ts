/**
 * Generates the Vietnamese call clips (WAV) with espeak-ng's `vi` voice:
 * `npx tsx device-agent/scripts/make-clips.ts [outDir]` (default device-agent/audio/vi).
 * Run at build or provisioning time (`apt-get install -y espeak-ng`); recorded human clips with the
 * same names (see clipCatalogue) can replace them.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clipCatalogue } from '../src/speech.ts';

const out = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'audio', 'vi'));
mkdirSync(out, { recursive: true });
const clips = clipCatalogue();
for (const [id, text] of Object.entries(clips)) {
  execFileSync('espeak-ng', ['-v', 'vi', '-s', '140', '-w', join(out, `${id}.wav`), text]);
}
process.stdout.write(`${Object.keys(clips).length} clips written to ${out}\n`);
