import { randomBytes } from 'node:crypto';
import { parseDg15, performActiveAuthentication } from './active-auth.ts';
import { type CardTransport, encodeApdu, SW_OK, statusError, transmitRaw } from './apdu.ts';
import { performBac, type RandomSource } from './bac.ts';
import {
  type Dg13Data,
  type EfCom,
  type FaceImage,
  parseDg1,
  parseDg2,
  parseDg13,
  parseEfCom,
} from './datagroups.ts';
import { CccdError } from './errors.ts';
import { DEFAULT_READ_CHUNK, dataGroupFileId, EF, readElementaryFile, sendProtected } from './files.ts';
import type { BacAccessKey, MrzData } from './mrz.ts';
import { choosePace, type PaceInfo, parseCardAccess, performPace, readCardAccess } from './pace.ts';
import type { SecureMessaging } from './secure-messaging.ts';
import { type PassiveAuthResult, type TrustAnchor, verifyPassiveAuthentication } from './sod.ts';

export const EMRTD_APPLET_AID = Buffer.from('A0000002471001', 'hex');

/** Data groups this reader understands. DG2 (face) only when the service needs the photo. */
export type ReadableDataGroup = 1 | 2 | 13;

export interface ChipReadOptions {
  /** BAC keys to try in order (e.g. one per expiry date candidate); the first that opens the chip wins. */
  accessKeys: BacAccessKey | readonly BacAccessKey[];
  /**
   * Card access number for PACE. Default: the last 6 digits of the ID number (the CCCD convention),
   * taken from the first access key's document number.
   */
  can?: string;
  /** 'auto' (default): PACE when EF.CardAccess offers ECDH generic mapping, else BAC. */
  pace?: 'auto' | 'never';
  /** Default [1, 13]: MRZ and personal data, no photo. DG1 is always read. */
  dataGroups?: readonly ReadableDataGroup[];
  /** CSCA certificates (PEM, DER or X509Certificate). Without them the chain is reported unchecked. */
  trustAnchors?: readonly TrustAnchor[];
  /** Challenge the chip with DG15's key when it has one (default true): detects cloned chips. */
  activeAuthentication?: boolean;
  now?: Date;
  random?: RandomSource;
  readChunk?: number;
}

export interface CccdChipData {
  com: EfCom;
  mrz: MrzData;
  personal?: Dg13Data;
  face?: FaceImage;
  authentication: PassiveAuthResult;
  /** 'passed': the chip signed our challenge with the DG15 key; 'not_supported': no DG15. */
  activeAuthentication: 'passed' | 'not_supported' | 'skipped';
  /** EF.CardAccess exists: the chip offers PACE. */
  paceAvailable: boolean;
  /** How the chip was opened: PACE with the CAN, or BAC with one of `accessKeys`. */
  accessMethod: 'pace' | 'bac';
  /** With BAC: index in `accessKeys` of the key that opened the chip. */
  accessKeyIndex?: number;
}

async function selectApplet(transport: CardTransport): Promise<void> {
  const answer = await transmitRaw(
    transport,
    encodeApdu({ cla: 0, ins: 0xa4, p1: 0x04, p2: 0x0c, data: EMRTD_APPLET_AID }),
  );
  if (answer.sw === 0x6a82) {
    throw new CccdError(
      'not_found',
      'Thẻ không có ứng dụng căn cước điện tử (ICAO)',
      'The card has no ICAO eMRTD application',
    );
  }
  if (answer.sw !== SW_OK) throw statusError(answer.sw, 'SELECT applet');
}

/** The PACE variant to use, from EF.CardAccess (read without touching the MF: some CCCDs answer 6D00). */
async function findPace(transport: CardTransport): Promise<{ present: boolean; info?: PaceInfo }> {
  const cardAccess = await readCardAccess(transport);
  if (!cardAccess) return { present: false };
  try {
    const info = choosePace(parseCardAccess(cardAccess));
    return info ? { present: true, info } : { present: true };
  } catch (err) {
    if (err instanceof CccdError) return { present: true }; // unreadable: fall back to BAC
    throw err;
  }
}

/** PACE with the CAN, then the applet selected under the new secure messaging. */
async function openPaceSession(
  transport: CardTransport,
  info: PaceInfo,
  can: string,
  random: RandomSource | undefined,
): Promise<SecureMessaging> {
  const { sm } = await performPace(transport, info, { can }, random);
  const selected = await sendProtected(transport, sm, {
    cla: 0,
    ins: 0xa4,
    p1: 0x04,
    p2: 0x0c,
    data: EMRTD_APPLET_AID,
  });
  if (selected.sw !== SW_OK) throw statusError(selected.sw, 'SELECT applet');
  return sm;
}

