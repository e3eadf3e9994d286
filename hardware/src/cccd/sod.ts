import { constants, createHash, type KeyObject, verify, X509Certificate } from 'node:crypto';
import { asBuffer } from './bytes.ts';
import { childrenOf, decodeOid, decodeSmallInteger, OID } from './der.ts';
import { CccdError } from './errors.ts';
import { expectTlv, parseTlvs, readTlv, type Tlv } from './tlv.ts';

const HASHES: Record<string, string> = {
  [OID.sha1]: 'sha1',
  [OID.sha224]: 'sha224',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

function paFail(en: string, vi: string): never {
  throw new CccdError(
    'passive_auth',
    `Xác thực thụ động thất bại: ${vi}`,
    `Passive authentication failed: ${en}`,
  );
}

function hashName(oid: string): string {
  const name = HASHES[oid];
  if (!name) paFail(`unsupported hash algorithm ${oid}`, `thuật toán băm ${oid} không được hỗ trợ`);
  return name;
}

export interface AlgorithmIdentifier {
  oid: string;
  params?: Tlv;
}

function algorithm(tlv: Tlv): AlgorithmIdentifier {
  const [oid, params] = childrenOf(tlv, 0x30, 'AlgorithmIdentifier');
  if (oid?.tag !== 0x06) paFail('malformed algorithm identifier', 'định danh thuật toán sai');
  return params && params.tag !== 0x05
    ? { oid: decodeOid(oid.value), params }
    : { oid: decodeOid(oid.value) };
}

/** The parts of EF.SOD that passive authentication needs. */
export interface SecurityObject {
  /** Hash algorithm of the data group hashes, as a node:crypto name. */
  hashAlgorithm: string;
  dataGroupHashes: Map<number, Buffer>;
  /** DER of the LDSSecurityObject (the signed content). */
  content: Buffer;
  /** Signed attributes re-tagged as a SET, exactly the bytes the signature covers. */
  signedAttributes: Buffer;
  messageDigest: Buffer;
  digestAlgorithm: string;
  signatureAlgorithm: AlgorithmIdentifier;
  signature: Buffer;
  certificates: Buffer[];
}

/** Parses EF.SOD: 77 → ContentInfo → SignedData (RFC 5652) → LDSSecurityObject (ICAO 9303-10). */
export function parseSod(bytes: Uint8Array): SecurityObject {
  try {
    return parseSodUnchecked(bytes);
  } catch (err) {
    if (err instanceof CccdError && err.code === 'tlv') {
      throw new CccdError(
        'passive_auth',
        `EF.SOD sai cấu trúc: ${err.text.vi}`,
        `EF.SOD is malformed: ${err.text.en}`,
        {
          cause: err,
        },
      );
    }
    throw err;
  }
}

function parseSodUnchecked(bytes: Uint8Array): SecurityObject {
  const sod = expectTlv(bytes, 0x77, 'EF.SOD');
  const [contentType, explicit] = childrenOf(readTlv(sod.value), 0x30, 'ContentInfo');
  if (
    contentType?.tag !== 0x06 ||
    decodeOid(contentType.value) !== OID.signedData ||
    explicit?.tag !== 0xa0
  ) {
    paFail('not a CMS SignedData', 'không phải CMS SignedData');
  }
  const signedData = childrenOf(readTlv(explicit.value), 0x30, 'SignedData');
  const encap = signedData.find((t, i) => i > 0 && t.tag === 0x30);
  const certSet = signedData.find((t) => t.tag === 0xa0);
  const signerInfos = signedData.filter((t) => t.tag === 0x31).at(-1);
  if (!encap || !signerInfos) paFail('SignedData is incomplete', 'SignedData thiếu thành phần');

  const [eType, eExplicit] = childrenOf(encap, 0x30, 'EncapsulatedContentInfo');
  if (eType?.tag !== 0x06 || decodeOid(eType.value) !== OID.ldsSecurityObject || eExplicit?.tag !== 0xa0) {
    paFail('content is not an LDS security object', 'nội dung không phải LDSSecurityObject');
  }
  const content = readTlv(eExplicit.value);
  if (content.tag !== 0x04) paFail('content is not an OCTET STRING', 'nội dung không phải OCTET STRING');
  const lds = childrenOf(readTlv(content.value), 0x30, 'LDSSecurityObject');
  const [, ldsHashAlg, hashList] = lds;
  if (!ldsHashAlg || !hashList)
    paFail('LDSSecurityObject is incomplete', 'LDSSecurityObject thiếu thành phần');
  const dataGroupHashes = new Map<number, Buffer>();
  for (const entry of childrenOf(hashList, 0x30, 'DataGroupHashValues')) {
    const [number, hash] = childrenOf(entry, 0x30, 'DataGroupHash');
    if (!number || hash?.tag !== 0x04) paFail('malformed data group hash', 'giá trị băm nhóm dữ liệu sai');
    dataGroupHashes.set(decodeSmallInteger(number), hash.value);
  }

  const signerList = parseTlvs(signerInfos.value);
  if (signerList.length !== 1) paFail('expected exactly one signer', 'cần đúng một chữ ký');
  const signer = childrenOf(signerList[0]!, 0x30, 'SignerInfo');
  const digestAlg = signer[2];
  const attrs = signer[3];
  const sigAlg = signer[4];
  const signature = signer[5];
  if (!digestAlg || attrs?.tag !== 0xa0 || !sigAlg || signature?.tag !== 0x04) {
    paFail('SignerInfo lacks signed attributes', 'SignerInfo thiếu thuộc tính được ký');
  }
  let messageDigest: Buffer | undefined;
  for (const attr of parseTlvs(attrs.value)) {
    const [type, values] = childrenOf(attr, 0x30, 'Attribute');
    if (type?.tag === 0x06 && decodeOid(type.value) === OID.messageDigest && values) {
      messageDigest = readTlv(values.value).value;
    }
  }
  if (!messageDigest) paFail('no message digest attribute', 'thiếu thuộc tính messageDigest');
  const signedAttributes = Buffer.from(attrs.raw);
  signedAttributes[0] = 0x31;

  return {
    hashAlgorithm: hashName(algorithm(ldsHashAlg).oid),
    dataGroupHashes,
    content: content.value,
    signedAttributes,
    messageDigest,
    digestAlgorithm: hashName(algorithm(digestAlg).oid),
    signatureAlgorithm: algorithm(sigAlg),
    signature: signature.value,
    certificates: certSet ? parseTlvs(certSet.value).map((c) => Buffer.from(c.raw)) : [],
  };
}

const SIGNATURE_HASH: Record<string, string> = {
  [OID.sha1WithRsa]: 'sha1',
  [OID.sha256WithRsa]: 'sha256',
  [OID.sha384WithRsa]: 'sha384',
  [OID.sha512WithRsa]: 'sha512',
  [OID.ecdsaWithSha1]: 'sha1',
  [OID.ecdsaWithSha224]: 'sha224',
  [OID.ecdsaWithSha256]: 'sha256',
  [OID.ecdsaWithSha384]: 'sha384',
  [OID.ecdsaWithSha512]: 'sha512',
};

/** RSASSA-PSS parameters: [0] hash (default SHA-1), [2] salt length (default 20). */
function pssParams(params: Tlv | undefined): { hash: string; saltLength: number } {
  let hash = 'sha1';
  let saltLength = 20;
  for (const field of params ? childrenOf(params, 0x30, 'RSASSA-PSS params') : []) {
    if (field.tag === 0xa0) hash = hashName(algorithm(readTlv(field.value)).oid);
    if (field.tag === 0xa2) saltLength = decodeSmallInteger(readTlv(field.value));
  }
  return { hash, saltLength };
}

function verifySignature(sod: SecurityObject, key: KeyObject): boolean {
  const { oid, params } = sod.signatureAlgorithm;
  const data = sod.signedAttributes;
  if (oid === OID.rsassaPss) {
    const { hash, saltLength } = pssParams(params);
    return verify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, sod.signature);
  }
  if (oid === OID.rsaEncryption) {
    return verify(sod.digestAlgorithm, data, { key, padding: constants.RSA_PKCS1_PADDING }, sod.signature);
  }
  const hash = SIGNATURE_HASH[oid];
  if (!hash) paFail(`unsupported signature algorithm ${oid}`, `thuật toán chữ ký ${oid} không được hỗ trợ`);
  return verify(hash, data, key, sod.signature);
}

