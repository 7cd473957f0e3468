/**
 * Distinguished names in keytool's `-dname` syntax, and their DER `Name`.
 *
 * The model (`DistinguishedName`) is a list of RDNs in STRING order: most specific first, as
 * keytool takes and prints them ("CN=glue-client, OU=x, O=y, C=US"). In DER the order is reversed
 * (keytool puts the string's first RDN last in the Name SEQUENCE, and openssl prints
 * "C = US, O = y, OU = x, CN = glue-client"); `encodeName` / `decodeName` do the reversal.
 *
 * Parsing follows Java's `X500Name(String)`: `,` or `;` between RDNs, `+` inside a multi-valued
 * RDN, spaces around separators ignored, backslash escapes including `\XX` hex (UTF-8) bytes,
 * quoted values, `#hex` DER values, case-insensitive keywords (CN, OU, O, L, ST/S, C, STREET, DC,
 * UID, EMAILADDRESS/EMAIL/E, SERIALNUMBER, T/TITLE, ...) and dotted OIDs (`1.2.3` or `OID.1.2.3`).
 * Value encodings follow keytool: PrintableString when every character allows it, else
 * UTF8String; EMAILADDRESS and DC as IA5String. C must be two letters.
 * Printing follows Java's `X500Name.toString()`: ", " between RDNs, " + " inside one, values
 * quoted when they hold special characters or leading/trailing/double spaces.
 *
 *   Name ::= SEQUENCE OF RelativeDistinguishedName
 *   RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
 *   AttributeTypeAndValue ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY DEFINED BY type }
 */
import { isUtf8 } from 'node:buffer';

import { checkDer } from '../der-check.js';
import { CertkitError, invalid } from '../errors.js';
import { DN_LIMITS } from '../limits.js';
import { quoteInput } from '../quote.js';
import { childrenOf, decodeOidAt, encodeOid, readTlv, tlv, type TlvAt, type What } from './tlv.js';

/** ASN.1 universal tags of the string types a Name value may use. */
export const STRING_TAG = {
  utf8: 0x0c,
  numeric: 0x12,
  printable: 0x13,
  teletex: 0x14,
  ia5: 0x16,
  visible: 0x1a,
  universal: 0x1c,
  bmp: 0x1e,
} as const;

/** One attribute of an RDN: `CN=glue-client`. */
export interface Ava {
  /** The attribute type, dotted OID ("2.5.4.3"). */
  readonly oid: string;
  /** The value as text (for non-string values: empty; see `der`). */
  readonly value: string;
  /** The ASN.1 tag the value is (or will be) encoded with. */
  readonly tag: number;
  /** The value's whole DER TLV, when it was given as `#hex` or read as a non-string type. */
  readonly der?: Buffer;
}

/** A relative distinguished name: one or more AVAs (`CN=a + UID=b`). */
export type Rdn = readonly Ava[];

/** A distinguished name, RDNs in keytool's string order (most specific first). */
export type DistinguishedName = readonly Rdn[];

/** Bounds on hostile names (src/limits.ts). */
export { DN_LIMITS };

const KEYWORDS: Readonly<Record<string, string>> = {
  CN: '2.5.4.3',
  C: '2.5.4.6',
  L: '2.5.4.7',
  S: '2.5.4.8',
  ST: '2.5.4.8',
  STREET: '2.5.4.9',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  T: '2.5.4.12',
  TITLE: '2.5.4.12',
  SERIALNUMBER: '2.5.4.5',
  SURNAME: '2.5.4.4',
  GIVENNAME: '2.5.4.42',
  INITIALS: '2.5.4.43',
  GENERATION: '2.5.4.44',
  DNQUALIFIER: '2.5.4.46',
  DC: '0.9.2342.19200300.100.1.25',
  UID: '0.9.2342.19200300.100.1.1',
  EMAILADDRESS: '1.2.840.113549.1.9.1',
  EMAIL: '1.2.840.113549.1.9.1',
  E: '1.2.840.113549.1.9.1',
};

