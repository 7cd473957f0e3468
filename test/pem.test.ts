import { describe, expect, it } from 'vitest';
import {
  decodePem,
  decodePemAll,
  encodePem,
  normalizePem,
  readPemOrDer,
  readPemOrDerAll,
  PEM_LIMITS,
} from '../src/pem.js';
import { CertkitError } from '../src/errors.js';
import { errorOf as codeOf } from './support/errors.js';

const der = Buffer.from(Array.from({ length: 100 }, (_, i) => i));
const b64 = der.toString('base64');


describe('encodePem', () => {
  it('wraps base64 at 64 columns with LF and a final newline', () => {
    expect(encodePem('CERTIFICATE', der)).toBe(
      `-----BEGIN CERTIFICATE-----\n${b64.slice(0, 64)}\n${b64.slice(64, 128)}\n${b64.slice(128)}\n-----END CERTIFICATE-----\n`,
    );
  });
  it('writes RFC 1421 headers then a blank line', () => {
    expect(encodePem('RSA PRIVATE KEY', Buffer.from([1, 2, 3]), [['Proc-Type', '4,ENCRYPTED']])).toBe(
      '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nAQID\n-----END RSA PRIVATE KEY-----\n',
    );
  });
});

describe('decodePem / decodePemAll', () => {
  it('round trips one block and several blocks, ignoring text outside blocks', () => {
    const two = 'junk before\n' + encodePem('CERTIFICATE', der) + 'between\n' + encodePem('PRIVATE KEY', Buffer.from([0x30, 0]));
    const blocks = decodePemAll(two);
    expect(blocks.map((b) => b.label)).toEqual(['CERTIFICATE', 'PRIVATE KEY']);
    expect(blocks[0]!.der.equals(der)).toBe(true);
    expect(blocks[1]!.der).toEqual(Buffer.from([0x30, 0]));
    expect(decodePem(two, { label: 'PRIVATE KEY' }).der).toEqual(Buffer.from([0x30, 0]));
    expect(decodePem(encodePem('CERTIFICATE', der)).der.equals(der)).toBe(true);
  });
  it('accepts CRLF and unwrapped base64', () => {
    const text = `-----BEGIN CERTIFICATE-----\r\n${b64}\r\n-----END CERTIFICATE-----\r\n`;
    expect(decodePem(text).der.equals(der)).toBe(true);
  });
  it('rejects keytool NEW CERTIFICATE REQUEST in strict mode with a hint', () => {
    const text = `-----BEGIN NEW CERTIFICATE REQUEST-----\n${b64}\n-----END NEW CERTIFICATE REQUEST-----\n`;
    expect(codeOf(() => decodePemAll(text))).toBe(
      'INVALID_INPUT: line 1: PEM label "NEW CERTIFICATE REQUEST" is not standard; expected "CERTIFICATE REQUEST"',
    );
  });
  it('rejects mismatched labels, unknown labels, bad base64, missing END, empty input', () => {
    expect(codeOf(() => decodePemAll(`-----BEGIN CERTIFICATE-----\n${b64}\n-----END PRIVATE KEY-----\n`))).toBe(
      'INVALID_INPUT: PEM block 1 (CERTIFICATE, line 1): END label "PRIVATE KEY" does not match BEGIN label "CERTIFICATE"',
    );
    expect(codeOf(() => decodePemAll(`-----BEGIN FOO-----\n${b64}\n-----END FOO-----\n`))).toBe(
      'INVALID_INPUT: line 1: unknown PEM label "FOO"',
    );
    expect(codeOf(() => decodePemAll(`-----BEGIN CERTIFICATE-----\nAB*D\n-----END CERTIFICATE-----\n`))).toBe(
      'INVALID_INPUT: PEM block 1 (CERTIFICATE, line 1): line 2: not base64',
    );
    expect(codeOf(() => decodePemAll(`-----BEGIN CERTIFICATE-----\nABC\n-----END CERTIFICATE-----\n`))).toBe(
      'INVALID_INPUT: PEM block 1 (CERTIFICATE, line 1): base64 length 3 is not a multiple of 4 (truncated?)',
    );
    expect(codeOf(() => decodePemAll(`-----BEGIN CERTIFICATE-----\nAA==\nAAAA\n-----END CERTIFICATE-----\n`))).toBe(
      'INVALID_INPUT: PEM block 1 (CERTIFICATE, line 1): line 3: base64 continues after padding',
    );
    expect(codeOf(() => decodePemAll(`-----BEGIN CERTIFICATE-----\nAB==\n-----END CERTIFICATE-----\n`))).toBe(
      'INVALID_INPUT: PEM block 1 (CERTIFICATE, line 1): base64 has non-zero padding bits',
    );
    expect(codeOf(() => decodePemAll(`-----BEGIN CERTIFICATE-----\n${b64}\n`))).toBe(
      'INVALID_INPUT: PEM block 1 (CERTIFICATE, line 1): no END line (truncated?)',
    );
    expect(codeOf(() => decodePemAll(`-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n`))).toBe(
      'INVALID_INPUT: PEM block 1 (CERTIFICATE, line 1): empty body',
    );
    expect(codeOf(() => decodePemAll(''))).toBe('INVALID_INPUT: no PEM block found (expected "-----BEGIN ...-----")');
    expect(codeOf(() => decodePemAll('-----END CERTIFICATE-----\n'))).toBe(
      'INVALID_INPUT: line 1: "-----END CERTIFICATE-----" without a BEGIN line',
    );
    expect(codeOf(() => decodePem(encodePem('CERTIFICATE', der), { label: 'PRIVATE KEY' }))).toBe(
      'INVALID_INPUT: expected a "PRIVATE KEY" PEM block, found "CERTIFICATE"',
    );
    expect(codeOf(() => decodePem(encodePem('CERTIFICATE', der).repeat(2)))).toBe(
      'INVALID_INPUT: expected one PEM block, found 2',
    );
  });
  it('caps the number of blocks and the size', () => {
    const one = encodePem('CERTIFICATE', Buffer.from([0x30, 0]));
    expect(codeOf(() => decodePemAll(one.repeat(PEM_LIMITS.maxBlocks + 1)))).toBe(
      `LIMIT_EXCEEDED: more than ${PEM_LIMITS.maxBlocks} PEM blocks`,
    );
    expect(decodePemAll(one.repeat(PEM_LIMITS.maxBlocks))).toHaveLength(PEM_LIMITS.maxBlocks);
    expect(codeOf(() => decodePemAll('x'.repeat(PEM_LIMITS.maxChars + 1)))).toMatch(/^LIMIT_EXCEEDED: PEM input of/);
  });
  // Not a timing test: the old decoder rescanned the base64 joined so far at every line, so this
  // block took 213 s (quadratic in its lines); decoding in one pass takes about 0.1 s. The timeout
  // only keeps a quadratic decoder from passing after minutes.
  it('decodes a block at the line limit in one pass, however short its lines', { timeout: 20_000 }, () => {
    const lines = PEM_LIMITS.maxLinesPerBlock;
    const block = decodePem(`-----BEGIN CERTIFICATE-----\n${'AAAA\n'.repeat(lines)}-----END CERTIFICATE-----\n`);
    expect(block.der.equals(Buffer.alloc(lines * 3))).toBe(true);
    // keytool's CRLF and 76 columns, 1.8 MB (22 s before).
    const big = Buffer.alloc(1_350_000, 0xa5);
    const crlf = `-----BEGIN CERTIFICATE-----\r\n${big.toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n-----END CERTIFICATE-----\r\n`;
    expect(decodePem(crlf).der.equals(big)).toBe(true);
  });
  it('reports a truncated block at every cut point as INVALID_INPUT, never anything else', () => {
    const full = encodePem('CERTIFICATE', der);
    for (let n = 0; n < full.length - 1; n++) {
      const cut = full.slice(0, n);
      try {
        decodePemAll(cut);
      } catch (e) {
        expect(e).toBeInstanceOf(CertkitError);
        expect((e as CertkitError).code).toBe('INVALID_INPUT');
        continue;
      }
      // Cutting only the final newline or the END line's tail cannot decode: any decode is a bug.
      throw new Error(`truncation at ${n} decoded`);
    }
  });
});

