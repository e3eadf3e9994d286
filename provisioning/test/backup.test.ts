/**
 * `npm run backup`: an online backup of a live database under writes, retention, a restore that
 * refuses while a server runs, and a server started on the restored copy that has the tickets.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { backup, parseBackupArgs, readEnv, restore } from '@oss/queue-server';
import { connectDevice, enrolDevice, okResult, startTestServer, tempDir } from '@oss/queue-server/testing';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const REPO = join(import.meta.dirname, '../..');
const BACKUP_CLI = join(REPO, 'queue-server/src/cli/backup.ts');

const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

describe('backup and restore', () => {
  it('backs up under writes, keeps N, refuses to restore under a running server, restores', async () => {
    const dir = tempDir('oss-backup-');
    cleanup.push(() => dir.remove());
    const data = join(dir.path, 'data');
    const server = await startTestServer(data);
    let stopped = false;
    cleanup.push(() => (stopped ? undefined : server.stop()));
    const creds = enrolDevice(server, ['kiosk-1', 'kiosk']);
    const kiosk = await connectDevice(server.mqttUrl, 'demo', creds);
    cleanup.push(() => kiosk.close());

    const issue = async () =>
      okResult<{ ticket: { id: string } }>(await kiosk.request('ticket.issue', { serviceId: 'land' })).ticket
        .id;
    const before: string[] = [];
    for (let i = 0; i < 20; i++) before.push(await issue());

    // Writes keep going while the backup runs.
    let writing = true;
    const during: string[] = [];
    const writer = (async () => {
      while (writing) during.push(await issue());
    })();
    const env = { ...server.env, httpPort: server.httpPort, httpHost: '127.0.0.1' };
    // The CLI in its own process, as the timer runs it, against the database being written.
    const cli = await run(process.execPath, ['--import', 'tsx', BACKUP_CLI, '--keep', '14'], {
      cwd: REPO,
      env: { ...process.env, OSS_DATA_DIR: data },
    });
    writing = false;
    await writer;
    expect(cli.stdout).toMatch(/backups\/site-\d{8}-\d{4}\.sqlite/);
    expect(during.length).toBeGreaterThan(0);
    const first = await backup(env, 14, new Date('2025-11-20T01:00:00Z'));
    expect(first.file).toMatch(/backups\/site-20251120-0100\.sqlite$/);

    // Retention: three more backups with --keep 2 leave the two newest.
    await backup(env, 14, new Date('2025-11-21T01:00:00Z'));
    await backup(env, 14, new Date('2025-11-22T01:00:00Z'));
    const last = await backup(env, 2, new Date('2025-11-23T01:00:00Z'));
    const underWrites = basename(cli.stdout.trim());
    expect(last.removed).toEqual([
      'site-20251120-0100.sqlite',
      'site-20251121-0100.sqlite',
      'site-20251122-0100.sqlite',
    ]);
    expect(readdirSync(join(data, 'backups')).sort()).toEqual(['site-20251123-0100.sqlite', underWrites]);

    // Restoring under the running server is refused and changes nothing.
    const taken = join(data, 'backups', underWrites);
    await expect(restore(env, taken)).rejects.toThrow(/đang chạy|running/);

    // Into a fresh folder, then a server on it: every ticket issued before the backup is there.
    const fresh = join(dir.path, 'fresh');
    await server.stop();
    stopped = true;
    await restore(readEnv({ OSS_DATA_DIR: fresh, OSS_HTTP_PORT: String(server.httpPort) }), taken);
    expect(existsSync(join(fresh, 'site.sqlite'))).toBe(true);
    const again = await startTestServer(fresh);
    cleanup.push(() => again.stop());
    const base = `http://127.0.0.1:${again.httpPort}`;
    for (const id of before) expect((await fetch(`${base}/api/tickets/${id}`)).status).toBe(200);
    // The copy is one consistent moment: the tickets issued during the backup that it holds are a prefix.
    const restored = again.service.core.state.tickets.size;
    expect(restored).toBeGreaterThanOrEqual(before.length);
    expect(restored).toBeLessThanOrEqual(before.length + during.length);
    const held = during.map((id) => again.service.core.state.tickets.has(id));
    expect(held).toEqual(during.map((_, i) => i < restored - before.length));
    // The restored site keeps numbering after the restored tickets.
    const k2 = await connectDevice(again.mqttUrl, 'demo', creds);
    cleanup.push(() => k2.close());
    const next = okResult<{ ticket: { number: string } }>(
      await k2.request('ticket.issue', { serviceId: 'land' }),
    );
    expect(Number(next.ticket.number.slice(1))).toBe(restored + 1);
  }, 90_000);

  it('parses its options', () => {
    expect(parseBackupArgs(['--keep', '7'])).toEqual({ keep: 7, restore: null });
    expect(parseBackupArgs(['--restore', 'x.sqlite'])).toEqual({ keep: 14, restore: 'x.sqlite' });
    expect(() => parseBackupArgs(['--keep', '0'])).toThrow(/^--keep cần .* \/ --keep needs/);
    expect(() => parseBackupArgs(['--wat'])).toThrow(/^Tuỳ chọn không rõ --wat.* \/ unknown option --wat/);
  });
});