export type ChainStatus = 'trusted' | 'no_trust_anchor';

export interface PassiveAuthResult {
  /** Data groups whose hash matched the SOD. */
  verifiedDataGroups: number[];
  hashAlgorithm: string;
  /** 'trusted': the document signer chains to a configured CSCA; 'no_trust_anchor': none configured. */
  chain: ChainStatus;
  documentSigner: { subject: string; issuer: string; validFrom: string; validTo: string };
}

export type TrustAnchor = X509Certificate | string | Uint8Array;

function toCertificate(anchor: TrustAnchor): X509Certificate {
  if (anchor instanceof X509Certificate) return anchor;
  try {
    return new X509Certificate(typeof anchor === 'string' ? anchor : asBuffer(anchor));
  } catch (err) {
    throw new CccdError(
      'passive_auth',
      'Chứng thư CSCA cấu hình không đọc được',
      'A configured CSCA certificate is unreadable',
      {
        cause: err,
      },
    );
  }
}

function within(cert: X509Certificate, now: Date): boolean {
  return new Date(cert.validFrom) <= now && now <= new Date(cert.validTo);
}

/**
 * Passive authentication (ICAO 9303-11 §5.1): every data group read hashes to the SOD's value,
 * the SOD's signature verifies with its document signer certificate, and (when CSCA certificates
 * are configured) that certificate was issued by one of them. Throws on any failure.
 */
