import { createHmac } from 'node:crypto';
import { CccdError } from './errors.ts';

/** `001099007064` → `0010****7064`: the only form of an ID number fit for screens and records. */
export function maskIdNumber(idNumber: string): string {
  if (!/^\d{12}$/.test(idNumber)) {
    throw new CccdError('access_key', 'Số định danh phải có 12 chữ số', 'The ID number must be 12 digits');
  }
  return `${idNumber.slice(0, 4)}****${idNumber.slice(8)}`;
}

/**
 * Keyed hash (HMAC-SHA-256, hex) of an ID number, to recognise a returning citizen without storing
 * the number. The key is a per-site secret of at least 16 bytes; without it the hash cannot be
 * reversed by trying all 10^12 numbers.
 */
export function idNumberHash(idNumber: string, key: Uint8Array): string {
  if (key.length < 16) throw new RangeError('the hash key must be at least 16 bytes');
  if (!/^\d{12}$/.test(idNumber)) {
    throw new CccdError('access_key', 'Số định danh phải có 12 chữ số', 'The ID number must be 12 digits');
  }
  return createHmac('sha256', key).update(idNumber, 'ascii').digest('hex');
}
