import { HardwareError } from '../errors.ts';

/** What went wrong while reading a CCCD, as a stable code the caller can branch on. */
export type CccdErrorCode =
  | 'qr_format' // the QR text is not a CCCD payload
  | 'qr_field' // one QR field is malformed
  | 'access_key' // the data for the BAC key (ID number, dates) is malformed
  | 'tlv' // card bytes are not valid BER-TLV
  | 'transport' // the reader or the link to the card failed
  | 'card_status' // the card answered with an unexpected status word
  | 'not_found' // the applet or file does not exist on this card
  | 'auth_failed' // BAC mutual authentication was refused or did not verify
  | 'secure_messaging' // a protected response failed its MAC or format check
  | 'data_group' // a data group's content is malformed
  | 'passive_auth' // the SOD does not vouch for the data read
  | 'active_auth'; // the chip could not prove it holds the DG15 key: possibly a cloned chip

/**
 * A typed failure with a message in Vietnamese and English. Messages never contain personal data
 * (ID numbers, names, dates), so they are safe to log and to show.
 */
export class CccdError extends HardwareError<CccdErrorCode> {
  override readonly name = 'CccdError';

  constructor(code: CccdErrorCode, vi: string, en: string, options?: { cause?: unknown }) {
    super(code, { vi, en }, options);
  }
}
