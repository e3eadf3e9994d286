import { describe, expect, it } from 'vitest';
import { encodeApdu } from './apdu.ts';
import { performBac } from './bac.ts';
import { fromHex, toHex } from './bytes.ts';
import { adjustParity, deriveKeys, pad, retailMac, sha1, tdesEncrypt, unpad } from './crypto.ts';
import { CccdError } from './errors.ts';
import { readElementaryFile } from './files.ts';
import { type BacAccessKey, mrzCheckDigit, mrzInformation } from './mrz.ts';
import { SecureMessaging } from './secure-messaging.ts';
import { tdesCipher } from './sm-cipher.ts';

// ICAO Doc 9303-11, worked example for BAC and secure messaging (values in shared/reference/cccd.md).
const ICAO_KEY: BacAccessKey = { documentNumber: 'L898902C', birthDate: '690806', expiryDate: '940623' };
const V = {
  kSeed: '239AB9CB282DAF66231DC5A4DF6BFBAE',
  kEnc: 'AB94FDECF2674FDFB9B391F85D7F76F2',
  kMac: '7962D9ECE03D1ACD4C76089DCE131543',
  rndIc: '4608F91988702212',
  rndIfd: '781723860C06C226',
  kIfd: '0B795240CB7049B01C19B33E32804F0B',
  eIfd: '72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2',
  mIfd: '5F1448EEA8AD90A7',
  chipAnswer: '46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D7449',
  ksEnc: '979EC13B1CBFE9DCD01AB0FED307EAE5',
  ksMac: 'F1CB1F1FB5ADF208806B89DC579DC1F8',
  ssc: '887022120C06C226',
};

/** A card that expects exactly the given command bytes, in order, and answers as scripted. */
function scriptedCard(script: Array<[command: string, answer: string]>) {
  const sent: string[] = [];
  return {
    sent,
    async transmit(command: Uint8Array): Promise<Uint8Array> {
      const step = script[sent.length];
      sent.push(toHex(command));
      if (!step) throw new Error('unexpected extra command');
      expect(toHex(command)).toBe(step[0]);
      return fromHex(step[1]);
    },
  };
}

describe('ICAO 9303-11 worked example', () => {
  it('computes the MRZ information and check digits', () => {
    expect(mrzInformation(ICAO_KEY)).toBe('L898902C<369080619406236');
    expect(mrzCheckDigit('L898902C<')).toBe(3);
  });

  it('derives K_seed, K_enc and K_mac', () => {
    const seed = sha1(Buffer.from(mrzInformation(ICAO_KEY))).subarray(0, 16);
    expect(toHex(seed)).toBe(V.kSeed);
    const keys = deriveKeys(seed);
    expect(toHex(keys.enc)).toBe(V.kEnc);
    expect(toHex(keys.mac)).toBe(V.kMac);
  });

  it('encrypts and MACs the EXTERNAL AUTHENTICATE data', () => {
    const s = Buffer.concat([fromHex(V.rndIfd), fromHex(V.rndIc), fromHex(V.kIfd)]);
    const eIfd = tdesEncrypt(fromHex(V.kEnc), s);
    expect(toHex(eIfd)).toBe(V.eIfd);
    expect(toHex(retailMac(fromHex(V.kMac), eIfd))).toBe(V.mIfd);
  });

  it('runs BAC and then reads EF.COM byte for byte as in the example', async () => {
    const card = scriptedCard([
      ['0084000008', `${V.rndIc}9000`],
      [`0082000028${V.eIfd}${V.mIfd}28`, `${V.chipAnswer}9000`],
      ['0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800', '990290008E08FA855A5D4C50A8ED9000'],
      ['0CB000000D9701048E08ED6705417E96BA5500', '8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000'],
      [
        '0CB000040D9701128E082EA28A70F3C7B53500',
        '871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D749000',
      ],
    ]);
    const randoms = [fromHex(V.rndIfd), fromHex(V.kIfd)];
    const sm = await performBac(card, ICAO_KEY, () => randoms.shift()!);
    const file = await readElementaryFile(card, sm, 0x011e, 'EF.COM');
    expect(toHex(file)).toBe('60145F0104303130365F36063034303030305C026175');
    expect(card.sent).toHaveLength(5);
  });

  it('rejects a response whose MAC was altered', () => {
    const keys = { enc: fromHex(V.ksEnc), mac: fromHex(V.ksMac) };
    const ssc = fromHex(V.ssc);
    const sm = new SecureMessaging(tdesCipher(keys), ssc);
    sm.wrap({ cla: 0, ins: 0xa4, p1: 2, p2: 0x0c, data: fromHex('011E') });
    const bad = fromHex('990290008E08FA855A5D4C50A8ED9100'.replace(/91(00)$/, '90$1'));
    bad[10] = bad[10]! ^ 1;
    expect(() => sm.unwrap(bad)).toThrow(CccdError);
  });

  it('fails BAC with a typed error when the card refuses the key', async () => {
    const card = scriptedCard([
      ['0084000008', `${V.rndIc}9000`],
      [`0082000028${V.eIfd}${V.mIfd}28`, '6300'],
    ]);
    const randoms = [fromHex(V.rndIfd), fromHex(V.kIfd)];
    await expect(performBac(card, ICAO_KEY, () => randoms.shift()!)).rejects.toMatchObject({
      code: 'auth_failed',
    });
  });

  it('pads with method 2 and undoes it', () => {
    expect(toHex(pad(fromHex('0102')))).toBe('0102800000000000');
    expect(toHex(pad(fromHex('0102030405060708')))).toBe('01020304050607088000000000000000');
    expect(toHex(unpad(fromHex('0102800000000000')))).toBe('0102');
    expect(() => unpad(fromHex('0102000000000000'))).toThrow(CccdError);
  });

  it('sets odd parity on every key byte', () => {
    for (const byte of adjustParity(fromHex('00FF0102FEAB'))) {
      let ones = 0;
      for (let v = byte; v; v >>= 1) ones += v & 1;
      expect(ones % 2).toBe(1);
    }
  });

  it('encodes APDUs in short form', () => {
    expect(toHex(encodeApdu({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 256 }))).toBe('00B0000000');
  });
});
