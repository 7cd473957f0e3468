import { describe, expect, it } from 'vitest';
import {
  DN_LIMITS,
  STRING_TAG,
  decodeName,
  dnAttribute,
  DN_OID,
  encodeName,
  formatDname,
  parseDname,
} from '../../src/x509/dn.js';
import { errorOf } from '../support/errors.js';


describe('parseDname', () => {
  it('parses the seed dname into string-order RDNs with keytool string types', () => {
    expect(parseDname('CN=glue-client, OU=x, O=y, L=z, ST=s, C=US')).toEqual([
      [{ oid: '2.5.4.3', value: 'glue-client', tag: STRING_TAG.printable }],
      [{ oid: '2.5.4.11', value: 'x', tag: STRING_TAG.printable }],
      [{ oid: '2.5.4.10', value: 'y', tag: STRING_TAG.printable }],
      [{ oid: '2.5.4.7', value: 'z', tag: STRING_TAG.printable }],
      [{ oid: '2.5.4.8', value: 's', tag: STRING_TAG.printable }],
      [{ oid: '2.5.4.6', value: 'US', tag: STRING_TAG.printable }],
    ]);
  });
  it('handles multi-valued RDNs, escapes, hex escapes, quotes, ; separators, aliases and OIDs', () => {
    const dn = parseDname('cn=a\\, b + UID=u1;s="Quoted, \\"Inc\\"" ,E=x@y.z, OU=\\41bc\\C3\\A9, OID.2.5.4.12=Mr, 1.2.3.4=#0c0161');
    expect(dn).toEqual([
      [
        { oid: '2.5.4.3', value: 'a, b', tag: STRING_TAG.printable },
        { oid: '0.9.2342.19200300.100.1.1', value: 'u1', tag: STRING_TAG.printable },
      ],
      [{ oid: '2.5.4.8', value: 'Quoted, "Inc"', tag: STRING_TAG.utf8 }],
      [{ oid: '1.2.840.113549.1.9.1', value: 'x@y.z', tag: STRING_TAG.ia5 }],
      [{ oid: '2.5.4.11', value: 'Abcé', tag: STRING_TAG.utf8 }],
      [{ oid: '2.5.4.12', value: 'Mr', tag: STRING_TAG.printable }],
      [{ oid: '1.2.3.4', value: 'a', tag: STRING_TAG.utf8, der: Buffer.from('0c0161', 'hex') }],
    ]);
    expect(formatDname(dn)).toBe('CN="a, b" + UID=u1, ST="Quoted, \\"Inc\\"", EMAILADDRESS=x@y.z, OU=Abcé, T=Mr, OID.1.2.3.4=a');
    expect(dnAttribute(dn, DN_OID.CN)).toBe('a, b');
  });
  it('trims unescaped spaces (also inside quotes, as Java does) and keeps escaped ones', () => {
    expect(formatDname(parseDname('CN="  two  spaces" , O=a  b, OU=trail\\ , L=\\ lead'))).toBe(
      'CN="two  spaces", O="a  b", OU="trail ", L=" lead"',
    );
  });
  it('prints non-string values as #HEX', () => {
    expect(formatDname(parseDname('2.5.4.45=#0403010203'))).toBe('OID.2.5.4.45=#0403010203');
  });
  it('reports errors with the 1-based position', () => {
    const cases: [string, string][] = [
      ['', 'INVALID_INPUT: distinguished name is empty (expected e.g. "CN=glue-client")'],
      ['   ', 'INVALID_INPUT: distinguished name is empty (expected e.g. "CN=glue-client")'],
      ['CN', 'INVALID_INPUT: distinguished name "CN": position 3: expected "=" after "CN", found the end'],
      ['CN=a,', 'INVALID_INPUT: distinguished name "CN=a,": position 6: expected an attribute name at the end'],
      ['CN=a, =b', 'INVALID_INPUT: distinguished name "CN=a, =b": position 7: expected an attribute name, found "="'],
      ['XX=a', 'INVALID_INPUT: distinguished name "XX=a": position 1: unknown attribute "XX" (use CN, OU, O, L, ST, C, STREET, DC, UID, EMAILADDRESS, SERIALNUMBER, T or a dotted OID)'],
      ['CN="abc', 'INVALID_INPUT: distinguished name "CN="abc": position 4: quoted value has no closing quote'],
      ['CN="a"b', 'INVALID_INPUT: distinguished name "CN="a"b": position 7: expected "," or "+" after the value, found "b"'],
      ['CN=a"b', 'INVALID_INPUT: distinguished name "CN=a"b": position 5: a quote inside an unquoted value must be escaped (\\")'],
      ['CN=a\\', 'INVALID_INPUT: distinguished name "CN=a\\": position 5: a backslash at the end escapes nothing'],
      ['CN=\\ff', 'INVALID_INPUT: distinguished name "CN=\\ff": position 4: escaped \\XX bytes are not valid UTF-8'],
      ['CN=#abc', 'INVALID_INPUT: distinguished name "CN=#abc": position 5: a #hex value needs an even number of hex digits'],
      ['CN=#0c05', 'INVALID_INPUT: distinguished name "CN=#0c05": position 4: #hex value is not one DER value (value: length 5 at byte 0 runs past the end (0 bytes left))'],
      ['C=USA', 'INVALID_INPUT: distinguished name "C=USA": position 3: C (country) must be a two-letter code, got "USA"'],
      ['EMAILADDRESS=é@x', 'INVALID_INPUT: distinguished name "EMAILADDRESS=é@x": position 14: EMAILADDRESS must be ASCII (IA5String)'],
      ['1.40=x', 'INVALID_INPUT: distinguished name "1.40=x": position 1: "1.40" is not a valid OID'],
    ];
    for (const [input, message] of cases) expect(errorOf(() => parseDname(input)), input).toBe(message);
  });
  it('caps RDN and attribute counts and length', () => {
    expect(errorOf(() => parseDname(Array(DN_LIMITS.maxRdns + 1).fill('CN=a').join(',')))).toBe(
      `LIMIT_EXCEEDED: distinguished name: more than ${DN_LIMITS.maxRdns} RDNs`,
    );
    expect(errorOf(() => parseDname(Array(DN_LIMITS.maxAvasPerRdn + 1).fill('CN=a').join('+')))).toBe(
      `LIMIT_EXCEEDED: distinguished name: more than ${DN_LIMITS.maxAvasPerRdn} attributes in one RDN`,
    );
    expect(errorOf(() => parseDname('CN=' + 'a'.repeat(DN_LIMITS.maxChars)))).toMatch(/^LIMIT_EXCEEDED: distinguished name of 65539 characters/);
  });
});

