import {
  constants,
  createHash,
  generateKeyPairSync,
  type KeyObject,
  privateEncrypt,
  randomBytes,
  sign,
} from 'node:crypto';
import type { CardTransport } from '../apdu.ts';
import { bacKeys, type RandomSource } from '../bac.ts';
import { xor } from '../bytes.ts';
import {
  deriveKeys,
  macEquals,
  padTo,
  retailMac,
  type TdesKeys,
  tdesDecrypt,
  tdesEncrypt,
} from '../crypto.ts';
import { EF } from '../files.ts';
import { type BacAccessKey, cccdAccessKey } from '../mrz.ts';
import { EMRTD_APPLET_AID } from '../reader.ts';
import { SendSequenceCounter, type SmCipher, tdesCipher } from '../sm-cipher.ts';
import { encodeTlv, parseTlvs } from '../tlv.ts';
import {
  buildDg1,
  buildDg2,
  buildDg13,
  buildEfCom,
  buildSod,
  placeholderJpeg,
  type SimulatedCitizen,
} from './lds.ts';
import { buildCardAccess, ChipPace, type SimulatedPace } from './pace-chip.ts';
import { createTestPki, type TestPki } from './pki.ts';

export interface ChipSimulatorOptions {
  citizen: SimulatedCitizen;
  /** Signs the SOD; a fresh ECDSA CSCA + DS by default. */
  pki?: TestPki;
  /** Face image in DG2; a placeholder JPEG by default, `null` for a card without DG2. */
  face?: Uint8Array | null;
  dg13Layout?: 'set' | 'flat';
  /** SW for selecting the master file 3F00: Vietnamese cards answer 6D00. */
  masterFileStatus?: number;
  /** Contents of EF.CardAccess; absent by default (selecting it gives 6A82). Set by `pace`. */
  cardAccess?: Uint8Array;
  /** Offer PACE ECDH-GM (CAN by default the last 6 ID digits); EF.CardAccess is built for it. */
  pace?: SimulatedPace;
  /** Accept BAC (default true); false makes a PACE-only chip. */
  bac?: boolean;
  /** The chip's random source (RND.IC, K.IC). */
  random?: RandomSource;
  /** Answer with 61xx and wait for GET RESPONSE when a response is longer than this (T=0). */
  t0ChunkSize?: number;
  /** Give the chip an Active Authentication key pair (DG15). */
  activeAuthentication?: 'rsa' | 'ecdsa';
  /** Sign AA challenges with another key than DG15's, as a cloned chip would have to. */
  cloned?: boolean;
  /** After signing, flip one byte of this data group: passive authentication must catch it. */
  tamperDataGroup?: number;
}

interface Session {
  cipher: SmCipher;
  ssc: SendSequenceCounter;
}

const sw = (value: number) => Buffer.from([value >> 8, value & 0xff]);

/**
 * A CCCD chip in software: EF.CardAccess, PACE (MSE:Set AT, GENERAL AUTHENTICATE) or BAC (GET
 * CHALLENGE, EXTERNAL AUTHENTICATE), then SELECT, READ BINARY and INTERNAL AUTHENTICATE under
 * 3DES or AES secure messaging, over LDS files it builds and signs for `citizen`. Written from
 * the card's side of ICAO 9303-11, separately from the reader's code (the cipher primitives are
 * shared).
 */
export class CccdChipSimulator implements CardTransport {
  readonly files = new Map<number, Buffer>();
  readonly accessKey: BacAccessKey;
  readonly pki: TestPki;
  /** Every command received, as hex, for tests that count or inspect traffic. */
  readonly received: string[] = [];
  /** When true the card is "pulled out": transmit rejects. */
  removed = false;

  private readonly random: RandomSource;
  private readonly bacKeys: TdesKeys;
  private appletSelected = false;
  private currentFile: number | undefined;
  private challenge: Buffer | undefined;
  private session: Session | undefined;
  private pending: Buffer = Buffer.alloc(0);
  private aaKey: KeyObject | undefined;
  private plainFile: number | undefined;
  private readonly pace: ChipPace | undefined;
  private readonly cardAccess: Buffer | undefined;

