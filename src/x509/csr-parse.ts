/**
 * Reading PKCS#10 certificate signing requests (RFC 2986): subject, public key, requested
 * subject alternative names, and whether the self-signature holds. `fixCsrPem` rewrites what
 * `keytool -certreq` writes (`NEW CERTIFICATE REQUEST`, CRLF) as a clean `CERTIFICATE REQUEST`,
 * the job the seed workflow does with `sed 's/NEW //'`, after checking the CSR itself.
 */
import * as crypto from 'node:crypto';
import { checkDer } from '../asn1.js';
import { CertkitError, invalid } from '../errors.js';
import { encodePem, readPemOrDer } from '../pem.js';
import { SIGNATURE_OID_NAMES } from './certificate.js';
import { EXTENSION_REQUEST_OID } from './csr.js';
import { decodeName, formatDname, type DistinguishedName } from './dn.js';
import { decodeGeneralNames, type SubjectAltName } from './general-name.js';
import { verifyData } from './signature.js';
import { children, decodeOid, readTlv, type Tlv } from './tlv.js';

export interface CsrInfo {
  /** The CSR's DER exactly as read. */
  readonly der: Buffer;
  readonly subject: DistinguishedName;
  /** As keytool prints names ("CN=glue-client, O=y"). */
  readonly subjectText: string;
  readonly subjectDer: Buffer;
  /** SubjectPublicKeyInfo DER. */
  readonly spki: Buffer;
  readonly publicKey: crypto.KeyObject;
  /** SANs from an extensionRequest attribute; empty when none. */
  readonly subjectAltNames: readonly SubjectAltName[];
  /** As keytool prints it ("SHA256withRSA"), or the OID. */
  readonly signatureAlgorithm: string;
  /** True when the CSR's signature verifies with its own public key. */
  readonly signatureValid: boolean;
  /** Attribute OIDs present, in order. */
  readonly attributes: readonly string[];
}

function want(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (t === undefined) throw invalid(`${what}: missing`);
  if (t.tag !== tag) throw invalid(`${what}: expected tag 0x${tag.toString(16)}, found 0x${t.tag.toString(16)}`);
  return t;
}

/**
 * Parses a CSR given as PEM (`CERTIFICATE REQUEST`, or keytool's `NEW CERTIFICATE REQUEST`) or
 * DER. Throws INVALID_INPUT for malformed input, UNSUPPORTED for a key or signature algorithm
 * node:crypto cannot use. A bad signature is reported in `signatureValid`, not thrown.
 */
export function parseCsr(input: string | Uint8Array): CsrInfo {
  const what = 'certificate request';
  const der = readPemOrDer(input, 'CERTIFICATE REQUEST').der;
  checkDer(der, what);
  const top = want(readTlv(der, 0, what), 0x30, what);
  const parts = children(top.content, what);
  if (parts.length !== 3) throw invalid(`${what}: expected 3 parts (info, signatureAlgorithm, signature), found ${parts.length}`);
  const info = want(parts[0], 0x30, `${what}: certificationRequestInfo`);
  const algT = want(parts[1], 0x30, `${what}: signatureAlgorithm`);
  const sigT = want(parts[2], 0x03, `${what}: signature`);
  const f = children(info.content, `${what}: certificationRequestInfo`);
  const version = want(f[0], 0x02, `${what}: version`);
  if (version.content.length !== 1 || version.content[0] !== 0) throw invalid(`${what}: version is not v1 (0)`);
  const subjectT = want(f[1], 0x30, `${what}: subject`);
  const spkiT = want(f[2], 0x30, `${what}: subjectPKInfo`);
  const attrsT = want(f[3], 0xa0, `${what}: attributes`);
  if (f.length !== 4) throw invalid(`${what}: unexpected fields after the attributes`);

  const subject = decodeName(subjectT.bytes, `${what}: subject`);
  let publicKey: crypto.KeyObject;
  try {
    publicKey = crypto.createPublicKey({ key: Buffer.from(spkiT.bytes), format: 'der', type: 'spki' });
  } catch (e) {
    throw new CertkitError('UNSUPPORTED', `${what}: public key cannot be loaded`, { cause: e });
  }
  const attributes: string[] = [];
  let subjectAltNames: SubjectAltName[] = [];
  for (const a of children(attrsT.content, `${what}: attributes`)) {
    const p = children(want(a, 0x30, `${what}: attribute`).content, `${what}: attribute`);
    const oid = decodeOid(want(p[0], 0x06, `${what}: attribute type`).content, what);
    const values = children(want(p[1], 0x31, `${what}: attribute ${oid} values`).content, what);
    if (p.length !== 2 || values.length === 0) throw invalid(`${what}: attribute ${oid} is malformed`);
    attributes.push(oid);
    if (oid === EXTENSION_REQUEST_OID) {
      const exts = children(want(values[0], 0x30, `${what}: extensionRequest`).content, what);
      for (const e of exts) {
        const ep = children(want(e, 0x30, `${what}: requested extension`).content, what);
        const eoid = decodeOid(want(ep[0], 0x06, `${what}: requested extension`).content, what);
        if (eoid !== '2.5.29.17') continue;
        const valueT = want(ep[ep.length - 1], 0x04, `${what}: subjectAltName`);
        const names = readTlv(valueT.content, 0, `${what}: subjectAltName`);
        if (names.end !== valueT.content.length) throw invalid(`${what}: subjectAltName: trailing bytes`);
        subjectAltNames = decodeGeneralNames(want(names, 0x30, `${what}: subjectAltName`).content, `${what}: subjectAltName`);
      }
    }
  }
  const sigOid = decodeOid(want(children(algT.content, what)[0], 0x06, `${what}: signatureAlgorithm`).content, what);
  if (sigT.content.length < 1 || sigT.content[0] !== 0) throw invalid(`${what}: signature BIT STRING has unused bits`);
  const signatureValid = verifyData(sigOid, publicKey, info.bytes, sigT.content.subarray(1));
  return {
    der,
    subject,
    subjectText: formatDname(subject),
    subjectDer: Buffer.from(subjectT.bytes),
    spki: Buffer.from(spkiT.bytes),
    publicKey,
    subjectAltNames,
    signatureAlgorithm: SIGNATURE_OID_NAMES[sigOid] ?? sigOid,
    signatureValid,
    attributes,
  };
}

/**
 * Rewrites a CSR (keytool's `NEW CERTIFICATE REQUEST` with CRLF, openssl's, or DER) as a clean
 * `CERTIFICATE REQUEST` PEM, after checking it parses and its signature holds (VERIFY_FAILED if not).
 * The DER inside is unchanged.
 */
export function fixCsrPem(input: string | Uint8Array): string {
  const csr = parseCsr(input);
  if (!csr.signatureValid) throw new CertkitError('VERIFY_FAILED', 'certificate request: signature does not verify with its own public key');
  return encodePem('CERTIFICATE REQUEST', csr.der);
}
