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
import { DEFAULT_READ_CHUNK, dataGroupFileId, EF, readElementaryFile } from './files.ts';
import type { BacAccessKey, MrzData } from './mrz.ts';
import type { SecureMessaging } from './secure-messaging.ts';
import { type PassiveAuthResult, type TrustAnchor, verifyPassiveAuthentication } from './sod.ts';

export const EMRTD_APPLET_AID = Buffer.from('A0000002471001', 'hex');

/** Data groups this reader understands. DG2 (face) only when the service needs the photo. */
export type ReadableDataGroup = 1 | 2 | 13;

export interface ChipReadOptions {
  /** BAC keys to try in order (e.g. one per expiry date candidate); the first that opens the chip wins. */
  accessKeys: BacAccessKey | readonly BacAccessKey[];
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
  /** EF.CardAccess exists: the chip also offers PACE. This reader authenticates with BAC. */
  paceAvailable: boolean;
  /** Index in `accessKeys` of the key that opened the chip. */
  accessKeyIndex: number;
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

/** Selects EF.CardAccess without touching the MF (some CCCDs answer 6D00 to selecting it). */
async function hasCardAccess(transport: CardTransport): Promise<boolean> {
  const answer = await transmitRaw(
    transport,
    encodeApdu({ cla: 0, ins: 0xa4, p1: 0x02, p2: 0x0c, data: Buffer.from([0x01, 0x1c]) }),
  );
  return answer.sw === SW_OK;
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

/**
 * Reads a CCCD chip: BAC, EF.COM, EF.SOD, the wanted data groups, and passive authentication.
 * Returns only data that the SOD vouches for; any failure is a CccdError.
 */
export async function readCccdChip(
  transport: CardTransport,
  options: ChipReadOptions,
): Promise<CccdChipData> {
  const keys = Array.isArray(options.accessKeys) ? options.accessKeys : [options.accessKeys as BacAccessKey];
  const chunk = options.readChunk ?? DEFAULT_READ_CHUNK;
  const paceAvailable = await hasCardAccess(transport);
  const { sm, index } = await openSession(transport, keys, options.random);

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
    paceAvailable,
    accessKeyIndex: index,
  };
}
