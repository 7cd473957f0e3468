/**
 * JavaDataReader's fast paths (issue 5): dates read as numbers when they fit, bigints when they
 * do not; ASCII aliases decoded in place; `bytes` copies (never aliases the input).
 */
import { describe, expect, it } from 'vitest';

import { JavaDataReader } from '../../src/keystore/java-data.js';

const long = (v: bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(v);
  return b;
};

describe('JavaDataReader', () => {
  it.each([
    0n,
    1n,
    -1n,
    1_795_000_000_000n,
    -62_135_596_800_000n,
    (1n << 53n) - 1n,
    -(1n << 53n),
    1n << 53n,
    -(1n << 53n) - 1n,
    9_223_372_036_854_775_807n,
    -9_223_372_036_854_775_808n,
  ])('i64Small reads %s as i64 does (a number when it is below 2^53 in magnitude)', (v) => {
    const small = new JavaDataReader(long(v)).i64Small('x');
    expect(BigInt(small)).toBe(v);
    expect(typeof small).toBe(v >= -(1n << 53n) && v < 1n << 53n ? 'number' : 'bigint');
    expect(new JavaDataReader(long(v)).i64('x')).toBe(v);
  });

  it('i64Small checks the bytes left like every read', () => {
    expect(() => new JavaDataReader(Buffer.alloc(7)).i64Small('creation date')).toThrow(
      'creation date: needs 8 bytes at byte 0 but only 7 are left (truncated or corrupt)',
    );
  });

  it('utf decodes ASCII and modified UTF-8 from an offset into a larger array', () => {
    const backing = Buffer.from('ff0003616263000dc3a9e282acc080eda0bdedb8800000', 'hex');
    const r = new JavaDataReader(new Uint8Array(backing.buffer, backing.byteOffset + 1, backing.length - 1));
    expect(r.utf('a')).toBe('abc');
    expect(r.utf('b')).toBe('é€\u0000😀');
    expect(r.remaining).toBe(2);
  });

  it('bytes copies: changing the input afterwards does not change what was read', () => {
    const input = Buffer.from([1, 2, 3, 4]);
    const r = new JavaDataReader(input);
    r.skip(1, 'x');
    const got = r.bytes(2, 'x');
    input.fill(9);
    expect([...got]).toEqual([2, 3]);
  });
});
