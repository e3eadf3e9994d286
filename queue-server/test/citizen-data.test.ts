/**
 * What the database file gives back of a CCCD number. Tickets are issued with ID numbers over real
 * MQTT and HTTP; then the data folder's bytes, without the key file, are searched the way an attacker
 * with a stolen database or backup would: 8-digit masks, the numbers, and every stored string tried
 * as the HMAC key of the hashes. A database written by the previous version (8 digits shown, the key
 * in `meta`) is migrated: afterwards its bytes hold neither the old masks, nor the hashes, nor the key.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { backup } from '../src/cli/backup.ts';
import { createLogger } from '../src/log.ts';
import { CITIZEN_KEY_FILE } from '../src/storage/citizen-key.ts';
import { SCHEMA_VERSION } from '../src/storage/migrations.ts';
import { databasePath } from '../src/storage/store.ts';
import {
  connectDevice,
  enrolDevice,
  filesUnder,
  okResult,
  startTestServer,
  tempDir,
  testEnv,
} from './helpers.ts';

/** Made-up test citizens (no real person). */
const IDS = ['001088012345', '079199004321', '048302001111'];

const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

/** Every file of the data folder but the key file: what a stolen disk image minus the key holds. */
function databaseBytes(dataDir: string): Buffer {
  return Buffer.concat(
    filesUnder(dataDir)
      .filter((f) => !f.endsWith(CITIZEN_KEY_FILE))
      .map((f) => readFileSync(f)),
  );
}

const hmac = (key: string | Buffer, id: string) => createHmac('sha256', key).update(id).digest('base64url');

/** Runs a server on `dataDir`, issues one ticket per ID number (MQTT and HTTP), stops it. */
async function issueWithIds(dataDir: string, ids: string[]): Promise<string[]> {
  const server = await startTestServer(dataDir);
  const ticketIds: string[] = [];
  try {
    const creds = enrolDevice(server, ['kiosk-1', 'kiosk']);
    const kiosk = await connectDevice(server.mqttUrl, 'demo', creds);
    try {
      for (const id of ids.slice(0, -1)) {
        const r = await kiosk.request('ticket.issue', { serviceId: 'land', citizen: { idNumber: id } });
        ticketIds.push(okResult<{ ticket: { id: string } }>(r).ticket.id);
      }
    } finally {
      await kiosk.close();
    }
    const res = await fetch(`http://127.0.0.1:${server.httpPort}/api/actions/ticket.issue`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ serviceId: 'civil-status', citizen: { idNumber: ids.at(-1) } }),
    });
    expect(res.status).toBe(200);
    ticketIds.push(((await res.json()) as { ticket: { id: string } }).ticket.id);
  } finally {
    await server.stop();
  }
  return ticketIds;
}

function rows(dataDir: string) {
  const db = new BetterSqlite3(databasePath(dataDir), { readonly: true });
  try {
    return {
      tickets: db
        .prepare(
          'SELECT id, citizen_hash AS hash, citizen_masked AS masked FROM tickets WHERE citizen_masked IS NOT NULL',
        )
        .all() as { id: string; hash: string | null; masked: string }[],
      meta: db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[],
      version: db.pragma('user_version', { simple: true }) as number,
    };
  } finally {
    db.close();
  }
}

