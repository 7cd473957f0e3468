/**
 * keytool is the judge of the -dname syntax: each dname below goes through
 * `keytool -genkeypair -dname`, and the self-signed certificate's subject bytes must equal
 * certkit's `encodeName(parseDname(dname))`; keytool's printed Owner must equal certkit's
 * `formatDname`, and its serial and fingerprints must equal `parseCertificate`'s.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodePemAll } from '../../src/pem.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { decodeName, encodeName, formatDname, parseDname } from '../../src/x509/dn.js';
import { haveTools, tool } from '../support/tools.js';
import { tempDir } from '../support/tmp.js';

const DNAMES = [
  'CN=glue-client, OU=x, O=y, L=z, ST=s, C=US',
  'CN=a\\, b+UID=u1, O="Quoted, Inc", C=DE',
  'CN=Ünïcødé 名前, EMAILADDRESS=a@b.c, DC=example, STREET=1 Main, SERIALNUMBER=123, T=Boss',
  'CN=  spaced  ;O=a\\+b\\=c\\<\\>\\#\\;\\"',
  'CN=\\#hash, O=x\\\\y, OU=\\41bc\\C3\\A9, L="  two  spaces", ST=trail\\ ',
  'cn=x+OU=y+o=z, s=State, EMAIL=x@y.z, OID.2.5.4.12=Mr, 1.2.3.4=#0c0161',
];

interface KeytoolEntry {
  owner: string;
  serial: string;
  sha1: string;
  sha256: string;
  der: Buffer;
}

describe.skipIf(!haveTools('keytool'))('distinguished names and certificates vs keytool', () => {
  const dir = tempDir();
  const ks = join(dir, 'dn.p12');
  const entries: KeytoolEntry[] = [];
  const keytool = (args: string[]) =>
    execFileSync(tool('keytool') ?? 'keytool', args, {
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: 'C.UTF-8', JAVA_TOOL_OPTIONS: '-Dfile.encoding=UTF-8 -Dsun.stdout.encoding=UTF-8' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  beforeAll(() => {
    DNAMES.forEach((dname, i) => {
      keytool(['-genkeypair', '-keystore', ks, '-storepass', 'changeit', '-alias', `a${i}`, '-keyalg', 'EC', '-groupname', 'secp256r1', '-validity', '2', '-dname', dname]);
    });
    const verbose = keytool(['-list', '-v', '-keystore', ks, '-storepass', 'changeit']);
    const rfc = keytool(['-list', '-rfc', '-keystore', ks, '-storepass', 'changeit']);
    const rfcBlocks = rfc.split(/^Alias name: /m).slice(1);
    const byAlias = new Map(rfcBlocks.map((b) => [b.split('\n')[0]!.trim(), decodePemAll(b)[0]!.der]));
    for (const block of verbose.split(/^Alias name: /m).slice(1)) {
      const alias = block.split('\n')[0]!.trim();
      const field = (name: string) => new RegExp(`^\\s*${name}: (.*)$`, 'm').exec(block)![1]!.trim();
      entries[Number(alias.slice(1))] = {
        owner: field('Owner'),
        serial: field('Serial number'),
        sha1: field('SHA1'),
        sha256: field('SHA256'),
        der: byAlias.get(alias)!,
      };
    }
  });

  it('encodes each dname to the exact subject bytes keytool wrote', () => {
    DNAMES.forEach((dname, i) => {
      const cert = parseCertificate(entries[i]!.der);
      expect(encodeName(parseDname(dname)).toString('hex'), dname).toBe(cert.subjectDer.toString('hex'));
    });
  });

  it('prints each subject as keytool prints Owner', () => {
    expect(entries.map((e) => e.owner)).toEqual([
      'CN=glue-client, OU=x, O=y, L=z, ST=s, C=US',
      'CN="a, b" + UID=u1, O="Quoted, Inc", C=DE',
      'CN=Ünïcødé 名前, EMAILADDRESS=a@b.c, DC=example, STREET=1 Main, SERIALNUMBER=123, T=Boss',
      'CN=spaced, O="a+b=c<>#;\\""',
      'CN="#hash", O="x\\\\y", OU=Abcé, L="two  spaces", ST="trail "',
      'CN=x + O=z + OU=y, ST=State, EMAILADDRESS=x@y.z, T=Mr, OID.1.2.3.4=a',
    ]);
    entries.forEach((e) => {
      const cert = parseCertificate(e.der);
      expect(cert.subjectText).toBe(e.owner);
      expect(cert.issuerText).toBe(e.owner);
      expect(formatDname(decodeName(cert.subjectDer))).toBe(e.owner);
    });
  });

  it('reports serial and fingerprints exactly as keytool prints them', () => {
    entries.forEach((e) => {
      const cert = parseCertificate(e.der);
      expect([cert.serial, cert.sha1, cert.sha256]).toEqual([e.serial, e.sha1, e.sha256]);
      expect(cert.keyAlgorithm).toBe('EC');
      expect(cert.curve).toBe('P-256');
      expect(cert.signatureAlgorithm).toBe('SHA256withECDSA');
      expect(cert.notAfter.getTime() - cert.notBefore.getTime()).toBe(2 * 86400_000);
    });
  });
});