/** The keyword keytool prints for each OID it knows. */
const PRINT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'T',
  '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.4': 'SURNAME',
  '2.5.4.42': 'GIVENNAME',
  '2.5.4.43': 'INITIALS',
  '2.5.4.44': 'GENERATION',
  '2.5.4.46': 'DNQUALIFIER',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
  '1.2.840.113549.1.9.1': 'EMAILADDRESS',
};

const OID_C = '2.5.4.6';
const IA5_OIDS = new Set(['1.2.840.113549.1.9.1', '0.9.2342.19200300.100.1.25']);

/** The keyword keytool prints for an attribute OID ("CN"), or "OID.1.2.3" for others. */
export function attributeName(oid: string): string {
  return PRINT_NAMES[oid] ?? `OID.${oid}`;
}

/** Java's DerValue.isPrintableStringChar. */
function isPrintableChar(c: string): boolean {
  return c.length === 1 && PRINTABLE_RE.test(c);
}
const PRINTABLE_RE = /^[A-Za-z0-9 '()+,\-./:=?]$/;

/** The string tag keytool chooses for a value of `oid`; throws if the value cannot be encoded. */
function chooseTag(oid: string, value: string, where: string): number {
  if (oid === OID_C) {
    if (!/^[A-Za-z]{2}$/.test(value)) throw invalid(`${where}: C (country) must be a two-letter code, got "${quoteInput(value)}"`);
    return STRING_TAG.printable;
  }
  if (IA5_OIDS.has(oid)) {
    // eslint-disable-next-line no-control-regex
    if (!/^[\x00-\x7f]*$/.test(value)) throw invalid(`${where}: ${attributeName(oid)} must be ASCII (IA5String)`);
    return STRING_TAG.ia5;
  }
  return [...value].every(isPrintableChar) ? STRING_TAG.printable : STRING_TAG.utf8;
}

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const HEX = /^[0-9A-Fa-f]{2}$/;

/**
 * Parses a distinguished name in keytool `-dname` syntax. Throws INVALID_INPUT naming the
 * 1-based character position of the problem.
 */
export function parseDname(text: string): DistinguishedName {
  if (text.length > DN_LIMITS.maxChars) {
    throw new CertkitError('LIMIT_EXCEEDED', `distinguished name of ${text.length} characters is more than the ${DN_LIMITS.maxChars} limit`);
  }
  const s = text;
  let i = 0;
  const at = (pos: number, msg: string) => invalid(`distinguished name "${quoteInput(s)}": position ${pos + 1}: ${msg}`);
  const skipSpaces = () => {
    while (isSpace(s[i])) i++;
  };
  const rdns: Ava[][] = [];
  let rdn: Ava[] = [];
  skipSpaces();
  if (i === s.length) throw invalid('distinguished name is empty (expected e.g. "CN=glue-client")');
  for (;;) {
    skipSpaces();
    // Keyword.
    const kStart = i;
    while (i < s.length && /[A-Za-z0-9.-]/.test(s[i]!)) i++;
    const keyword = s.slice(kStart, i);
    if (keyword === '') throw at(kStart, s[i] === undefined ? 'expected an attribute name at the end' : `expected an attribute name, found "${quoteInput(s[i]!)}"`);
    skipSpaces();
    if (s[i] !== '=') throw at(i, s[i] === undefined ? `expected "=" after "${keyword}", found the end` : `expected "=" after "${keyword}", found "${quoteInput(s[i]!)}"`);
    i++;
    const oid = keywordOid(keyword, kStart, at);
    skipSpaces();
    // Value.
    const vStart = i;
    let ava: Ava;
    if (s[i] === '#') {
      i++;
      const hStart = i;
      while (i < s.length && /[0-9A-Fa-f]/.test(s[i]!)) i++;
      const hex = s.slice(hStart, i);
      if (hex.length === 0 || hex.length % 2 !== 0) throw at(hStart, 'a #hex value needs an even number of hex digits');
      const der = Buffer.from(hex, 'hex');
      try {
        checkDer(der, 'value');
      } catch (e) {
        throw at(vStart, `#hex value is not one DER value (${(e as Error).message})`);
      }
      ava = fromDerValue(oid, der, `position ${vStart + 1}`);
      skipSpaces();
    } else if (s[i] === '"') {
      i++;
      // Like Java, unescaped spaces just inside the quotes are dropped too.
      skipSpaces();
      const bytes: number[] = [];
      let keepTo = 0;
      let closed = false;
      while (i < s.length) {
        const c = s[i]!;
        if (c === '"') {
          i++;
          closed = true;
          break;
        }
        if (c === '\\') {
          i = escape(s, i, bytes, at);
          keepTo = bytes.length;
          continue;
        }
        i = pushChar(s, i, bytes, at);
      }
      if (!closed) throw at(vStart, 'quoted value has no closing quote');
      const value = utf8(trimEnd(bytes, keepTo), vStart, at);
      ava = { oid, value, tag: chooseTag(oid, value, `distinguished name "${quoteInput(s)}": position ${vStart + 1}`) };
      skipSpaces();
    } else {
      const bytes: number[] = [];
      let keepTo = 0; // bytes up to here are kept even if they are spaces (escaped)
      while (i < s.length) {
        const c = s[i]!;
        if (c === ',' || c === ';' || c === '+') break;
        if (c === '\\') {
          i = escape(s, i, bytes, at);
          keepTo = bytes.length;
          continue;
        }
        if (c === '"') throw at(i, 'a quote inside an unquoted value must be escaped (\\")');
        i = pushChar(s, i, bytes, at);
      }
      const value = utf8(trimEnd(bytes, keepTo), vStart, at);
      ava = { oid, value, tag: chooseTag(oid, value, `distinguished name "${quoteInput(s)}": position ${vStart + 1}`) };
    }
    rdn.push(ava);
    if (rdn.length > DN_LIMITS.maxAvasPerRdn) {
      throw new CertkitError('LIMIT_EXCEEDED', `distinguished name: more than ${DN_LIMITS.maxAvasPerRdn} attributes in one RDN`);
    }
    if (i === s.length) break;
    const sep = s[i]!;
    if (sep === '+') {
      i++;
      continue;
    }
    if (sep === ',' || sep === ';') {
      rdns.push(rdn);
      if (rdns.length >= DN_LIMITS.maxRdns) {
        throw new CertkitError('LIMIT_EXCEEDED', `distinguished name: more than ${DN_LIMITS.maxRdns} RDNs`);
      }
      rdn = [];
      i++;
      continue;
    }
    throw at(i, `expected "," or "+" after the value, found "${quoteInput(sep)}"`);
  }
  rdns.push(rdn);
  return rdns;
}

/** `bytes` without trailing whitespace after index `keepTo` (escaped characters are kept). */
function trimEnd(bytes: number[], keepTo: number): number[] {
  let end = bytes.length;
  while (end > keepTo && (bytes[end - 1] === 0x20 || bytes[end - 1] === 0x09 || bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--;
  return bytes.slice(0, end);
}

function keywordOid(keyword: string, pos: number, at: (p: number, m: string) => CertkitError): string {
  const known = KEYWORDS[keyword.toUpperCase()];
  if (known !== undefined) return known;
  const dotted = /^oid\./i.test(keyword) ? keyword.slice(4) : keyword;
  if (/^[0-2](\.(0|[1-9][0-9]*))+$/.test(dotted)) {
    try {
      encodeOid(dotted);
    } catch {
      throw at(pos, `"${keyword}" is not a valid OID`);
    }
    return dotted;
  }
  throw at(pos, `unknown attribute "${keyword}" (use CN, OU, O, L, ST, C, STREET, DC, UID, EMAILADDRESS, SERIALNUMBER, T or a dotted OID)`);
}

/**
 * Appends the UTF-8 of the character at `i` (a whole code point: characters outside the BMP are
 * two UTF-16 units, which one at a time would each become U+FFFD); returns the position after it.
 */
function pushChar(s: string, i: number, bytes: number[], at: (p: number, m: string) => CertkitError): number {
  const cp = s.codePointAt(i)!;
  if (cp >= 0xd800 && cp <= 0xdfff) throw at(i, 'a lone UTF-16 surrogate is not a character');
  const ch = String.fromCodePoint(cp);
  bytes.push(...Buffer.from(ch, 'utf8'));
  return i + ch.length;
}

/** Reads a backslash escape at `i` into `bytes`; returns the position after it. */
function escape(s: string, i: number, bytes: number[], at: (p: number, m: string) => CertkitError): number {
  const pair = s.slice(i + 1, i + 3);
  if (HEX.test(pair)) {
    bytes.push(parseInt(pair, 16));
    return i + 3;
  }
  const next = s[i + 1];
  if (next === undefined) throw at(i, 'a backslash at the end escapes nothing');
  const cp = s.codePointAt(i + 1)!;
  const ch = String.fromCodePoint(cp);
  bytes.push(...Buffer.from(ch, 'utf8'));
  return i + 1 + ch.length;
}

function utf8(bytes: number[], pos: number, at: (p: number, m: string) => CertkitError): string {
  const buf = Buffer.from(bytes);
  const text = buf.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(buf)) throw at(pos, 'escaped \\XX bytes are not valid UTF-8');
  return text;
}

/** An AVA from a value's whole DER TLV (strings decoded to text, others kept as DER). */
function fromDerValue(oid: string, der: Buffer, what: string): Ava {
  const t = readTlv(der, 0, what);
  const text = decodeString(t, what);
  return text === undefined ? { oid, value: '', tag: t.tag, der } : { oid, value: text, tag: t.tag, der };
}

/**
 * A character above U+007F. Strings are decoded byte for byte (latin1) and then tested with this
 * native regular expression, rather than tested byte by byte in a loop first: a listing decodes
 * several values per certificate, as cold code, where the loop cost more than the decoding.
 */
// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Decodes the string types, read in place; undefined for other types. `what` names the value in
 * errors (a string, or a function that makes it, so the message is only built for an error),
 * followed by the attribute's name when `oid` is given ("subject RDN 2 CN").
 */
function decodeString(t: TlvAt, what: What, oid?: string): string | undefined {
  const { buf, contentStart: start, end } = t;
  const name = (): string => {
    const w = typeof what === 'string' ? what : what();
    return oid === undefined ? w : `${w} ${attributeName(oid)}`;
  };
  switch (t.tag) {
    case STRING_TAG.utf8: {
      // ASCII is UTF-8 and decodes the same as latin1; anything else is checked whole.
      const latin1 = buf.toString('latin1', start, end);
      if (!NON_ASCII.test(latin1)) return latin1;
      if (!isUtf8(t.content)) throw invalid(`${name()}: UTF8String is not valid UTF-8`);
      return buf.toString('utf8', start, end);
    }
    case STRING_TAG.printable:
    case STRING_TAG.numeric:
    case STRING_TAG.ia5:
    case STRING_TAG.visible: {
      // Decoded byte for byte, then checked: a byte above 0x7F is a character above U+007F.
      const latin1 = buf.toString('latin1', start, end);
      if (NON_ASCII.test(latin1)) throw invalid(`${name()}: non-ASCII byte in an ASCII string type`);
      return latin1;
    }
    case STRING_TAG.teletex:
      return buf.toString('latin1', start, end);
    case STRING_TAG.bmp: {
      if ((end - start) % 2 !== 0) throw invalid(`${name()}: BMPString has an odd length`);
      const swapped = Buffer.from(t.content);
      swapped.swap16();
      return swapped.toString('utf16le');
    }
    case STRING_TAG.universal: {
      if ((end - start) % 4 !== 0) throw invalid(`${name()}: UniversalString length is not a multiple of 4`);
      let out = '';
      for (let i = start; i < end; i += 4) {
        const cp = buf.readUInt32BE(i);
        if (cp > 0x10ffff) throw invalid(`${name()}: UniversalString code point out of range`);
        out += String.fromCodePoint(cp);
      }
      return out;
    }
    default:
      return undefined;
  }
}

const ESCAPEES = ',+=\n<>#;\\"';
/** A value the loop below would print unchanged: no escapee, no leading, trailing or doubled space. */
const PLAIN_VALUE = /^(?! )(?!.* $)(?!.*  )[^,+=\n<>#;\\"]*$/su;

/** Formats one value as Java's AVA.toKeywordValueString does. */
function formatValue(ava: Ava): string {
  const isString = ava.der === undefined || decodeStringSafe(ava) !== undefined;
  if (!isString) return '#' + ava.der!.toString('hex').toUpperCase();
  const v = ava.value;
  if (PLAIN_VALUE.test(v)) return v;
  let quote = false;
  let prevWhite = false;
  let out = '';
  const chars = [...v];
  chars.forEach((c, i) => {
    if (isPrintableChar(c) || ESCAPEES.includes(c)) {
      if (!quote && ((i === 0 && (c === ' ' || c === '\n')) || ESCAPEES.includes(c))) quote = true;
      if (!(c === ' ' || c === '\n')) {
        if (c === '"' || c === '\\') out += '\\';
        prevWhite = false;
      } else {
        if (!quote && prevWhite) quote = true;
        prevWhite = true;
      }
      out += c;
    } else {
      prevWhite = false;
      out += c;
    }
  });
  if (out.endsWith(' ') || out.endsWith('\n')) quote = true;
  return quote ? `"${out}"` : out;
}

const STRING_TAGS: ReadonlySet<number> = new Set(Object.values(STRING_TAG));

function decodeStringSafe(ava: Ava): string | undefined {
  return STRING_TAGS.has(ava.tag) ? ava.value : undefined;
}

/**
 * Prints a name as keytool prints Owner/Issuer: "CN=a, OU=b, O=c" (string order), multi-valued
 * RDNs joined with " + ", values quoted and escaped as Java's X500Name.toString() does.
 */
export function formatDname(dn: DistinguishedName): string {
  // Loops rather than map/join: one string, no arrays or closures per name (twice a certificate).
  let out = '';
  for (let r = 0; r < dn.length; r++) {
    const rdn = dn[r]!;
    if (r > 0) out += ', ';
    for (let a = 0; a < rdn.length; a++) {
      if (a > 0) out += ' + ';
      out += `${attributeName(rdn[a]!.oid)}=${formatValue(rdn[a]!)}`;
    }
  }
  return out;
}

/** Encodes one AVA's value TLV. */
function encodeValue(ava: Ava): Buffer {
  if (ava.der !== undefined) return ava.der;
  switch (ava.tag) {
    case STRING_TAG.bmp: {
      const b = Buffer.from(ava.value, 'utf16le');
      b.swap16();
      return tlv(ava.tag, b);
    }
    case STRING_TAG.teletex:
      return tlv(ava.tag, Buffer.from(ava.value, 'latin1'));
    case STRING_TAG.universal: {
      const cps = [...ava.value].map((c) => c.codePointAt(0)!);
      const b = Buffer.alloc(cps.length * 4);
      cps.forEach((cp, i) => b.writeUInt32BE(cp, i * 4));
      return tlv(ava.tag, b);
    }
    default:
      return tlv(ava.tag, Buffer.from(ava.value, 'utf8'));
  }
}

/**
 * The DER `Name` for `dn`: RDNs reversed (the string's first RDN is the last in the SEQUENCE, as
 * keytool writes it); AVAs inside a multi-valued RDN sorted by their encoding (DER SET OF).
 */
export function encodeName(dn: DistinguishedName): Buffer {
  const rdns = [...dn].reverse().map((rdn) => {
    if (rdn.length === 0) throw invalid('distinguished name has an empty RDN');
    const avas = rdn.map((a) => tlv(0x30, encodeOid(a.oid), encodeValue(a))).sort(Buffer.compare);
    return tlv(0x31, ...avas);
  });
  return tlv(0x30, ...rdns);
}

/**
 * Decodes a DER `Name` into string order (the last RDN of the SEQUENCE first). AVAs keep their
 * DER order. Throws INVALID_INPUT naming `what`.
 */
export function decodeName(der: Uint8Array, what = 'name'): DistinguishedName {
  const buf = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  checkDer(buf, what);
  return decodeCheckedName(buf, what);
}

/**
 * `decodeName` for a Name inside a larger structure that `checkDer` has already checked whole
 * (a certificate's subject or issuer): the same decoding and checks, without walking it twice.
 */
export function decodeCheckedName(buf: Buffer, what = 'name'): DistinguishedName {
  const top = readTlv(buf, 0, what);
  if (top.end !== buf.length) throw invalid(`${what}: trailing bytes after the Name`);
  return decodeNameTlv(top, what);
}

/**
 * `decodeCheckedName` of a Name read in place (a certificate's subject or issuer TLV, inside
 * bytes `checkDer` has checked whole): no copies, and messages built only for errors.
 */
export function decodeNameTlv(top: TlvAt, what = 'name'): DistinguishedName {
  if (top.tag !== 0x30) throw invalid(`${what}: not a SEQUENCE`);
  const rdnTlvs = childrenOf(top, what);
  if (rdnTlvs.length > DN_LIMITS.maxRdns) throw new CertkitError('LIMIT_EXCEEDED', `${what}: more than ${DN_LIMITS.maxRdns} RDNs`);
  const rdns: Ava[][] = new Array<Ava[]>(rdnTlvs.length);
  for (let ri = 0; ri < rdnTlvs.length; ri++) {
    const r = rdnTlvs[ri]!;
    const w = (): string => `${what} RDN ${ri + 1}`;
    if (r.tag !== 0x31) throw invalid(`${w()}: not a SET`);
    const avaTlvs = r.end === r.contentStart ? [] : childrenOf(r, w);
    if (avaTlvs.length === 0) throw invalid(`${w()}: empty SET`);
    if (avaTlvs.length > DN_LIMITS.maxAvasPerRdn) throw new CertkitError('LIMIT_EXCEEDED', `${w()}: more than ${DN_LIMITS.maxAvasPerRdn} attributes`);
    const avas: Ava[] = new Array<Ava>(avaTlvs.length);
    for (let ai = 0; ai < avaTlvs.length; ai++) {
      const a = avaTlvs[ai]!;
      if (a.tag !== 0x30) throw invalid(`${w()}: attribute is not a SEQUENCE`);
      const parts = childrenOf(a, w);
      if (parts.length !== 2 || parts[0]!.tag !== 0x06) throw invalid(`${w()}: attribute is not (OID, value)`);
      const o = parts[0]!;
      const oid = decodeOidAt(o.buf, o.contentStart, o.end, w);
      const v = parts[1]!;
      const text = decodeString(v, w, oid);
      avas[ai] =
        text === undefined
          ? ({ oid, value: '', tag: v.tag, der: Buffer.from(v.bytes) } satisfies Ava)
          : ({ oid, value: text, tag: v.tag } satisfies Ava);
    }
    rdns[ri] = avas;
  }
  return rdns.reverse();
}

/** The first value of attribute `oid` (e.g. the CN, "2.5.4.3"), or undefined. */
export function dnAttribute(dn: DistinguishedName, oid: string): string | undefined {
  for (const rdn of dn) for (const a of rdn) if (a.oid === oid) return a.value;
  return undefined;
}

/** OIDs of the usual attributes, for `dnAttribute`. */
export const DN_OID = {
  CN: '2.5.4.3',
  C: '2.5.4.6',
  L: '2.5.4.7',
  ST: '2.5.4.8',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  EMAILADDRESS: '1.2.840.113549.1.9.1',
} as const;
