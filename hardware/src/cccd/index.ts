// Reading the Vietnamese citizen ID card (CCCD): the printed QR, and the chip (ICAO 9303 BAC,
// secure messaging, data groups, passive authentication), with a chip simulator.
export { performActiveAuthentication, verifyRsaIso9796 } from './active-auth.ts';
export { type CardTransport, type CommandApdu, encodeApdu, type ResponseApdu } from './apdu.ts';
export { bacKeys, performBac, type RandomSource } from './bac.ts';
export {
  type Dg13Data,
  type EfCom,
  type FaceImage,
  parseDg1,
  parseDg2,
  parseDg13,
  parseEfCom,
} from './datagroups.ts';
export { CccdError, type CccdErrorCode } from './errors.ts';
export { type ChipReaderConfig, createChipCardReader } from './factory.ts';
export { type CitizenIdentity, identityFromChip, identityFromQr } from './identity.ts';
export {
  accessKeysFromQr,
  type BacAccessKey,
  cccdAccessKey,
  cccdCardAccessNumber,
  cccdExpiryCandidates,
  type MrzData,
  mrzCheckDigit,
  mrzInformation,
  parseMrz,
} from './mrz.ts';
export {
  choosePace,
  type PaceInfo,
  type PacePassword,
  parseCardAccess,
  performPace,
  readCardAccess,
} from './pace.ts';
export {
  type ChipCardReader,
  type ChipCardSession,
  PcscCardReader,
  type PcscReaderOptions,
} from './pcsc.ts';
export { idNumberHash, maskIdNumber } from './privacy.ts';
export { type CccdQrData, type Gender, looksLikeCccdQr, parseCccdQr, type QrParseOptions } from './qr.ts';
export {
  type CccdChipData,
  type ChipReadOptions,
  EMRTD_APPLET_AID,
  type ReadableDataGroup,
  readCccdChip,
} from './reader.ts';
export { SecureMessaging } from './secure-messaging.ts';
export { CccdChipSimulator, type ChipSimulatorOptions, sampleCitizen } from './simulator/chip.ts';
export { placeholderJpeg, type SimulatedCitizen } from './simulator/lds.ts';
export type { SimulatedPace } from './simulator/pace-chip.ts';
export { createTestPki, type SignatureScheme, type TestPki } from './simulator/pki.ts';
export { SimulatedCardReader } from './simulator/reader.ts';
export { type PassiveAuthResult, parseSod, type TrustAnchor, verifyPassiveAuthentication } from './sod.ts';
