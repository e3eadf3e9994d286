/**
 * `npm run backup -- [--keep 14]`: an online copy of the site database (better-sqlite3's `backup()`,
 * safe while the server writes) to `$OSS_DATA_DIR/backups/site-YYYYMMDD-HHMM.sqlite` (UTC), checked
 * with `PRAGMA integrity_check`; only the newest `--keep` copies are kept.
 *
 * `npm run backup -- --restore <file>`: puts a backup back as the site database. It refuses while a
 * server answers on OSS_HTTP_PORT; the database it replaces is kept beside it (`site.sqlite.before-…`).
 *
 * Copies are 0600. The citizen-hash key file is never copied: a backup must not carry its key
 * (docs/provisioning.md says how to keep it apart).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { readEnv, type ServerEnv } from '../env.ts';
import { makePrivate } from '../storage/data-dir.ts';
import { databasePath } from '../storage/store.ts';

export class BackupError extends Error {}

const NAME = /^site-\d{8}-\d{4}(-\d+)?\.sqlite$/;

function stamp(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}`;
}

/** Checks a copy, and makes it one self-contained file (rollback journal, no -wal/-shm beside it). */
function integrityOk(file: string): boolean {
  const db = new BetterSqlite3(file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
    return db.pragma('integrity_check', { simple: true }) === 'ok';
  } finally {
    db.close();
  }
}

export async function backup(
  env: ServerEnv,
  keep = 14,
  now = new Date(),
): Promise<{ file: string; removed: string[] }> {
  const source = databasePath(env.dataDir);
  if (!existsSync(source))
    throw new BackupError(`Không có cơ sở dữ liệu ${source} / no database at ${source}`);
  const dir = join(env.dataDir, 'backups');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let file = join(dir, `site-${stamp(now)}.sqlite`);
  for (let i = 2; existsSync(file); i++) file = join(dir, `site-${stamp(now)}-${i}.sqlite`);
  const db = new BetterSqlite3(source, { fileMustExist: true, timeout: 5000 });
  try {
    await db.backup(file);
  } finally {
    db.close();
  }
  makePrivate(file);
  if (!integrityOk(file)) {
    rmSync(file, { force: true });
    throw new BackupError('Bản sao lưu bị hỏng / the backup failed its integrity check');
  }
  const all = readdirSync(dir)
    .filter((n) => NAME.test(n))
    .sort();
  const removed = all.slice(0, Math.max(0, all.length - keep));
  for (const n of removed) for (const s of ['', '-wal', '-shm']) rmSync(join(dir, n + s), { force: true });
  return { file, removed };
}

/** True when a site server answers on the configured HTTP port. */
export async function serverRunning(env: ServerEnv): Promise<boolean> {
  const host = env.httpHost === '0.0.0.0' ? '127.0.0.1' : env.httpHost;
  try {
    await fetch(`http://${host}:${env.httpPort}/api/health`, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

export async function restore(
  env: ServerEnv,
  from: string,
  now = new Date(),
): Promise<{ previous: string | null }> {
  const file = resolve(from);
  if (!existsSync(file)) throw new BackupError(`Không có tệp ${file} / no file ${file}`);
  if (await serverRunning(env))
    throw new BackupError(
      `Máy chủ đang chạy trên cổng ${env.httpPort}: hãy dừng trước (systemctl stop oss-queue-server) / ` +
        `a server is running on port ${env.httpPort}: stop it first`,
    );
  const target = databasePath(env.dataDir);
  mkdirSync(env.dataDir, { recursive: true });
  let previous: string | null = null;
  if (existsSync(target)) {
    previous = `${target}.before-restore-${stamp(now)}`;
    renameSync(target, previous);
  }
  for (const suffix of ['-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
  copyFileSync(file, target);
  makePrivate(target);
  if (!integrityOk(target)) {
    rmSync(target, { force: true });
    if (previous) renameSync(previous, target);
    throw new BackupError(`Tệp ${file} bị hỏng / ${file} fails its integrity check`);
  }
  return { previous };
}

export function parseBackupArgs(args: string[]): { keep: number; restore: string | null } {
  let keep = 14;
  let restoreFrom: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--keep') {
      keep = Number(args[++i]);
      if (!Number.isInteger(keep) || keep < 1)
        throw new BackupError('--keep cần một số nguyên ≥ 1 / --keep needs an integer ≥ 1');
    } else if (a === '--restore') {
      restoreFrom = args[++i] ?? null;
      if (!restoreFrom) throw new BackupError('--restore cần tên tệp / --restore needs a file');
    } else
      throw new BackupError(
        `Tuỳ chọn không rõ ${a}; cách dùng: npm run backup -- [--keep N] | --restore <tệp> / ` +
          `unknown option ${a}; usage: npm run backup -- [--keep N] | --restore <file>`,
      );
  }
  return { keep, restore: restoreFrom };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const { keep, restore: from } = parseBackupArgs(process.argv.slice(2));
    const env = readEnv();
    if (from) {
      const { previous } = await restore(env, from);
      process.stdout.write(
        previous
          ? `Đã khôi phục ${from} (cơ sở dữ liệu cũ giữ tại ${previous}) / ` +
              `restored ${from} (previous database kept as ${previous})\n`
          : `Đã khôi phục ${from} / restored ${from}\n`,
      );
    } else {
      const { file, removed } = await backup(env, keep);
      // The path comes first: timers and scripts read it; the note after it is for a person.
      const note = removed.length ? ` (đã xoá ${removed.length} bản cũ / removed ${removed.length} old)` : '';
      process.stdout.write(`${file}${note}\n`);
    }
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  }
}