describe('encodeName / decodeName', () => {
  it('writes the seed dname exactly as keytool does (reversed, PrintableString)', () => {
    // keytool -genkeypair -dname "CN=glue-client, OU=x, O=y, L=z, ST=s, C=US": the subject Name bytes.
    expect(encodeName(parseDname('CN=glue-client, OU=x, O=y, L=z, ST=s, C=US')).toString('hex')).toBe(
      '3053310b3009060355040613025553310a3008060355040813017331' +
        '0a3008060355040713017a310a3008060355040a130179310a300806' +
        '0355040b130178311430120603550403130b676c75652d636c69656e74',
    );
  });
  it('sorts a multi-valued RDN as DER SET OF requires and decodes back in string order', () => {
    const der = encodeName(parseDname('CN=x+OU=y+O=z, C=us'));
    expect(der.toString('hex')).toBe('302d310b3009060355040613027573311e300806035504031301783008060355040a13017a3008060355040b130179');
    expect(formatDname(decodeName(der))).toBe('CN=x + O=z + OU=y, C=us');
  });
  it('round trips every string type it reads', () => {
    // A Name with BMPString, TeletexString, UniversalString, IA5String, UTF8String values.
    const dn = [
      [{ oid: '2.5.4.3', value: 'bmp ü', tag: STRING_TAG.bmp }],
      [{ oid: '2.5.4.10', value: 'tele ü', tag: STRING_TAG.teletex }],
      [{ oid: '2.5.4.11', value: 'uni 😀', tag: STRING_TAG.universal }],
      [{ oid: '2.5.4.7', value: 'utf8 名', tag: STRING_TAG.utf8 }],
    ];
    expect(decodeName(encodeName(dn))).toEqual(dn);
    expect(decodeName(Buffer.from('3000', 'hex'))).toEqual([]);
  });
  it('rejects hostile Name DER with a clear message', () => {
    const good = encodeName(parseDname('CN=a, O=b'));
    const cases: [string, string][] = [
      ['', 'INVALID_INPUT: name: empty input'],
      ['3100', 'INVALID_INPUT: name: not a SEQUENCE'],
      ['30023000', 'INVALID_INPUT: name RDN 1: not a SET'],
      ['30023100', 'INVALID_INPUT: name RDN 1: empty SET'],
      ['300431023000', 'INVALID_INPUT: name RDN 1: attribute is not (OID, value)'],
      ['300a3108300606035504030c', 'INVALID_INPUT: name: truncated at byte 12 (expected a length)'],
      ['300c310a300806035504030c01ff', 'INVALID_INPUT: name RDN 1 CN: UTF8String is not valid UTF-8'],
      ['300c310a300806035504031301e9', 'INVALID_INPUT: name RDN 1 CN: non-ASCII byte in an ASCII string type'],
      [good.toString('hex') + '00', 'INVALID_INPUT: name: 1 trailing bytes after the DER structure'],
      [good.subarray(0, good.length - 1).toString('hex'), `INVALID_INPUT: name: length ${good[1]} at byte 0 runs past the end (${good.length - 3} bytes left)`],
    ];
    for (const [hex, message] of cases) expect(errorOf(() => decodeName(Buffer.from(hex, 'hex'))), hex).toBe(message);
  });
});

