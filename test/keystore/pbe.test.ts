import { describe, expect, it } from 'vitest';
import { rc2DecryptBlock, rc2EncryptBlock, rc2ExpandKey } from '../../src/keystore/rc2.js';

describe('RC2 (RFC 2268)', () => {
  // RFC 2268 section 5 test vectors: key, effective key bits, plaintext, ciphertext.
  const vectors: [string, number, string, string][] = [
    ['0000000000000000', 63, '0000000000000000', 'ebb773f993278eff'],
    ['ffffffffffffffff', 64, 'ffffffffffffffff', '278b27e42e2f0d49'],
    ['3000000000000000', 64, '1000000000000001', '30649edf9be7d2c2'],
    ['88', 64, '0000000000000000', '61a8a244adacccf0'],
    ['88bca90e90875a', 64, '0000000000000000', '6ccf4308974c267f'],
    ['88bca90e90875a7f0f79c384627bafb2', 64, '0000000000000000', '1a807d272bbe5db1'],
    ['88bca90e90875a7f0f79c384627bafb2', 128, '0000000000000000', '2269552ab0f85ca6'],
    ['88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e', 129, '0000000000000000', '5b78d3a43dfff1f1'],
  ];
  it.each(vectors)('key %s, %i effective bits', (key, bits, plain, cipher) => {
    const k = rc2ExpandKey(Buffer.from(key, 'hex'), bits);
    const b = Buffer.from(plain, 'hex');
    rc2EncryptBlock(k, b);
    expect(b.toString('hex')).toBe(cipher);
    rc2DecryptBlock(k, b);
    expect(b.toString('hex')).toBe(plain);
  });
});
