/**
 * A keystore listing checks each certificate's DER exactly once: the JKS (and JCEKS) reader runs the strict
 * `checkDer` and records the arrays it accepted (`checkDerRecorded`); `parseCertificate` with
 * `reuseDerCheck` skips its own walk for exactly those arrays, and for nothing else.
 *
 * The checker is wrapped (vi.mock) to count, per byte array, how often each entry point ran.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../../src/der-check.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/der-check.js')>();
  return { ...real, checkDer: vi.fn(real.checkDer), checkDerRecorded: vi.fn(real.checkDerRecorded) };
});

const derCheck = await import('../../src/der-check.js');
const { readJks } = await import('../../src/keystore/jks.js');
const { readJceks } = await import('../../src/keystore/jceks.js');
const { parseCertificate } = await import('../../src/x509/certificate.js');
const { certView } = await import('../../src/cli/cert-view.js');

const checkDer = vi.mocked(derCheck.checkDer);
const checkDerRecorded = vi.mocked(derCheck.checkDerRecorded);

/** How often the strict checker ran on these very bytes (the same memory, through any view), through either entry point. */
function checksOf(bytes: Uint8Array): number {
  const same = (b: Uint8Array) => b.buffer === bytes.buffer && b.byteOffset === bytes.byteOffset && b.byteLength === bytes.byteLength;
  return [...checkDer.mock.calls, ...checkDerRecorded.mock.calls].filter(([b]) => same(b)).length;
}

function fixture(name: string): Buffer {
  return readFileSync(join('fixtures', 'jks', name));
}

/** All certificates of a JKS fixture, as the reader hands them out. */
function certsOf(name: string, storePassword: string): Buffer[] {
  return readJks(fixture(name), { storePassword, keys: false }).entries.flatMap((e) =>
    e.kind === 'trusted-cert' ? [e.cert] : e.kind === 'private-key' ? e.chain : [],
  );
}

/** The first certificate with one length re-encoded in a non-minimal long form: DER forbids it, the TLV walker alone would not notice. */
function nonMinimalLength(cert: Buffer): Buffer {
  // The outer SEQUENCE is 30 82 hi lo; the TBSCertificate follows: 30 82 hi lo. Its serial sits
  // inside; the simplest defect the walker accepts is the version's [0] length 03 written as 81 03.
  const c = Buffer.from(cert);
  expect(c.subarray(0, 1)[0]).toBe(0x30);
  const tbs = 4; // after the outer 30 82 xx xx
  expect(c[tbs]).toBe(0x30);
  const version = tbs + 4; // after 30 82 xx xx
  expect([...c.subarray(version, version + 5)]).toEqual([0xa0, 0x03, 0x02, 0x01, 0x02]);
  // Insert one byte (81) before 03, and grow the two enclosing lengths by one.
  const out = Buffer.concat([c.subarray(0, version + 1), Buffer.from([0x81]), c.subarray(version + 1)]);
  out.writeUInt16BE(out.readUInt16BE(2) + 1, 2);
  out.writeUInt16BE(out.readUInt16BE(tbs + 2) + 1, tbs + 2);
  return out;
}

describe('certificates are DER-checked exactly once in a listing', () => {
  beforeEach(() => {
    checkDer.mockClear();
    checkDerRecorded.mockClear();
  });

  it('the JKS reader checks and records every certificate, trusted and in chains, once each', () => {
    const certs = certsOf('two-keys-and-trusted.jks', 'two-keys-pass');
    const chain = certsOf('rsa2048-chain2-storepass-ne-keypass.jks', 'chain-storepass');
    expect(certs).toHaveLength(3);
    expect(chain).toHaveLength(3);
    for (const c of [...certs, ...chain]) {
      expect(checksOf(c)).toBe(1);
      expect(derCheck.wasDerChecked(c)).toBe(true);
    }
  });

  it('the JCEKS reader records its certificates too', () => {
    const store = readJceks(readFileSync(join('fixtures', 'jceks', 'key-trusted-secret.jceks')), { storePassword: 'jceks-storepass', keys: false });
    const certs = store.entries.flatMap((e) => (e.kind === 'trusted-cert' ? [e.cert] : e.kind === 'private-key' ? e.chain : []));
    expect(certs).toHaveLength(2);
    for (const c of certs) {
      expect(checksOf(c)).toBe(1);
      expect(derCheck.wasDerChecked(c)).toBe(true);
      certView(c);
      expect(checksOf(c)).toBe(1);
    }
  });

  it('the listing view of a reader certificate does not walk it again: one check in all', () => {
    const certs = certsOf('rsa2048-chain2-storepass-ne-keypass.jks', 'chain-storepass');
    const views = certs.map((c, i) => certView(c, `certificate ${i + 1}`));
    expect(views.map((v) => v.subject)).toEqual([
      'CN=chain client, OU=fixtures, O=certkit fixtures, C=DE',
      'CN=certkit fixture intermediate CA, O=certkit fixtures',
      'CN=certkit fixture root CA, O=certkit fixtures',
    ]);
    expect(views[0]!.sha1).toBe('74:C3:77:ED:20:4E:03:6D:0C:D4:8F:57:5E:96:8A:86:86:4A:C8:D1');
    for (const c of certs) expect(checksOf(c)).toBe(1);
  });

  it('anything not recorded is checked by parseCertificate, whatever reuseDerCheck says', () => {
    const [cert] = certsOf('rsa2048-chain2-storepass-ne-keypass.jks', 'chain-storepass');
    // A copy (or another view of the same memory) is a different array: not recorded.
    const copy = Buffer.from(cert!);
    const view = new Uint8Array(cert!.buffer, cert!.byteOffset, cert!.byteLength);
    checkDer.mockClear();
    checkDerRecorded.mockClear();
    expect(derCheck.wasDerChecked(copy)).toBe(false);
    expect(derCheck.wasDerChecked(view)).toBe(false);
    checkDer.mockClear();
    const a = parseCertificate(copy, 'copy', { openssl: false, reuseDerCheck: true });
    const b = parseCertificate(view, 'view', { openssl: false, reuseDerCheck: true });
    expect(a.sha256).toBe(b.sha256);
    expect(checksOf(copy)).toBe(1);
    expect(checksOf(view)).toBe(1); // the same memory as the recorded array, but another array: checked
    expect(checksOf(cert!)).toBe(1);
    // Without the option even a recorded array is checked again (the default is unchanged).
    checkDer.mockClear();
    parseCertificate(cert!, 'again', { openssl: false });
    expect(checksOf(cert!)).toBe(1);
  });

  it('DER the strict checker refuses is still refused with reuseDerCheck, and is never recorded', () => {
    const [cert] = certsOf('rsa2048-chain2-storepass-ne-keypass.jks', 'chain-storepass');
    const bad = nonMinimalLength(cert!);
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as { code: string; message: string };
      }
      throw new Error('did not throw');
    };
    const withOption = err(() => parseCertificate(bad, 'certificate 1', { openssl: false, reuseDerCheck: true }));
    const without = err(() => parseCertificate(bad, 'certificate 1', { openssl: false }));
    expect(withOption.code).toBe('INVALID_INPUT');
    expect(withOption.message).toBe('certificate 1: non-minimal length at byte 9');
    expect(without.message).toBe(withOption.message);
    expect(() => derCheck.checkDerRecorded(bad, 'X.509 DER')).toThrow('X.509 DER: non-minimal length at byte 9');
    expect(derCheck.wasDerChecked(bad)).toBe(false);
  });
});
