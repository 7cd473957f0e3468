/**
 * The read paths the sweeps and the fuzzer drive, each with its valid sample and how to read it.
 * `reseal` targets recompute the JKS digest or PKCS#12 MAC after the mutation, so mutants reach
 * the parsers behind the integrity check (a real attacker who knows the password can do the same).
 */
import { importPrivateKey } from '../../src/keys.js';
import { readJceks } from '../../src/keystore/jceks.js';
import { readJks } from '../../src/keystore/jks.js';
import { readPkcs12 } from '../../src/keystore/pkcs12-read.js';
import { readPemOrDer } from '../../src/pem.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { parseCsr } from '../../src/x509/csr-parse.js';
import {
  EC_CERT,
  EC_CSR,
  EC_PKCS8,
  EC_PKCS8_ENC,
  EC_PKCS8_ENC_PASS,
  EC_SEC1,
  KEY_PASS,
  RSA512_PKCS1,
  SAMPLE_ENTRIES,
  STORE_PASS,
  authSafeOf,
  pfxWithAuthSafe,
  jksSample,
  p12Sample,
} from './samples.js';
import { derLengthOffsets, fixture, javaLengthOffsets, reseal } from './support.js';

export interface BinaryTarget {
  readonly name: string;
  readonly sample: Buffer;
  /** Reads bytes; throws on bad input. */
  readonly read: (b: Buffer) => unknown;
  /** Offsets of every length octet in `sample` (DER or JKS/JCEKS fields). */
  readonly lengthOffsets: () => number[];
}

const JCEKS = fixture('jceks/key-trusted-secret.jceks');
const JCEKS_PASS = 'jceks-storepass';

let cache: BinaryTarget[] | undefined;

/** Every binary read path, with a small valid sample each. */
export function binaryTargets(): BinaryTarget[] {
  if (cache !== undefined) return cache;
  const jks = jksSample();
  const p12 = p12Sample('modern');
  const p12legacy = p12Sample('legacy');
  const readP12 = (b: Buffer) => readPkcs12(b, { storePassword: STORE_PASS });
  // The AuthenticatedSafe target holds the key entry alone (the RSA root CA would triple each read).
  const p12key = p12Sample('modern', SAMPLE_ENTRIES.slice(0, 1));
  const withAuthSafe = pfxWithAuthSafe(p12key, STORE_PASS);
  const der = (name: string, sample: Buffer, read: (b: Buffer) => unknown): BinaryTarget => ({
    name,
    sample,
    read,
    lengthOffsets: () => derLengthOffsets(sample),
  });
  cache = [
    der('certificate', EC_CERT, (b) => parseCertificate(b)),
    der('CSR', EC_CSR, (b) => parseCsr(b)),
    der('PKCS#8', EC_PKCS8, (b) => importPrivateKey(b)),
    der('encrypted PKCS#8', EC_PKCS8_ENC, (b) => importPrivateKey(b, { passphrase: EC_PKCS8_ENC_PASS })),
    der('PKCS#1', RSA512_PKCS1, (b) => importPrivateKey(b)),
    der('SEC1', EC_SEC1, (b) => importPrivateKey(b)),
    der('PEM or DER certificate', EC_CERT, (b) => parseCertificate(readPemOrDer(b, 'CERTIFICATE').der)),
    {
      name: 'JKS',
      sample: jks,
      read: (b) => readJks(b, { storePassword: STORE_PASS, keyPassword: KEY_PASS }),
      lengthOffsets: () => javaLengthOffsets(jks),
    },
    {
      name: 'JKS (digest recomputed)',
      sample: jks,
      read: (b) => readJks(b.length >= 20 ? reseal(b, STORE_PASS) : b, { storePassword: STORE_PASS, keyPassword: KEY_PASS }),
      lengthOffsets: () => javaLengthOffsets(jks),
    },
    {
      name: 'JCEKS (digest recomputed, keys not read)',
      sample: JCEKS,
      read: (b) => readJceks(b.length >= 20 ? reseal(b, JCEKS_PASS) : b, { storePassword: JCEKS_PASS, keys: false }),
      lengthOffsets: () => javaLengthOffsets(JCEKS),
    },
    der('PKCS#12', p12, readP12),
    der('PKCS#12 legacy', p12legacy, readP12),
    {
      // The AuthenticatedSafe is mutated and the MAC recomputed: the safes, bags and attributes are reached.
      name: 'PKCS#12 AuthenticatedSafe (MAC recomputed)',
      sample: authSafeOf(p12key),
      read: (a) => readP12(withAuthSafe(a)),
      lengthOffsets: () => derLengthOffsets(authSafeOf(p12key)),
    },
  ];
  return cache;
}