describe('CCCD numbers in the database', () => {
  it('a fresh database shows 4 digits, and its bytes alone give no number back', async () => {
    const dir = tempDir();
    cleanup.push(() => dir.remove());
    const data = join(dir.path, 'data');
    await issueWithIds(data, IDS);
    const key = Buffer.from(readFileSync(join(data, CITIZEN_KEY_FILE), 'utf8').trim(), 'hex');
    expect(key.length).toBe(32);
    // A backup is part of what can be stolen; it must not take the key with it.
    const { file } = await backup(testEnv(data));
    expect(file.startsWith(join(data, 'backups'))).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const { tickets, meta } = rows(data);
    expect(tickets.map((t) => t.masked).sort()).toEqual(IDS.map((id) => `********${id.slice(-4)}`).sort());
    const bytes = databaseBytes(data);
    const text = bytes.toString('latin1');
    expect(text).not.toMatch(/\d{4}\*{4}\d{4}/);
    for (const id of IDS) {
      expect(text.includes(id), id).toBe(false);
      // The hash is made with the key file's key: the feature (matching a citizen later) still works.
      const stored = tickets.find((t) => t.masked.endsWith(id.slice(-4)))!;
      expect(stored.hash).toBe(hmac(key, id));
    }
    expect(bytes.includes(key)).toBe(false);
    expect(text.includes(key.toString('hex'))).toBe(false);
    // An attacker tries every string the files hold as the HMAC key (the old `meta` secret was one).
    const candidates = new Set([...text.matchAll(/[A-Za-z0-9_+/=-]{16,}/g)].map((m) => m[0]));
    for (const m of meta) candidates.add(m.value);
    expect(candidates.size).toBeGreaterThan(10);
    const wanted = new Set(tickets.map((t) => t.hash));
    for (const candidate of candidates)
      for (const k of [candidate, Buffer.from(candidate, 'hex'), Buffer.from(candidate, 'base64url')])
        if (k.length > 0) expect(wanted.has(hmac(k, IDS[0]!)), `key found: ${candidate}`).toBe(false);
  }, 60_000);

  it('migrates a database of the previous version: last 4 digits, no hash, no key left in its bytes', async () => {
    const dir = tempDir();
    cleanup.push(() => dir.remove());
    const data = join(dir.path, 'data');
    const ticketIds = await issueWithIds(data, IDS);
    // Make it what version 1 wrote: the key in `meta`, 8 digits shown, the hash under that key.
    const oldKey = randomBytes(32).toString('base64url');
    const oldMask = (id: string) => `${id.slice(0, 4)}****${id.slice(-4)}`;
    const db = new BetterSqlite3(databasePath(data));
    db.prepare("INSERT INTO meta (key, value) VALUES ('secret:citizen-hash', ?)").run(oldKey);
    db.prepare("DELETE FROM meta WHERE key = 'citizen-key-fingerprint'").run();
    const update = db.prepare('UPDATE tickets SET citizen_masked = ?, citizen_hash = ? WHERE id = ?');
    for (const [i, id] of IDS.entries()) update.run(oldMask(id), hmac(oldKey, id), ticketIds[i]);
    // Columns later migrations add (migrations 3 and 4 are `IF NOT EXISTS`).
    db.exec('DROP INDEX appointments_citizen');
    for (const column of ['reminded_at', 'citizen_hash'])
      db.exec(`ALTER TABLE appointments DROP COLUMN ${column}`);
    db.pragma('user_version = 1');
    db.close();
    const before = databaseBytes(data).toString('latin1');
    expect(before).toContain(oldMask(IDS[0]!));
    expect(before).toContain(oldKey);

    const lines: string[] = [];
    const server = await startTestServer(data, {}, { log: createLogger('t', 'debug', (l) => lines.push(l)) });
    await server.stop();

    const after = rows(data);
    expect(after.version).toBe(SCHEMA_VERSION);
    expect(after.tickets.map((t) => t.masked).sort()).toEqual(
      IDS.map((id) => `********${id.slice(-4)}`).sort(),
    );
    expect(after.tickets.every((t) => t.hash === null)).toBe(true);
    expect(after.meta.map((m) => m.key)).not.toContain('secret:citizen-hash');
    const bytes = databaseBytes(data).toString('latin1');
    expect(bytes).not.toMatch(/\d{4}\*{4}\d{4}/);
    expect(bytes.includes(oldKey)).toBe(false);
    for (const id of IDS) expect(bytes.includes(hmac(oldKey, id)), 'an old hash').toBe(false);
    expect(lines.join('')).not.toContain(oldKey);
  }, 60_000);

  it('OSS_CITIZEN_KEY_FILE puts the key elsewhere; a lost key is replaced with a warning; a bad one stops the start', async () => {
    const dir = tempDir();
    cleanup.push(() => dir.remove());
    const data = join(dir.path, 'data');
    const keyFile = join(dir.path, 'keys', 'citizen.key');
    mkdirSync(dirname(keyFile));
    const lines: string[] = [];
    const log = createLogger('t', 'info', (l) => lines.push(l));
    const start = () => startTestServer(data, { OSS_CITIZEN_KEY_FILE: keyFile }, { log });
    await (await start()).stop();
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readdirSync(data)).not.toContain(CITIZEN_KEY_FILE);
    const firstKey = readFileSync(keyFile, 'utf8');

    rmSync(keyFile);
    await (await start()).stop();
    expect(readFileSync(keyFile, 'utf8')).not.toBe(firstKey);
    expect(lines.filter((l) => l.includes('citizen key differs'))).toHaveLength(1);

    writeFileSync(keyFile, 'not a key\n');
    await expect(start()).rejects.toThrow(
      /Tệp khoá .*citizen\.key không hợp lệ .* \/ the key file .*citizen\.key is not valid \(64 hex digits expected\)/,
    );
    expect(readFileSync(keyFile, 'utf8')).toBe('not a key\n');
  }, 60_000);

  it('makes the data folder 0700 and its files 0600, tightening older ones with a warning', async () => {
    const dir = tempDir();
    cleanup.push(() => dir.remove());
    const data = join(dir.path, 'data');
    const first = await startTestServer(data);
    await first.stop();
    const modes = () =>
      Object.fromEntries(
        [data, ...filesUnder(data)].map((f) => [f.slice(data.length) || '/', statSync(f).mode & 0o777]),
      );
    expect(modes()).toEqual({ '/': 0o700, '/site.sqlite': 0o600, [`/${CITIZEN_KEY_FILE}`]: 0o600 });
    // As an older version left them: world-readable.
    chmodSync(data, 0o755);
    for (const f of filesUnder(data)) chmodSync(f, 0o644);
    writeFileSync(join(data, 'site.sqlite-wal'), '');
    chmodSync(join(data, 'site.sqlite-wal'), 0o644);
    const lines: string[] = [];
    const second = await startTestServer(data, {}, { log: createLogger('t', 'info', (l) => lines.push(l)) });
    const running = modes();
    await second.stop();
    expect(Object.values(running).filter((m) => m !== 0o600 && m !== 0o700)).toEqual([]);
    expect(running['/']).toBe(0o700);
    expect(Object.keys(running)).toEqual(expect.arrayContaining(['/site.sqlite-wal', '/site.sqlite-shm']));
    const warnings = lines.filter((l) => l.includes('"warn"') && l.includes('tightened'));
    expect(warnings.length).toBeGreaterThanOrEqual(3);
  }, 60_000);
});