  constructor(private readonly options: ChipSimulatorOptions) {
    const { citizen } = options;
    this.random = options.random ?? randomBytes;
    this.pki = options.pki ?? createTestPki();
    this.accessKey = cccdAccessKey(citizen);
    this.bacKeys = bacKeys(this.accessKey);
    if (options.pace) {
      const can = options.pace.can ?? citizen.idNumber.slice(-6);
      this.pace = new ChipPace(options.pace, can, this.accessKey, this.random);
      this.cardAccess = buildCardAccess(this.pace.info);
    } else if (options.cardAccess) {
      this.cardAccess = Buffer.from(options.cardAccess);
    }
    const groups = new Map<number, Buffer>([[1, buildDg1(citizen)]]);
    const face = options.face === undefined ? placeholderJpeg() : options.face;
    if (face) groups.set(2, buildDg2(face));
    groups.set(13, buildDg13(citizen, options.dg13Layout));
    if (options.activeAuthentication) {
      const newPair = () =>
        options.activeAuthentication === 'rsa'
          ? generateKeyPairSync('rsa', { modulusLength: 1024 })
          : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const pair = newPair();
      this.aaKey = options.cloned ? newPair().privateKey : pair.privateKey;
      groups.set(15, encodeTlv(0x6f, pair.publicKey.export({ type: 'spki', format: 'der' })));
    }
    this.files.set(EF.COM, buildEfCom([...groups.keys()]));
    this.files.set(EF.SOD, buildSod(groups, this.pki.documentSigner));
    for (const [n, bytes] of groups) this.files.set(0x0100 + n, bytes);
    if (options.tamperDataGroup !== undefined) {
      const file = this.files.get(0x0100 + options.tamperDataGroup);
      if (file) file[file.length - 1]! ^= 0x01;
    }
  }

  async transmit(command: Uint8Array): Promise<Uint8Array> {
    if (this.removed) throw new Error('card removed from the reader');
    const apdu = Buffer.from(command);
    this.received.push(apdu.toString('hex').toUpperCase());
    const limit = this.options.t0ChunkSize;
    if (!limit) return this.process(apdu);
    // GET RESPONSE is plain but belongs to the previous exchange: it must not end the session.
    const isGetResponse = apdu[0] === 0x00 && apdu[1] === 0xc0;
    if (!isGetResponse) this.pending = this.process(apdu);
    return this.nextT0Part(limit);
  }

  /** Hands out the pending answer in parts of `limit` bytes with 61xx, as T=0 cards do. */
  private nextT0Part(limit: number): Buffer {
    if (this.pending.length - 2 <= limit) {
      const last = this.pending.length >= 2 ? this.pending : sw(0x6985);
      this.pending = Buffer.alloc(0);
      return last;
    }
    const part = this.pending.subarray(0, limit);
    this.pending = this.pending.subarray(limit);
    return Buffer.concat([part, sw(0x6100 | Math.min(this.pending.length - 2, 0xff))]);
  }

  private process(apdu: Buffer): Buffer {
    if (apdu.length < 4) return sw(0x6700);
    const [cla, ins, p1, p2] = apdu as unknown as [number, number, number, number];
    if ((cla & 0x0c) === 0x0c) return this.processProtected(apdu);
    // A plain command ends any secure messaging session (ICAO 9303-11 §9.8.6).
    this.session = undefined;
    const lc = apdu.length > 5 ? apdu[4]! : 0;
    const data = apdu.subarray(5, 5 + lc);
    switch (ins) {
      case 0xa4:
        return this.selectPlain(p1, data);
      case 0x84:
        if (this.options.bac === false) return sw(0x6d00);
        if (!this.appletSelected) return sw(0x6985);
        this.challenge = this.random(8);
        return Buffer.concat([this.challenge, sw(0x9000)]);
      case 0x82:
        return this.externalAuthenticate(data);
      case 0xb0:
        return this.readPlain(p1, p2, apdu.length > 4 ? apdu[apdu.length - 1]! || 256 : 256);
      case 0x22:
        return sw(this.pace && p1 === 0xc1 && p2 === 0xa4 ? this.pace.setAt(data) : 0x6d00);
      case 0x86: {
        if (!this.pace) return sw(0x6d00);
        const [status, out, cipher] = this.pace.generalAuthenticate(data);
        if (cipher)
          this.session = {
            cipher,
            ssc: new SendSequenceCounter(Buffer.alloc(cipher.blockSize), cipher.blockSize),
          };
        return Buffer.concat([out, sw(status)]);
      }
      default:
        return sw(p2 === 0xff ? 0x6a86 : 0x6d00);
    }
  }

