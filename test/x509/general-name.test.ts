import { describe, expect, it } from 'vitest';
import { decodeGeneralNames, encodeGeneralNames, formatSubjectAltName, parseSubjectAltNames } from '../../src/x509/general-name.js';
import { errorOf } from '../support/errors.js';


describe('subject alternative names', () => {
  it('parses openssl-style lists, with bare values guessed as IP or DNS', () => {
    expect(parseSubjectAltNames('DNS:a.example, ip:10.0.0.1,email:x@y.z,URI:spiffe://t/x, b.example, ::1, *.w.example')).toEqual([
      { type: 'dns', value: 'a.example' },
      { type: 'ip', value: '10.0.0.1' },
      { type: 'email', value: 'x@y.z' },
      { type: 'uri', value: 'spiffe://t/x' },
      { type: 'dns', value: 'b.example' },
      { type: 'ip', value: '::1' },
      { type: 'dns', value: '*.w.example' },
    ]);
    expect(formatSubjectAltName({ type: 'ip', value: '10.0.0.1' })).toBe('IP:10.0.0.1');
  });
  it('encodes and decodes each form; IPv6 in full, lower-case form as Java prints it', () => {
    const der = encodeGeneralNames(parseSubjectAltNames('DNS:a.example,IP:10.0.0.1,IP:2001:db8::1,IP:::ffff:1.2.3.4,email:x@y.z,URI:https://u'));
    expect(der.toString('hex')).toBe(
      '3047' +
        '8209612e6578616d706c65' + // [2] a.example
        '87040a000001' + // [7] 10.0.0.1
        '871020010db8000000000000000000000001' + // [7] 2001:db8::1
        '871000000000000000000000ffff01020304' + // [7] ::ffff:1.2.3.4
        '81057840792e7a' + // [1] x@y.z
        '860968747470733a2f2f75', // [6] https://u
    );
    expect(decodeGeneralNames(der.subarray(2), 'san')).toEqual([
      { type: 'dns', value: 'a.example' },
      { type: 'ip', value: '10.0.0.1' },
      { type: 'ip', value: '2001:db8:0:0:0:0:0:1' },
      { type: 'ip', value: '0:0:0:0:0:ffff:102:304' },
      { type: 'email', value: 'x@y.z' },
      { type: 'uri', value: 'https://u' },
    ]);
  });
  it('rejects what cannot be encoded', () => {
    expect(errorOf(() => parseSubjectAltNames(''))).toBe('INVALID_INPUT: no subject alternative name in ""');
    expect(errorOf(() => parseSubjectAltNames('IP:10.0.0.300'))).toBe('INVALID_INPUT: "10.0.0.300" is not an IP address');
    expect(errorOf(() => parseSubjectAltNames('DNS:bad host'))).toBe('INVALID_INPUT: "bad host" is not a DNS name');
    expect(errorOf(() => parseSubjectAltNames('email:nobody'))).toBe('INVALID_INPUT: "nobody" is not an email address');
    expect(errorOf(() => parseSubjectAltNames('URI:no-scheme'))).toBe('INVALID_INPUT: "no-scheme" is not a URI');
    expect(errorOf(() => decodeGeneralNames(Buffer.from('8703010203', 'hex'), 'san'))).toBe('INVALID_INPUT: san: IP address of 3 bytes');
    expect(errorOf(() => decodeGeneralNames(Buffer.from('8201ff', 'hex'), 'san'))).toBe('INVALID_INPUT: san: non-ASCII byte in an IA5String name');
    expect(decodeGeneralNames(Buffer.from('a0030c0161', 'hex'), 'san')).toEqual([{ type: 'other', value: '[0] 0c0161' }]);
  });
});
