/**
 * Re-encodes a DER PKCS#12 the way NSS and BouncyCastle write theirs: every container SEQUENCE
 * and [0] with an indefinite length (30 80 ... 00 00), and every OCTET STRING that carries
 * content (the authSafe's data, each data safe's SafeContents, the encrypted content) as a
 * constructed OCTET STRING cut into `chunk`-byte segments. What the containers carry stays DER:
 * bag values (certificates, keys, EncryptedPrivateKeyInfo) and AlgorithmIdentifiers, as in
 * BouncyCastle's output. The MAC is recomputed over the new AuthenticatedSafe bytes (the
 * concatenated content octets), with the file's own salt and iterations.
 */
import { createHmac } from 'node:crypto';

import { bmpPassword, pkcs12Kdf } from '../../src/keystore/pkcs12-kdf.js';
import { encodeTree, parseTree, tlv, type DerNode } from '../hostile/support.js';

const DATA = Buffer.from('2a864886f70d010701', 'hex');
const ENCRYPTED_DATA = Buffer.from('2a864886f70d010706', 'hex');
const MAC_HASH: Record<string, { hash: 'sha1' | 'sha256'; size: number }> = {
  '2b0e03021a': { hash: 'sha1', size: 20 },
  '608648016503040201': { hash: 'sha256', size: 32 },
};

/** A constructed value of indefinite length: `tag` with the constructed bit, 80, the parts, 00 00. */
export const indefinite = (tag: number, ...parts: Buffer[]): Buffer =>
  Buffer.concat([Buffer.from([tag | 0x20, 0x80]), ...parts, Buffer.from([0, 0])]);

/** `content` as a constructed, indefinite string (`tag` 0x24 for OCTET STRING) of `chunk`-byte OCTET STRING segments. */
export function segmented(content: Buffer, chunk: number, tag = 0x24): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < content.length; i += chunk) parts.push(tlv(0x04, content.subarray(i, i + chunk)));
  return indefinite(tag, ...parts);
}

export interface BerOptions {
  /** Segment size of the constructed OCTET STRINGs (BouncyCastle: 1000). */
  chunk: number;
  /** Re-encode inside the authSafe too (AuthenticatedSafe, ContentInfos, SafeContents); else only the outer PFX. */
  inner: boolean;
}

/** The BER form of `pfx` (see the file comment); its MAC, if any, recomputed with `password`. */
export function berPkcs12(pfx: Buffer, password: string, o: BerOptions): Buffer {
  const [version, authSafe, macData] = parseTree(pfx).children!;
  const authSafeDer = authSafe!.children![1]!.children![0]!.content;
  const content = o.inner ? berAuthenticatedSafe(authSafeDer, o.chunk) : authSafeDer;
  const ci = indefinite(0x30, encodeTree(authSafe!.children![0]!), indefinite(0xa0, segmented(content, o.chunk)));
  const parts = [encodeTree(version!), ci];
  if (macData !== undefined) parts.push(berMacData(macData, content, password));
  return indefinite(0x30, ...parts);
}

/** MacData with its MAC recomputed over `authSafe`, every SEQUENCE in it made indefinite. */
function berMacData(macData: DerNode, authSafe: Buffer, password: string): Buffer {
  const [digestInfo, salt, iterations] = macData.children!;
  const [algId] = digestInfo!.children!;
  const alg = MAC_HASH[algId!.children![0]!.content.toString('hex')];
  if (alg === undefined) throw new Error('berPkcs12: only SHA-1 and SHA-256 MACs');
  const n = Number(BigInt(`0x${iterations!.content.toString('hex')}`));
  const key = pkcs12Kdf(alg.hash, bmpPassword(password, true), salt!.content, 3, n, alg.size);
  const mac = createHmac(alg.hash, key).update(authSafe).digest();
  const deep = (d: DerNode): Buffer => (d.children === undefined ? encodeTree(d) : indefinite(d.tag[0]!, ...d.children.map(deep)));
  return indefinite(0x30, indefinite(0x30, deep(algId!), tlv(0x04, mac)), encodeTree(salt!), encodeTree(iterations!));
}

function berAuthenticatedSafe(der: Buffer, chunk: number): Buffer {
  return indefinite(0x30, ...parseTree(der).children!.map((ci) => berContentInfo(ci, chunk)));
}

function berContentInfo(ci: DerNode, chunk: number): Buffer {
  const [type, content] = ci.children!;
  const inner = content!.children![0]!;
  if (type!.content.equals(DATA)) {
    return indefinite(0x30, encodeTree(type!), indefinite(0xa0, segmented(berSafeContents(inner.content), chunk)));
  }
  if (!type!.content.equals(ENCRYPTED_DATA)) throw new Error('berPkcs12: a safe neither data nor encryptedData');
  // EncryptedData { version, EncryptedContentInfo { contentType, algorithm, [0] IMPLICIT content } }
  const [version, eci] = inner.children!;
  const [innerType, alg, enc] = eci!.children!;
  const ber = indefinite(0x30, encodeTree(version!), indefinite(0x30, encodeTree(innerType!), encodeTree(alg!), segmented(enc!.content, chunk, 0xa0)));
  return indefinite(0x30, encodeTree(type!), indefinite(0xa0, ber));
}

/** SafeContents: each SafeBag and its [0] indefinite; the bag value and attributes as they were. */
function berSafeContents(der: Buffer): Buffer {
  const bags = parseTree(der).children!.map((bag) => {
    const [id, value, attrs] = bag.children!;
    return indefinite(0x30, encodeTree(id!), indefinite(0xa0, encodeTree(value!.children![0]!)), ...(attrs === undefined ? [] : [encodeTree(attrs)]));
  });
  return indefinite(0x30, ...bags);
}