  private selectPlain(p1: number, data: Buffer): Buffer {
    if (p1 === 0x04) {
      this.appletSelected = data.equals(EMRTD_APPLET_AID);
      return sw(this.appletSelected ? 0x9000 : 0x6a82);
    }
    const fid = data.length === 2 ? data.readUInt16BE() : -1;
    if (fid === 0x3f00) return sw(this.options.masterFileStatus ?? 0x6d00);
    if (fid === EF.CardAccess && this.cardAccess) {
      this.plainFile = EF.CardAccess;
      return sw(0x9000);
    }
    return sw(this.appletSelected ? 0x6982 : 0x6a82);
  }

  /** Only EF.CardAccess may be read without secure messaging. */
  private readPlain(p1: number, p2: number, le: number): Buffer {
    if (this.plainFile !== EF.CardAccess || !this.cardAccess)
      return sw(this.appletSelected ? 0x6982 : 0x6a82);
    const offset = (p1 << 8) | p2;
    if (offset > this.cardAccess.length) return sw(0x6b00);
    const chunk = this.cardAccess.subarray(offset, offset + le);
    return Buffer.concat([chunk, sw(chunk.length < le ? 0x6282 : 0x9000)]);
  }

  private externalAuthenticate(data: Buffer): Buffer {
    const challenge = this.challenge;
    this.challenge = undefined;
    if (!challenge) return sw(0x6985);
    if (data.length !== 40) return sw(0x6700);
    const eIfd = data.subarray(0, 32);
    if (!macEquals(retailMac(this.bacKeys.mac, eIfd), data.subarray(32))) return sw(0x6300);
    const s = tdesDecrypt(this.bacKeys.enc, eIfd);
    const rndIfd = s.subarray(0, 8);
    if (!s.subarray(8, 16).equals(challenge)) return sw(0x6300);
    const kIc = this.random(16);
    const eIc = tdesEncrypt(this.bacKeys.enc, Buffer.concat([challenge, rndIfd, kIc]));
    const keys = deriveKeys(xor(s.subarray(16, 32), kIc));
    const ssc = Buffer.concat([challenge.subarray(4), rndIfd.subarray(4)]);
    this.session = { cipher: tdesCipher(keys), ssc: new SendSequenceCounter(ssc, 8) };
    return Buffer.concat([eIc, retailMac(this.bacKeys.mac, eIc), sw(0x9000)]);
  }

  private processProtected(apdu: Buffer): Buffer {
    const session = this.session;
    if (!session) return sw(0x6988);
    const header = apdu.subarray(0, 4);
    const lc = apdu[4] ?? 0;
    let do87: Buffer | undefined;
    let do97: Buffer | undefined;
    let mac: Buffer | undefined;
    try {
      for (const tlv of parseTlvs(apdu.subarray(5, 5 + lc))) {
        if (tlv.tag === 0x87) do87 = tlv.raw;
        else if (tlv.tag === 0x97) do97 = tlv.raw;
        else if (tlv.tag === 0x8e) mac = tlv.value;
      }
    } catch {
      this.session = undefined;
      return sw(0x6988);
    }
    const ssc = session.ssc.next();
    const expected = session.cipher.mac(
      Buffer.concat([
        ssc,
        padTo(header, session.cipher.blockSize),
        do87 ?? Buffer.alloc(0),
        do97 ?? Buffer.alloc(0),
      ]),
    );
    if (!mac || !macEquals(expected, mac)) {
      this.session = undefined;
      return sw(0x6988);
    }
    let data: Buffer = Buffer.alloc(0);
    if (do87) {
      const value = parseTlvs(do87)[0]!.value;
      data = session.cipher.decrypt(value.subarray(1), ssc);
    }
    const le = do97 ? do97[2]! || 256 : 0;
    const [status, out] = this.execute(apdu[1]!, apdu[2]!, apdu[3]!, data, le);
    return this.protect(session, status, out);
  }

