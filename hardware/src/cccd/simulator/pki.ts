import { generateKeyPairSync, type KeyObject, sign, X509Certificate } from 'node:crypto';
import {
  algorithmId,
  contextTag,
  encodeInteger,
  encodeOid,
  nullValue,
  OID,
  octets,
  printable,
  seq,
  set,
  utf8,
} from '../der.ts';
import { encodeTlv } from '../tlv.ts';

// A throw-away PKI for the simulator and tests: a CSCA that issues a document signer (DS), as a
// country does for its ID cards. Node cannot write certificates, so they are built in DER here.

export type SignatureScheme = 'ecdsa-p256-sha256' | 'rsa-sha256' | 'rsa-pss-sha256';

export interface TestSigner {
  certificate: X509Certificate;
  der: Buffer;
  privateKey: KeyObject;
  scheme: SignatureScheme;
  /** The DER Name of the certificate's issuer and its serial, for the CMS signer identifier. */
  issuerName: Buffer;
  serial: Buffer;
}

export interface TestPki {
  csca: TestSigner;
  documentSigner: TestSigner;
}

function name(commonName: string): Buffer {
  return seq(
    set(seq(encodeOid(OID.country), printable('VN'))),
    set(seq(encodeOid(OID.commonName), utf8(commonName))),
  );
}

function utcTime(date: Date): Buffer {
  const iso = date.toISOString();
  const text =
    iso.slice(2, 4) +
    iso.slice(5, 7) +
    iso.slice(8, 10) +
    iso.slice(11, 13) +
    iso.slice(14, 16) +
    iso.slice(17, 19);
  return encodeTlv(0x17, Buffer.from(`${text}Z`, 'ascii'));
}

/** The AlgorithmIdentifier a signature with `scheme` carries (in certificates and SignerInfo). */
export function signatureAlgorithm(scheme: SignatureScheme): Buffer {
  if (scheme === 'ecdsa-p256-sha256') return algorithmId(OID.ecdsaWithSha256);
  if (scheme === 'rsa-sha256') return algorithmId(OID.sha256WithRsa, nullValue());
  const sha256 = algorithmId(OID.sha256, nullValue());
  return algorithmId(
    OID.rsassaPss,
    seq(
      contextTag(0, sha256),
      contextTag(1, algorithmId(OID.mgf1, sha256)),
      contextTag(2, encodeInteger(32)),
    ),
  );
}

export function signWith(scheme: SignatureScheme, key: KeyObject, data: Uint8Array): Buffer {
  if (scheme === 'rsa-pss-sha256') {
    return sign('sha256', data, { key, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: 32 });
  }
  return sign('sha256', data, key);
}

function newKeys(scheme: SignatureScheme) {
  return scheme === 'ecdsa-p256-sha256'
    ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    : generateKeyPairSync('rsa', { modulusLength: 2048 });
}

function certificate(options: {
  serial: number;
  issuer: Buffer;
  subject: Buffer;
  publicKey: KeyObject;
  signerKey: KeyObject;
  scheme: SignatureScheme;
  validFrom: Date;
  validTo: Date;
  isCa: boolean;
}): Buffer {
  const extensions = options.isCa
    ? [
        contextTag(
          3,
          seq(
            seq(
              encodeOid(OID.basicConstraints),
              encodeTlv(0x01, Buffer.from([0xff])),
              octets(seq(encodeTlv(0x01, Buffer.from([0xff])))),
            ),
            // keyCertSign | cRLSign
            seq(
              encodeOid(OID.keyUsage),
              encodeTlv(0x01, Buffer.from([0xff])),
              octets(encodeTlv(0x03, Buffer.from([0x01, 0x06]))),
            ),
          ),
        ),
      ]
    : [];
  const tbs = seq(
    contextTag(0, encodeInteger(2)),
    encodeInteger(options.serial),
    signatureAlgorithm(options.scheme),
    options.issuer,
    seq(utcTime(options.validFrom), utcTime(options.validTo)),
    options.subject,
    options.publicKey.export({ type: 'spki', format: 'der' }),
    ...extensions,
  );
  const signature = signWith(options.scheme, options.signerKey, tbs);
  return seq(
    tbs,
    signatureAlgorithm(options.scheme),
    encodeTlv(0x03, Buffer.concat([Buffer.from([0]), signature])),
  );
}

/** A CSCA and a DS it issued, valid from a year ago for ten years unless told otherwise. */
export function createTestPki(
  options: { scheme?: SignatureScheme; validFrom?: Date; validTo?: Date; cscaName?: string } = {},
): TestPki {
  const scheme = options.scheme ?? 'ecdsa-p256-sha256';
  const validFrom = options.validFrom ?? new Date(Date.now() - 365 * 86_400_000);
  const validTo = options.validTo ?? new Date(validFrom.getTime() + 10 * 365 * 86_400_000);
  const cscaKeys = newKeys(scheme);
  const dsKeys = newKeys(scheme);
  const cscaName = name(options.cscaName ?? 'CSCA Viet Nam (simulator)');
  const dsName = name('Document Signer CCCD (simulator)');
  const common = { scheme, validFrom, validTo, issuer: cscaName, signerKey: cscaKeys.privateKey };
  const cscaDer = certificate({
    ...common,
    serial: 1,
    subject: cscaName,
    publicKey: cscaKeys.publicKey,
    isCa: true,
  });
  const dsDer = certificate({
    ...common,
    serial: 2,
    subject: dsName,
    publicKey: dsKeys.publicKey,
    isCa: false,
  });
  return {
    csca: {
      certificate: new X509Certificate(cscaDer),
      der: cscaDer,
      privateKey: cscaKeys.privateKey,
      scheme,
      issuerName: cscaName,
      serial: encodeInteger(1),
    },
    documentSigner: {
      certificate: new X509Certificate(dsDer),
      der: dsDer,
      privateKey: dsKeys.privateKey,
      scheme,
      issuerName: cscaName,
      serial: encodeInteger(2),
    },
  };
}
