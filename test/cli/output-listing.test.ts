/**
 * formatListing builds the listing as one string (issue 5): every entry kind, a chain of two, and
 * optional fields absent, byte for byte as the array-and-join version printed them.
 */
import { describe, expect, it } from 'vitest';

import { formatListing, type CertView, type EntryView } from '../../src/cli/output.js';

const leaf: CertView = {
  subject: 'CN=client',
  issuer: 'CN=ca',
  serial: '1a',
  notBefore: new Date('2026-11-23T10:00:00Z'),
  notAfter: new Date('2027-11-23T10:00:00Z'),
  sha1: 'AA:BB',
  sha256: 'CC:DD',
  signatureAlgorithm: 'SHA256withECDSA',
  keyAlgorithm: 'EC',
  publicKeyDescription: '256-bit EC (secp256r1) key',
  version: 3,
};
const root: CertView = { subject: 'CN=ca', issuer: 'CN=ca', serial: '7', notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2036-01-01T00:00:00Z'), sha1: '11:22', sha256: '33:44' };

describe('formatListing', () => {
  it('private key with a chain of two, a trusted certificate without optional fields, a secret key', () => {
    const entries: EntryView[] = [
      { alias: 'client', kind: 'private-key', created: new Date('2026-11-23T10:00:00Z'), keyAlgorithm: 'EC', chain: [leaf, root] },
      { alias: 'root', kind: 'trusted-cert', keyAlgorithm: null, chain: [root] },
      { alias: 'aes', kind: 'secret-key', created: new Date('2026-11-03T00:00:00Z'), keyAlgorithm: 'AES', chain: [] },
    ];
    expect(formatListing('pkcs12', entries)).toBe(
      "Keystore type: PKCS12\n\nYour keystore contains 3 entries\n\nAlias name: client\nCreation date: Nov 23, 2026\nEntry type: PrivateKeyEntry\nCertificate chain length: 2\nCertificate[1]:\nOwner: CN=client\nIssuer: CN=ca\nSerial number: 1a\nValid from: Mon Nov 23 10:00:00 UTC 2026 until: Tue Nov 23 10:00:00 UTC 2027\nCertificate fingerprints:\n\t SHA1: AA:BB\n\t SHA256: CC:DD\nSignature algorithm name: SHA256withECDSA\nSubject Public Key Algorithm: 256-bit EC (secp256r1) key\nVersion: 3\n\nCertificate[2]:\nOwner: CN=ca\nIssuer: CN=ca\nSerial number: 7\nValid from: Thu Jan 01 00:00:00 UTC 2026 until: Tue Jan 01 00:00:00 UTC 2036\nCertificate fingerprints:\n\t SHA1: 11:22\n\t SHA256: 33:44\n\n\n*******************************************\n*******************************************\n\n\nAlias name: root\nEntry type: trustedCertEntry\n\nOwner: CN=ca\nIssuer: CN=ca\nSerial number: 7\nValid from: Thu Jan 01 00:00:00 UTC 2026 until: Tue Jan 01 00:00:00 UTC 2036\nCertificate fingerprints:\n\t SHA1: 11:22\n\t SHA256: 33:44\n\n\n*******************************************\n*******************************************\n\n\nAlias name: aes\nCreation date: Nov 3, 2026\nEntry type: SecretKeyEntry\nKey algorithm: AES\n\n\n*******************************************\n*******************************************\n",
    );
  });
  it('shows aliases, names and a secret key\'s algorithm from the file escaped, each on its line', () => {
    const evil = (s: string) => `${s}\x1b]0;t\x07\n\u202e`;
    const shown = (s: string) => `${s}\\x1b]0;t\\x07\\n\\u202e`;
    const entries: EntryView[] = [
      { alias: evil('client'), kind: 'trusted-cert', keyAlgorithm: null, chain: [{ ...root, subject: evil('CN=s'), issuer: evil('CN=i') }] },
      { alias: 'aes', kind: 'secret-key', keyAlgorithm: evil('AES'), chain: [] },
    ];
    expect(formatListing('jceks', entries).split('\n').filter((l) => /^(Alias name|Owner|Issuer|Key algorithm):/.test(l))).toEqual([
      `Alias name: ${shown('client')}`,
      `Owner: ${shown('CN=s')}`,
      `Issuer: ${shown('CN=i')}`,
      'Alias name: aes',
      `Key algorithm: ${shown('AES')}`,
    ]);
  });
});