describe('formatDname: the plain-value shortcut', () => {
  /** Java's AVA.toKeywordValueString, character by character (the loop formatValue runs when the shortcut does not apply). */
  function javaFormat(v: string): string {
    const escapees = ',+=\n<>#;\\"';
    const printable = (c: string) => /^[A-Za-z0-9 '()+,\-./:=?]$/.test(c);
    let quote = false;
    let prevWhite = false;
    let out = '';
    [...v].forEach((c, i) => {
      if (printable(c) || escapees.includes(c)) {
        if (!quote && ((i === 0 && (c === ' ' || c === '\n')) || escapees.includes(c))) quote = true;
        if (!(c === ' ' || c === '\n')) {
          if (c === '"' || c === '\\') out += '\\';
          prevWhite = false;
        } else {
          if (!quote && prevWhite) quote = true;
          prevWhite = true;
        }
      } else {
        prevWhite = false;
      }
      out += c;
    });
    if (out.endsWith(' ') || out.endsWith('\n')) quote = true;
    return quote ? `"${out}"` : out;
  }

  it('prints every value exactly as the character loop does (seeded random values over the characters that matter)', () => {
    const alphabet = ['a', 'Z', '0', ' ', ' ', ',', '+', '=', '\n', '<', '>', '#', ';', '\\', '"', '_', '@', '*', 'é', '€', '🔑', "'", '(', '.', '?', '\t'];
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const values = ['', ' ', 'a', 'a ', ' a', 'a  b', 'a b', 'a _ b', 'a \u00a0 b', '  ', 'a\u00a0 '];
    for (let n = 0; n < 5000; n++) {
      const len = next() % 7;
      let v = '';
      for (let i = 0; i < len; i++) v += alphabet[next() % alphabet.length];
      values.push(v);
    }
    for (const v of values) {
      expect([v, formatDname([[{ oid: '2.5.4.3', value: v, tag: STRING_TAG.utf8 }]])]).toEqual([v, `CN=${javaFormat(v)}`]);
    }
  });
});