export function verifyPassiveAuthentication(
  sodBytes: Uint8Array,
  dataGroups: ReadonlyMap<number, Uint8Array>,
  trustAnchors: readonly TrustAnchor[] = [],
  now: Date = new Date(),
): PassiveAuthResult {
  const sod = parseSod(sodBytes);
  const verified: number[] = [];
  for (const [n, bytes] of dataGroups) {
    const expected = sod.dataGroupHashes.get(n);
    if (!expected) paFail(`DG${n} is not listed in the SOD`, `DG${n} không có trong SOD`);
    const actual = createHash(sod.hashAlgorithm).update(bytes).digest();
    if (!actual.equals(expected)) paFail(`DG${n} does not match its hash`, `DG${n} không khớp giá trị băm`);
    verified.push(n);
  }
  const contentDigest = createHash(sod.digestAlgorithm).update(sod.content).digest();
  if (!contentDigest.equals(sod.messageDigest)) {
    paFail('the signed digest does not match the security object', 'giá trị băm được ký không khớp');
  }
  if (sod.certificates.length === 0) {
    paFail('the SOD carries no document signer certificate', 'SOD không kèm chứng thư người ký');
  }
  let signer: X509Certificate;
  try {
    signer = new X509Certificate(sod.certificates[0]!);
  } catch (err) {
    throw new CccdError(
      'passive_auth',
      'Chứng thư người ký không đọc được',
      'The document signer certificate is unreadable',
      {
        cause: err,
      },
    );
  }
  let signatureOk = false;
  try {
    signatureOk = verifySignature(sod, signer.publicKey);
  } catch (err) {
    if (err instanceof CccdError) throw err;
    signatureOk = false;
  }
  if (!signatureOk) paFail('the SOD signature does not verify', 'chữ ký SOD không hợp lệ');

  let chain: ChainStatus = 'no_trust_anchor';
  if (trustAnchors.length > 0) {
    const issuer = trustAnchors
      .map(toCertificate)
      .find((ca) => signer.checkIssued(ca) && signer.verify(ca.publicKey) && within(ca, now));
    if (!issuer)
      paFail('the document signer is not issued by a trusted CSCA', 'người ký không do CSCA tin cậy cấp');
    if (!within(signer, now))
      paFail('the document signer certificate is not valid now', 'chứng thư người ký hết hiệu lực');
    chain = 'trusted';
  }
  return {
    verifiedDataGroups: verified.sort((a, b) => a - b),
    hashAlgorithm: sod.hashAlgorithm,
    chain,
    documentSigner: {
      subject: signer.subject,
      issuer: signer.issuer,
      validFrom: signer.validFrom,
      validTo: signer.validTo,
    },
  };
}