  private execute(ins: number, p1: number, p2: number, data: Buffer, le: number): [number, Buffer] {
    const empty = Buffer.alloc(0);
    if (ins === 0xa4 && p1 === 0x04) {
      this.appletSelected = data.equals(EMRTD_APPLET_AID);
      return [this.appletSelected ? 0x9000 : 0x6a82, empty];
    }
    if (ins === 0xa4) {
      if (p1 !== 0x02 || data.length !== 2) return [0x6a86, empty];
      const fid = data.readUInt16BE();
      if (!this.files.has(fid)) return [0x6a82, empty];
      this.currentFile = fid;
      return [0x9000, empty];
    }
    if (ins === 0xb0) {
      if (p1 & 0x80) return [0x6a86, empty];
      const file = this.currentFile === undefined ? undefined : this.files.get(this.currentFile);
      if (!file) return [0x6986, empty];
      const offset = (p1 << 8) | p2;
      if (offset > file.length) return [0x6b00, empty];
      const chunk = file.subarray(offset, offset + le);
      return [chunk.length < le ? 0x6282 : 0x9000, chunk];
    }
    if (ins === 0x88) {
      if (!this.aaKey) return [0x6d00, empty];
      if (data.length !== 8) return [0x6700, empty];
      return [0x9000, this.signChallenge(this.aaKey, data)];
    }
    return [0x6d00, empty];
  }

  /** RSA: ISO/IEC 9796-2 scheme 1 with SHA-1 (trailer BC); EC: plain ECDSA over SHA-256. */
  private signChallenge(key: KeyObject, challenge: Buffer): Buffer {
    if (key.asymmetricKeyType === 'ec') return sign('sha256', challenge, { key, dsaEncoding: 'ieee-p1363' });
    const k = (key.asymmetricKeyDetails?.modulusLength ?? 1024) / 8;
    const m1 = this.random(k - 22);
    const digest = createHash('sha1').update(m1).update(challenge).digest();
    const representative = Buffer.concat([Buffer.from([0x6a]), m1, digest, Buffer.from([0xbc])]);
    return privateEncrypt({ key, padding: constants.RSA_NO_PADDING }, representative);
  }

  private protect(session: Session, status: number, data: Buffer): Buffer {
    const ssc = session.ssc.next();
    const do87 =
      data.length > 0
        ? encodeTlv(0x87, Buffer.concat([Buffer.from([0x01]), session.cipher.encrypt(data, ssc)]))
        : Buffer.alloc(0);
    const do99 = encodeTlv(0x99, sw(status));
    const mac = session.cipher.mac(Buffer.concat([ssc, do87, do99]));
    return Buffer.concat([do87, do99, encodeTlv(0x8e, mac), sw(status === 0x6282 ? 0x9000 : status)]);
  }
}

/** A consistent made-up citizen for demos and tests (no real person). */
export function sampleCitizen(overrides: Partial<SimulatedCitizen> = {}): SimulatedCitizen {
  return {
    idNumber: '001090007064',
    fullName: 'Nguyễn Văn An',
    birthDate: '1990-03-15',
    gender: 'male',
    nationality: 'Việt Nam',
    ethnicity: 'Kinh',
    religion: 'Không',
    placeOfOrigin: 'Xã Đông Hội, Huyện Đông Anh, Hà Nội',
    placeOfResidence: 'Số 1 Tràng Tiền, Phường Tràng Tiền, Quận Hoàn Kiếm, Hà Nội',
    identifyingMarks: 'Nốt ruồi C:1cm dưới sau mép trái',
    issueDate: '2021-04-20',
    expiryDate: '2030-03-15',
    fatherName: 'Nguyễn Văn Bình',
    motherName: 'Trần Thị Cúc',
    ...overrides,
  };
}