async function openSession(
  transport: CardTransport,
  keys: readonly BacAccessKey[],
  random: RandomSource | undefined,
): Promise<{ sm: SecureMessaging; index: number }> {
  let lastError: unknown;
  for (const [index, key] of keys.entries()) {
    await selectApplet(transport);
    try {
      return { sm: await performBac(transport, key, random), index };
    } catch (err) {
      if (!(err instanceof CccdError && err.code === 'auth_failed')) throw err;
      lastError = err;
    }
  }
  throw lastError ?? new CccdError('access_key', 'Chưa có khoá truy cập thẻ', 'No access key was given');
}

/** The CCCD's CAN by convention: the ID number's last 6 digits (= the document number's). */
function cardAccessNumber(keys: readonly BacAccessKey[]): string | undefined {
  const number = keys[0]?.documentNumber;
  return number && /^\d{9}$/.test(number) ? number.slice(-6) : undefined;
}

interface OpenChip {
  sm: SecureMessaging;
  paceAvailable: boolean;
  /** Set when BAC opened the chip. */
  index?: number;
}

/**
 * Opens secure messaging: PACE with the CAN when the chip offers it, else (or when the CAN is
 * refused) BAC with each access key in turn.
 */
async function openChip(
  transport: CardTransport,
  options: ChipReadOptions,
  keys: readonly BacAccessKey[],
): Promise<OpenChip> {
  const pace = await findPace(transport);
  const can = options.can ?? cardAccessNumber(keys);
  let paceRefusal: CccdError | undefined;
  if (pace.info && can && options.pace !== 'never') {
    try {
      return { sm: await openPaceSession(transport, pace.info, can, options.random), paceAvailable: true };
    } catch (err) {
      // A refused CAN falls back to BAC, which most cards also accept.
      if (!(err instanceof CccdError && err.code === 'auth_failed') || keys.length === 0) throw err;
      paceRefusal = err;
    }
  }
  try {
    return { ...(await openSession(transport, keys, options.random)), paceAvailable: pace.present };
  } catch (err) {
    // On a PACE-only chip BAC fails for another reason; the PACE refusal is the one to report.
    throw paceRefusal ?? err;
  }
}

/**
 * Reads a CCCD chip: PACE or BAC, EF.COM, EF.SOD, the wanted data groups, passive and (with DG15)
 * active authentication. Returns only data the SOD vouches for; any failure is a CccdError.
 */
export async function readCccdChip(
  transport: CardTransport,
  options: ChipReadOptions,
): Promise<CccdChipData> {
  const keys = Array.isArray(options.accessKeys) ? options.accessKeys : [options.accessKeys as BacAccessKey];
  const chunk = options.readChunk ?? DEFAULT_READ_CHUNK;
  const opened = await openChip(transport, options, keys);
  const { sm } = opened;

  const com = parseEfCom(await readElementaryFile(transport, sm, EF.COM, 'EF.COM', chunk));
  if (!com.dataGroups.includes(1)) {
    throw new CccdError('data_group', 'EF.COM không liệt kê DG1', 'EF.COM does not list DG1');
  }
  const sod = await readElementaryFile(transport, sm, EF.SOD, 'EF.SOD', chunk);
  const doActive = options.activeAuthentication !== false && com.dataGroups.includes(15);
  const wanted = new Set<number>([1, ...(options.dataGroups ?? [1, 13]), ...(doActive ? [15] : [])]);
  const groups = new Map<number, Buffer>();
  for (const n of [...wanted].sort((a, b) => a - b)) {
    if (!com.dataGroups.includes(n)) continue;
    groups.set(n, await readElementaryFile(transport, sm, dataGroupFileId(n), `DG${n}`, chunk));
  }
  const authentication = verifyPassiveAuthentication(sod, groups, options.trustAnchors, options.now);
  const dg15 = groups.get(15);
  if (dg15) {
    const challenge = (options.random ?? randomBytes)(8);
    await performActiveAuthentication(transport, sm, parseDg15(dg15), challenge);
  }

  const dg13 = groups.get(13);
  const dg2 = groups.get(2);
  return {
    com,
    mrz: parseDg1(groups.get(1)!),
    ...(dg13 ? { personal: parseDg13(dg13) } : {}),
    ...(dg2 ? { face: parseDg2(dg2) } : {}),
    authentication,
    activeAuthentication: dg15 ? 'passed' : com.dataGroups.includes(15) ? 'skipped' : 'not_supported',
    paceAvailable: opened.paceAvailable,
    accessMethod: opened.index === undefined ? 'pace' : 'bac',
    ...(opened.index === undefined ? {} : { accessKeyIndex: opened.index }),
  };
}
