import { idNumberHash, maskIdNumber } from './privacy.ts';
import type { CccdQrData, Gender } from './qr.ts';
import type { CccdChipData } from './reader.ts';

/**
 * The least a kiosk needs from a CCCD to issue a ticket: no full ID number, only its masked form
 * and a keyed hash. Keep it in memory for the visit only; never log it.
 */
export interface CitizenIdentity {
  source: 'qr' | 'chip';
  maskedId: string;
  idHash: string;
  fullName: string;
  /** ISO 'YYYY-MM-DD' (what `ticket.issue` takes as `citizen.birthDate`). */
  birthDate: string;
  gender?: Gender;
  /** True only for chip data whose signature chains to a configured CSCA. */
  verified: boolean;
}

export function identityFromQr(qr: CccdQrData, hashKey: Uint8Array): CitizenIdentity {
  return {
    source: 'qr',
    maskedId: maskIdNumber(qr.idNumber),
    idHash: idNumberHash(qr.idNumber, hashKey),
    fullName: qr.fullName,
    birthDate: qr.birthDate,
    gender: qr.gender,
    verified: false,
  };
}

/** From chip data; undefined when DG13 (read by default) was not read or lacks the essentials. */
export function identityFromChip(chip: CccdChipData, hashKey: Uint8Array): CitizenIdentity | undefined {
  const personal = chip.personal;
  const idNumber = personal?.idNumber ?? chip.mrz.idNumber;
  if (!personal?.fullName || !personal.birthDate || !idNumber) return undefined;
  return {
    source: 'chip',
    maskedId: maskIdNumber(idNumber),
    idHash: idNumberHash(idNumber, hashKey),
    fullName: personal.fullName,
    birthDate: personal.birthDate,
    ...(personal.gender ? { gender: personal.gender } : {}),
    verified: chip.authentication.chain === 'trusted',
  };
}
