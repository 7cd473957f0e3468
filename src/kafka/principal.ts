/**
 * The principal a Kafka broker gives a TLS client: `User:` and the subject of its certificate as
 * Java's `X500Principal.getName()` writes it (RFC 2253 form), which is what Kafka's
 * DefaultKafkaPrincipalBuilder takes from the TLS session when `ssl.principal.mapping.rules` is
 * DEFAULT (the default, and what Amazon MSK uses). ACLs must name exactly this string:
 * `User:CN=orders-app,OU=Payments,O=Example\, Inc.,C=US`, not keytool's or openssl's way of
 * printing the same name ("CN=orders-app, OU=Payments, O="Example, Inc.", C=US").
 *
 * Java's rules (sun.security.x509.AVA.toRFC2253String, X500Name.getRFC2253Name), followed here:
 * - RDNs in reverse order of the DER SEQUENCE (the most specific first), joined by `,`; the
 *   attributes of a multi-valued RDN in their DER order, joined by `+`; no spaces.
 * - Keywords only for the attributes RFC 2253 names (CN, C, L, ST, O, OU, STREET, DC, UID);
 *   every other type as its dotted OID (emailAddress is `1.2.840.113549.1.9.1`).
 * - A value under an OID, or of a type that is not a string Java decodes (UTF8String,
 *   PrintableString, TeletexString, IA5String, GeneralString, BMPString), is `#` and the hex of
 *   its whole DER encoding, lower case.
 * - Otherwise the decoded text, with `\` before each of `, = + < > # ; " \`, `\00` for NUL, and
 *   `\` before each leading and trailing space or carriage return. Other characters, non-ASCII
 *   included, are written as they are.
 *
 * How the text is decoded depends on the broker's JDK (test/kafka/principal.test.ts runs both):
 * JDK 17 decodes the bytes of every string type as UTF-8 (a BMPString comes out as `\00b\00m…`),
 * JDK 25 by type (TeletexString, IA5String and GeneralString as ISO-8859-1, BMPString as UTF-16).
 * The two agree for UTF8String, PrintableString and ASCII in the others, which is every name
 * certkit and AWS Private CA write. `kafkaPrincipal` follows JDK 17 (Kafka 4's minimum, and what
 * the suite's broker runs) unless told `decoding: 'by-type'`.
 */
import { checkDer } from '../der-check.js';
import { invalid } from '../errors.js';
import { parseCertificate } from '../x509/certificate.js';
import { childrenOf, decodeOidAt, readTlv, type TlvAt } from '../x509/tlv.js';

/** The attribute types Java writes by keyword in RFC 2253 form. */
const RFC2253_KEYWORDS: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.9': 'STREET',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
};

/** How a JDK turns a string value's bytes into text: all as UTF-8 (JDK 17), or by type (JDK 25). */
export type Rfc2253Decoding = 'utf8' | 'by-type';

/** The string types Java writes as text, and how newer JDKs decode each (AVA.getCharset). */
const TEXT_DECODERS: Readonly<Record<number, (content: Buffer) => string>> = {
  0x0c: (b) => b.toString('utf8'), // UTF8String
  0x13: (b) => b.toString('latin1'), // PrintableString
  0x14: (b) => b.toString('latin1'), // TeletexString
  0x16: (b) => b.toString('latin1'), // IA5String
  0x1b: (b) => b.toString('latin1'), // GeneralString
  0x1e: (b) => {
    // BMPString: UTF-16 big-endian
    const le = Buffer.from(b);
    le.swap16();
    return le.toString('utf16le');
  },
};

const ESCAPED = new Set([',', '=', '+', '<', '>', '#', ';', '"', '\\']);

function escapeValue(text: string): string {
  let s = '';
  for (const c of text) s += ESCAPED.has(c) ? `\\${c}` : c === '\u0000' ? '\\00' : c;
  // Leading and trailing spaces (and CRs) each get a backslash.
  let lead = 0;
  while (lead < s.length && (s[lead] === ' ' || s[lead] === '\r')) lead++;
  let trail = s.length - 1;
  while (trail >= lead && (s[trail] === ' ' || s[trail] === '\r')) trail--;
  return s.slice(0, lead).replace(/[ \r]/g, '\\$&') + s.slice(lead, trail + 1) + s.slice(trail + 1).replace(/[ \r]/g, '\\$&');
}

function ava(t: TlvAt, what: string, decoding: Rfc2253Decoding): string {
  if (t.tag !== 0x30) throw invalid(`${what}: attribute is not a SEQUENCE`);
  const parts = childrenOf(t, what);
  if (parts.length !== 2 || parts[0]!.tag !== 0x06) throw invalid(`${what}: attribute is not (OID, value)`);
  const oid = decodeOidAt(parts[0]!.buf, parts[0]!.contentStart, parts[0]!.end, what);
  const value = parts[1]!;
  const keyword = RFC2253_KEYWORDS[oid];
  const decode = TEXT_DECODERS[value.tag];
  if (keyword === undefined || decode === undefined) {
    if (value.tag === 0x1e && value.length % 2 !== 0) throw invalid(`${what}: BMPString has an odd length`);
    return `${keyword ?? oid}=#${value.bytes.toString('hex')}`;
  }
  if (value.tag === 0x1e && value.length % 2 !== 0) throw invalid(`${what}: BMPString has an odd length`);
  return `${keyword}=${escapeValue(decoding === 'utf8' ? value.content.toString('utf8') : decode(value.content))}`;
}

/** A DER `Name` in Java's RFC 2253 form (`X500Principal.getName()`), as `decoding`'s JDK writes it. */
export function rfc2253Name(nameDer: Buffer, what = 'name', decoding: Rfc2253Decoding = 'utf8'): string {
  checkDer(nameDer, what);
  const top = readTlv(nameDer, 0, what);
  if (top.tag !== 0x30) throw invalid(`${what}: not a SEQUENCE`);
  const rdns = childrenOf(top, what).map((rdn, i) => {
    const w = `${what} RDN ${i + 1}`;
    if (rdn.tag !== 0x31) throw invalid(`${w}: not a SET`);
    const avas = childrenOf(rdn, w);
    if (avas.length === 0) throw invalid(`${w}: empty SET`);
    return avas.map((a) => ava(a, w, decoding)).join('+');
  });
  return rdns.reverse().join(',');
}

/**
 * The Kafka principal of a client certificate (DER) under `ssl.principal.mapping.rules=DEFAULT`:
 * `User:` + its subject in RFC 2253 form.
 */
export function kafkaPrincipal(certDer: Buffer, options: { decoding?: Rfc2253Decoding } = {}): string {
  const subject = parseCertificate(certDer, 'client certificate').subjectDer;
  return `User:${rfc2253Name(subject, 'client certificate subject', options.decoding ?? 'utf8')}`;
}