describe('normalizePem', () => {
  it('fixes keytool -certreq output: NEW header and CRLF', () => {
    const keytool = `-----BEGIN NEW CERTIFICATE REQUEST-----\r\n${b64.slice(0, 76)}\r\n${b64.slice(76)}\r\n-----END NEW CERTIFICATE REQUEST-----\r\n`;
    expect(normalizePem(keytool)).toBe(encodePem('CERTIFICATE REQUEST', der));
  });
  it('drops openssl pkcs12 -nodes Bag Attributes, Key Attributes, subject= and issuer= lines', () => {
    const p12out =
      'Bag Attributes\n    friendlyName: client\n    localKeyId: 54 69 6D 65 20 31 37 30\n' +
      'Key Attributes: <No Attributes>\n' +
      encodePem('PRIVATE KEY', der) +
      'Bag Attributes\n    friendlyName: client\nsubject=CN = glue-client\n\nissuer=CN = ca\n\n' +
      encodePem('CERTIFICATE', der);
    expect(normalizePem(p12out)).toBe(encodePem('PRIVATE KEY', der) + encodePem('CERTIFICATE', der));
  });
  it('strips a UTF-8 BOM (as text or bytes) and adds the missing final newline', () => {
    const body = encodePem('CERTIFICATE', der).trimEnd();
    expect(normalizePem('\ufeff' + body)).toBe(encodePem('CERTIFICATE', der));
    expect(normalizePem(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]))).toBe(encodePem('CERTIFICATE', der));
  });
  it('keeps legacy encryption headers', () => {
    const text = '-----BEGIN RSA PRIVATE KEY-----\r\nProc-Type: 4,ENCRYPTED\r\nDEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\r\n\r\nAQID\r\n-----END RSA PRIVATE KEY-----';
    expect(normalizePem(text)).toBe(
      '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\nAQID\n-----END RSA PRIVATE KEY-----\n',
    );
  });
  it('still rejects garbage inside a block', () => {
    expect(codeOf(() => normalizePem('-----BEGIN NEW CERTIFICATE REQUEST-----\n%%%%\n-----END NEW CERTIFICATE REQUEST-----\n'))).toBe(
      'INVALID_INPUT: PEM block 1 (NEW CERTIFICATE REQUEST, line 1): line 2: not base64',
    );
  });
});

