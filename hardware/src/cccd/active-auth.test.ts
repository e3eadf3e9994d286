import { constants, createHash, generateKeyPairSync, privateEncrypt, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseDg15, verifyRsaIso9796 } from './active-auth.ts';
import { CccdError } from './errors.ts';
import { cccdAccessKey } from './mrz.ts';
import { readCccdChip } from './reader.ts';
import { CccdChipSimulator, sampleCitizen } from './simulator/chip.ts';
import { createTestPki } from './simulator/pki.ts';
import { encodeTlv } from './tlv.ts';

const citizen = sampleCitizen();
const pki = createTestPki();
const key = cccdAccessKey(citizen);

describe('active authentication', () => {
  it.each(['rsa', 'ecdsa'] as const)('passes with a genuine %s chip', async (kind) => {
    const card = new CccdChipSimulator({ citizen, pki, activeAuthentication: kind });
    const data = await readCccdChip(card, { accessKeys: key, trustAnchors: [pki.csca.der] });
    expect(data.activeAuthentication).toBe('passed');
    expect(data.authentication.verifiedDataGroups).toContain(15);
  });

  it('fails a chip that signs with another key than DG15 (a clone)', async () => {
    const card = new CccdChipSimulator({ citizen, pki, activeAuthentication: 'ecdsa', cloned: true });
    await expect(readCccdChip(card, { accessKeys: key })).rejects.toMatchObject({ code: 'active_auth' });
  });

  it('reports chips without DG15, and can be skipped', async () => {
    const plain = await readCccdChip(new CccdChipSimulator({ citizen, pki }), { accessKeys: key });
    expect(plain.activeAuthentication).toBe('not_supported');
    const card = new CccdChipSimulator({ citizen, pki, activeAuthentication: 'rsa', cloned: true });
    const skipped = await readCccdChip(card, { accessKeys: key, activeAuthentication: false });
    expect(skipped.activeAuthentication).toBe('skipped');
  });

  it('accepts the ISO 9796-2 alternative signature (n − J) and SHA-256 trailers', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const n = BigInt(`0x${Buffer.from(publicKey.export({ format: 'jwk' }).n!, 'base64url').toString('hex')}`);
    const challenge = randomBytes(8);
    const m1 = randomBytes(128 - 32 - 3);
    const digest = createHash('sha256').update(m1).update(challenge).digest();
    const j = Buffer.concat([Buffer.from([0x6a]), m1, digest, Buffer.from([0x34, 0xcc])]);
    const alternative = Buffer.from(
      (n - BigInt(`0x${j.toString('hex')}`)).toString(16).padStart(256, '0'),
      'hex',
    );
    const signature = privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, alternative);
    expect(verifyRsaIso9796(publicKey, challenge, signature)).toBe(true);
    expect(verifyRsaIso9796(publicKey, randomBytes(8), signature)).toBe(false);
    expect(verifyRsaIso9796(publicKey, challenge, signature.subarray(1))).toBe(false);
  });

  it('refuses a DG15 that holds no key', () => {
    expect(() => parseDg15(encodeTlv(0x6f, Buffer.from('3000', 'hex')))).toThrow(CccdError);
  });
});
