import { describe, expect, it } from 'vitest';
import { checkDer, DER_LIMITS, parseBer, parseDer } from '../src/asn1.js';
import { checkBer } from '../src/der-check.js';
import { CertkitError } from '../src/errors.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof CertkitError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'ok';
}

describe('checkDer / parseDer (the door for untrusted DER)', () => {
  it('accepts one minimal definite-length TLV and decodes it', () => {
    const v = parseDer(Buffer.from('3003020105', 'hex'), 'x');
    expect(Buffer.from(v.toBER()).toString('hex')).toBe('3003020105');
  });

  it.each([
    ['', 'INVALID_INPUT: x: empty input'],
    ['3080020105' + '0000', 'INVALID_INPUT: x: indefinite length at byte 1 (BER, not DER)'],
    ['30810302010500', 'INVALID_INPUT: x: non-minimal length at byte 1'],
    ['3003020105ff', 'INVALID_INPUT: x: 1 trailing bytes after the DER structure'],
    ['30050201', 'INVALID_INPUT: x: length 5 at byte 0 runs past the end (2 bytes left)'],
    ['3085ffffffffff', 'INVALID_INPUT: x: length of 5 bytes at byte 1 is larger than any input certkit reads'],
    ['30847fffffff', 'INVALID_INPUT: x: length 2147483647 at byte 0 runs past the end (0 bytes left)'],
    ['1f8001', 'INVALID_INPUT: x: non-minimal tag number at byte 1'],
    ['30', 'INVALID_INPUT: x: truncated at byte 1 (expected a length)'],
  ])('refuses %s', (hex, expected) => {
    expect(codeOf(() => checkDer(Buffer.from(hex, 'hex'), 'x'))).toBe(expected);
  });

  it('caps nesting at the documented depth, checked at N and N+1', () => {
    const nest = (n: number): Buffer => {
      let b = Buffer.from('0500', 'hex');
      for (let i = 0; i < n; i++) b = Buffer.concat([Buffer.from([0x30, b.length]), b]);
      return b;
    };
    // maxDepth SEQUENCEs around a NULL put the NULL exactly at the limit; one more is refused.
    expect(codeOf(() => checkDer(nest(DER_LIMITS.maxDepth), 'x'))).toBe('ok');
    expect(codeOf(() => checkDer(nest(DER_LIMITS.maxDepth + 1), 'x'))).toBe(
      `LIMIT_EXCEEDED: x: nested more than ${DER_LIMITS.maxDepth} levels deep`,
    );
  });

  it('turns asn1js exceptions on malformed primitives into INVALID_INPUT', () => {
    // GeneralizedTime whose content is not digits: asn1js throws a plain Error.
    const r = codeOf(() => parseDer(Buffer.from('3006180441424344', 'hex'), 'x'));
    expect(r.startsWith('INVALID_INPUT: x: not valid DER')).toBe(true);
  });
});

describe('checkBer / parseBer (the PKCS#12 containers: DER, plus indefinite lengths)', () => {
  it('accepts indefinite-length constructed values, nested and inside definite ones, and decodes them without the end-of-contents', () => {
    // SEQUENCE(indef) { INTEGER 5, [0](indef) { OCTET STRING(constructed, indef) { 'ab', 'c' } } }
    const ber = Buffer.from('3080020105a08024800402616204016300000000' + '0000', 'hex');
    expect(codeOf(() => checkBer(ber, 'x'))).toBe('ok');
    const v = parseBer(ber, 'x') as unknown as { valueBlock: { value: { valueBlock: { value: unknown[] } }[] } };
    expect(v.valueBlock.value).toHaveLength(2);
    expect(v.valueBlock.value[1]!.valueBlock.value).toHaveLength(1);
    expect(codeOf(() => checkBer(Buffer.from('3006308005000000', 'hex'), 'x'))).toBe('ok');
  });

  it.each([
    ['2480040161' + '0000', 'ok'],
    ['0480616200', 'INVALID_INPUT: x: indefinite length of a primitive value at byte 1'],
    ['30800201050000ff', 'INVALID_INPUT: x: 1 trailing bytes after the BER structure'],
    ['3080020105', 'INVALID_INPUT: x: truncated at byte 5 (expected a tag or end-of-contents)'],
    ['30803080050000', 'INVALID_INPUT: x: truncated at byte 7 (expected a length)'],
    // The indefinite value may not run past the definite one around it.
    ['300430800500' + '0000', 'INVALID_INPUT: x: truncated at byte 6 (expected a tag or end-of-contents)'],
    ['3005308005000000', 'INVALID_INPUT: x: truncated at byte 7 (expected a length)'],
    ['308030810302010500' + '0000', 'INVALID_INPUT: x: non-minimal length at byte 3'],
    ['30801f800100' + '0000', 'INVALID_INPUT: x: non-minimal tag number at byte 3'],
  ])('%s: %s', (hex, expected) => {
    expect(codeOf(() => checkBer(Buffer.from(hex, 'hex'), 'x'))).toBe(expected);
  });

  it('caps nesting through indefinite lengths at N and N+1, and counts every segment against the value limit', () => {
    const nest = (n: number) => Buffer.concat([Buffer.from('3080'.repeat(n), 'hex'), Buffer.from('0500', 'hex'), Buffer.from('0000'.repeat(n), 'hex')]);
    expect(codeOf(() => checkBer(nest(DER_LIMITS.maxDepth), 'x'))).toBe('ok');
    expect(codeOf(() => checkBer(nest(DER_LIMITS.maxDepth + 1), 'x'))).toBe(`LIMIT_EXCEEDED: x: nested more than ${DER_LIMITS.maxDepth} levels deep`);
    // A constructed OCTET STRING of empty segments: itself, the segments and its end-of-contents are values.
    const segments = (n: number) => Buffer.concat([Buffer.from('2480', 'hex'), Buffer.alloc(n * 2).fill(Buffer.from('0400', 'hex')), Buffer.from('0000', 'hex')]);
    expect(codeOf(() => checkBer(segments(DER_LIMITS.maxNodes - 2), 'x'))).toBe('ok');
    expect(codeOf(() => checkBer(segments(DER_LIMITS.maxNodes - 1), 'x'))).toBe(`LIMIT_EXCEEDED: x: more than ${DER_LIMITS.maxNodes} ASN.1 values`);
  });
});
