/**
 * Small typed accessors over asn1js values for the keystore codecs (PKCS#12, PBE parameters).
 *
 * Untrusted bytes reach asn1js only through `parseDer` (src/asn1.ts); these helpers then check
 * each value's tag, class and child count before the codec looks inside, so a structure of the
 * wrong shape gives one clear INVALID_INPUT naming `what` instead of an `undefined` deep down.
 */
import type * as asn1js from 'asn1js';
import { CertkitError, invalid } from '../errors.js';

export type Asn1Node = asn1js.AsnType;

const UNIVERSAL = 1;
const CONTEXT = 3;

export const UNIVERSAL_TAG = {
  INTEGER: 2,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  SEQUENCE: 16,
  SET: 17,
  BMP_STRING: 30,
} as const;

const NAMES: Record<number, string> = {
  2: 'INTEGER',
  4: 'OCTET STRING',
  5: 'NULL',
  6: 'OBJECT IDENTIFIER',
  16: 'SEQUENCE',
  17: 'SET',
  30: 'BMPString',
};

interface Block {
  idBlock: { tagClass: number; tagNumber: number; isConstructed: boolean };
  valueBlock: { value?: unknown; valueHexView?: Uint8Array };
  valueBeforeDecodeView?: Uint8Array;
}

const block = (n: Asn1Node) => n as unknown as Block;

function describe(n: Asn1Node): string {
  const id = block(n).idBlock;
  if (id.tagClass === UNIVERSAL) return NAMES[id.tagNumber] ?? `universal tag ${id.tagNumber}`;
  if (id.tagClass === CONTEXT) return `[${id.tagNumber}]`;
  return `tag class ${id.tagClass} number ${id.tagNumber}`;
}

function isUniversal(n: Asn1Node, tag: number): boolean {
  const id = block(n).idBlock;
  return id.tagClass === UNIVERSAL && id.tagNumber === tag;
}

/** True when `n` has the given universal tag. */
export function hasTag(n: Asn1Node, tag: number): boolean {
  return isUniversal(n, tag);
}

function children(n: Asn1Node): Asn1Node[] {
  const v = block(n).valueBlock.value;
  return Array.isArray(v) ? (v as Asn1Node[]) : [];
}

function primitiveBytes(n: Asn1Node): Uint8Array {
  return block(n).valueBlock.valueHexView ?? new Uint8Array(0);
}

/** The DER bytes `n` was decoded from (tag, length and content). */
export function rawDer(n: Asn1Node): Buffer {
  const v = block(n).valueBeforeDecodeView;
  if (v === undefined) throw new CertkitError('INTERNAL', 'asn1js value has no source bytes');
  return Buffer.from(v);
}

function expect(n: Asn1Node, tag: number, constructed: boolean, what: string): void {
  const id = block(n).idBlock;
  if (!isUniversal(n, tag)) throw invalid(`${what}: expected ${NAMES[tag]}, found ${describe(n)}`);
  if (id.isConstructed !== constructed) {
    const form = (c: boolean) => (c ? 'constructed' : 'primitive');
    throw invalid(`${what}: expected ${form(constructed)} ${NAMES[tag]}, found ${form(id.isConstructed)} ${NAMES[tag]}`);
  }
}

/** Integers this long are shown in messages; a longer one (hostile, e.g. 480 digits) is not. */
const MAX_SHOWN_DIGITS = 20;

/** `n` for a message: its digits, or undefined when it has more than 20 of them. */
export function shownInteger(n: bigint): string | undefined {
  const s = n.toString();
  return s.replace('-', '').length > MAX_SHOWN_DIGITS ? undefined : s;
}

/** The children of a SEQUENCE, checking there are between `min` and `max` of them. */
export function sequence(n: Asn1Node, what: string, min = 0, max = Number.MAX_SAFE_INTEGER): Asn1Node[] {
  expect(n, UNIVERSAL_TAG.SEQUENCE, true, what);
  const c = children(n);
  if (c.length < min || c.length > max) {
    const want = min === max ? `${min}` : max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `${min} to ${max}`;
    if (c.length > max && max >= 1000) {
      throw new CertkitError('LIMIT_EXCEEDED', `${what}: ${c.length} items is more than the limit of ${max}`);
    }
    throw invalid(`${what}: expected ${want} items, found ${c.length}`);
  }
  return c;
}

