/**
 * The key of the citizen hashes (HMAC-SHA256 of a CCCD number). It lives in its own 0600 file, never
 * in the database or its backups: with the key beside them, 12-digit numbers are found by trying them
 * all. Lost key: a new one is made and earlier hashes simply never match again.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StorageError } from './errors.ts';

export const CITIZEN_KEY_FILE = 'citizen.key';

export function defaultCitizenKeyPath(dataDir: string): string {
  return join(dataDir, CITIZEN_KEY_FILE);
}

const KEY_TEXT = /^[0-9a-f]{64}$/;

export interface CitizenKey {
  key: Buffer;
  created: boolean;
  /** True when the file's mode was looser than 0600 and was tightened. */
  tightened: boolean;
}

/** Reads the key file, or creates it (0600) at the first start. */
export function loadCitizenKey(file: string): CitizenKey {
  const stat = statSync(file, { throwIfNoEntry: false });
  if (!stat) {
    const text = randomBytes(32).toString('hex');
    writeFileSync(file, `${text}\n`, { mode: 0o600, flag: 'wx' });
    return { key: Buffer.from(text, 'hex'), created: true, tightened: false };
  }
  const text = readFileSync(file, 'utf8').trim();
  if (!stat.isFile() || !KEY_TEXT.test(text))
    throw new StorageError(
      {
        vi: `Tệp khoá ${file} không hợp lệ (cần 64 chữ số hex): khôi phục tệp khoá đã sao lưu riêng, hoặc xoá nó để tạo khoá mới (mã băm cũ sẽ không còn khớp)`,
        en: `the key file ${file} is not valid (64 hex digits expected): put back the key you kept apart, or delete it to make a new key (earlier hashes will no longer match)`,
      },
      'citizen-key',
    );
  const tightened = (stat.mode & 0o077) !== 0;
  if (tightened) chmodSync(file, 0o600);
  return { key: Buffer.from(text, 'hex'), created: false, tightened };
}

/** The keyed hash stored to match a citizen later (appointments): useless without the key file. */
export function citizenHash(key: Buffer, idNumber: string): string {
  return createHmac('sha256', key).update(idNumber).digest('base64url');
}

/** The CCCD number as it may be shown and stored: the last 4 digits only. */
export function maskIdNumber(idNumber: string): string {
  return `${'*'.repeat(Math.max(0, idNumber.length - 4))}${idNumber.slice(-4)}`;
}

/**
 * Which key made the stored hashes, without revealing it: an HMAC of a constant. Kept in `meta` so
 * that a start with a different key file says so.
 */
export function keyFingerprint(key: Buffer): string {
  return createHmac('sha256', key).update('oss citizen key fingerprint').digest('base64url').slice(0, 16);
}