describe('readPemOrDer', () => {
  const certDer = Buffer.from([0x30, 0x03, 0x02, 0x01, 0x05]);
  it('takes raw DER as the expected label', () => {
    expect(readPemOrDer(certDer, 'CERTIFICATE')).toEqual({ label: 'CERTIFICATE', der: certDer });
    expect(readPemOrDerAll(certDer, ['CERTIFICATE'])).toEqual([{ label: 'CERTIFICATE', der: certDer }]);
  });
  it('takes lenient PEM and picks blocks by label', () => {
    const text = 'Bag Attributes\n' + encodePem('PRIVATE KEY', der) + encodePem('CERTIFICATE', certDer) + encodePem('CERTIFICATE', der);
    expect(readPemOrDer(text, ['PRIVATE KEY', 'RSA PRIVATE KEY']).der.equals(der)).toBe(true);
    expect(readPemOrDerAll(Buffer.from(text), 'CERTIFICATE').map((b) => b.der.length)).toEqual([5, 100]);
    expect(readPemOrDer(`-----BEGIN NEW CERTIFICATE REQUEST-----\n${b64}\n-----END NEW CERTIFICATE REQUEST-----`, 'CERTIFICATE REQUEST').label).toBe('CERTIFICATE REQUEST');
  });
  it('rejects empty input and input that is neither PEM nor DER', () => {
    expect(codeOf(() => readPemOrDer(Buffer.alloc(0), 'CERTIFICATE'))).toBe('INVALID_INPUT: empty input');
    expect(codeOf(() => readPemOrDer(Buffer.from('hello'), 'CERTIFICATE'))).toBe(
      'INVALID_INPUT: expected CERTIFICATE as PEM or DER, found neither (first byte 0x68)',
    );
    expect(codeOf(() => readPemOrDerAll(encodePem('PRIVATE KEY', der), 'CERTIFICATE'))).toBe(
      'INVALID_INPUT: no "CERTIFICATE" PEM block found',
    );
  });
});