/** The children of a SET OF, at most `max`. */
export function setOf(n: Asn1Node, what: string, max: number): Asn1Node[] {
  expect(n, UNIVERSAL_TAG.SET, true, what);
  const c = children(n);
  if (c.length > max) throw new CertkitError('LIMIT_EXCEEDED', `${what}: ${c.length} values is more than the limit of ${max}`);
  return c;
}

/** An OBJECT IDENTIFIER in dotted form. */
export function oid(n: Asn1Node, what: string): string {
  expect(n, UNIVERSAL_TAG.OID, false, what);
  const value = (n as asn1js.ObjectIdentifier).getValue();
  if (value === '' || !/^[0-9]+(\.[0-9]+)+$/.test(value)) throw invalid(`${what}: malformed object identifier`);
  return value;
}

/** An OCTET STRING's content; a constructed (BER, definite-length) one is concatenated. */
export function octets(n: Asn1Node, what: string): Buffer {
  if (!isUniversal(n, UNIVERSAL_TAG.OCTET_STRING)) throw invalid(`${what}: expected OCTET STRING, found ${describe(n)}`);
  return joinedContent(n, what, 0);
}

function joinedContent(n: Asn1Node, what: string, depth: number): Buffer {
  if (!block(n).idBlock.isConstructed) return Buffer.from(primitiveBytes(n));
  if (depth > 2) throw invalid(`${what}: constructed OCTET STRING nested too deep`);
  const parts = children(n).map((c) => {
    if (!isUniversal(c, UNIVERSAL_TAG.OCTET_STRING)) throw invalid(`${what}: constructed OCTET STRING holds ${describe(c)}`);
    return joinedContent(c, what, depth + 1);
  });
  return Buffer.concat(parts);
}

/** A non-negative INTEGER as a bigint (negative values are refused). */
export function unsignedInteger(n: Asn1Node, what: string): bigint {
  expect(n, UNIVERSAL_TAG.INTEGER, false, what);
  const b = primitiveBytes(n);
  if (b.length === 0) throw invalid(`${what}: empty INTEGER`);
  if ((b[0]! & 0x80) !== 0) throw invalid(`${what}: negative INTEGER`);
  if (b.length > 1 && b[0] === 0 && (b[1]! & 0x80) === 0) throw invalid(`${what}: non-minimal INTEGER`);
  return BigInt(`0x${Buffer.from(b).toString('hex')}`);
}

/** True for an ASN.1 NULL. */
export function isNull(n: Asn1Node): boolean {
  return isUniversal(n, UNIVERSAL_TAG.NULL) && primitiveBytes(n).length === 0;
}

/** The one value inside `[tagNumber] EXPLICIT`. */
export function explicit(n: Asn1Node, tagNumber: number, what: string): Asn1Node {
  const id = block(n).idBlock;
  if (id.tagClass !== CONTEXT || id.tagNumber !== tagNumber || !id.isConstructed) {
    throw invalid(`${what}: expected [${tagNumber}], found ${describe(n)}`);
  }
  const c = children(n);
  if (c.length !== 1) throw invalid(`${what}: [${tagNumber}] holds ${c.length} values, expected 1`);
  return c[0]!;
}

/** True when `n` is a context-specific `[tagNumber]` (either form). */
export function isContext(n: Asn1Node, tagNumber: number): boolean {
  const id = block(n).idBlock;
  return id.tagClass === CONTEXT && id.tagNumber === tagNumber;
}

/** The bytes of `[tagNumber] IMPLICIT OCTET STRING` (primitive, or constructed from OCTET STRINGs). */
export function implicitOctets(n: Asn1Node, tagNumber: number, what: string): Buffer {
  if (!isContext(n, tagNumber)) throw invalid(`${what}: expected [${tagNumber}], found ${describe(n)}`);
  return joinedContent(n, what, 0);
}

/** A BMPString as a JavaScript string (UTF-16 code units, big-endian). */
export function bmpString(n: Asn1Node, what: string): string {
  expect(n, UNIVERSAL_TAG.BMP_STRING, false, what);
  const b = primitiveBytes(n);
  if (b.length % 2 !== 0) throw invalid(`${what}: BMPString of odd length`);
  let s = '';
  for (let i = 0; i < b.length; i += 2) s += String.fromCharCode((b[i]! << 8) | b[i + 1]!);
  return s;
}
