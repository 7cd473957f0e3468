/**
 * Naming a file of the wrong kind by its kind: a keystore given where a private key belongs, a
 * certificate where a keystore belongs. When reading an input as one kind fails, its first bytes
 * are looked at once more, and if they are plainly another kind the error says so and which
 * command turns one into the other ("x.jks is a JKS keystore, not a private key: use certkit
 * keystore export"), instead of the parser's "length past the end".
 *
 * Loaded only on that failure path.
 */
import { CertkitError } from '../errors.js';
import { detectKeyStoreType } from '../keystore/detect.js';
import { quotePath } from '../quote.js';

/** What a command expected to read. */
export type ExpectedKind = 'keystore' | 'private key' | 'certificate';

/** What a file plainly is, judged by its first bytes (a PEM block's label, a keystore's magic). */
type FoundKind = 'keystore' | 'private key' | 'certificate' | 'csr';

const KEYSTORE_NAMES = { jks: 'a JKS keystore', jceks: 'a JCEKS keystore', pkcs12: 'a PKCS#12 keystore' } as const;

const PEM_LABELS: Readonly<Record<string, [FoundKind, string]>> = {
  CERTIFICATE: ['certificate', 'a PEM certificate'],
  'PRIVATE KEY': ['private key', 'a PEM private key'],
  'ENCRYPTED PRIVATE KEY': ['private key', 'a PEM private key'],
  'RSA PRIVATE KEY': ['private key', 'a PEM private key'],
  'EC PRIVATE KEY': ['private key', 'a PEM private key'],
  'CERTIFICATE REQUEST': ['csr', 'a PEM certificate request (CSR)'],
  'NEW CERTIFICATE REQUEST': ['csr', 'a PEM certificate request (CSR)'],
};

/** The kind and its name ("a JKS keystore"), or undefined when the bytes are not plainly one. */
function sniff(bytes: Uint8Array): [FoundKind, string] | undefined {
  try {
    return ['keystore', KEYSTORE_NAMES[detectKeyStoreType(bytes)]];
  } catch {
    // not a keystore: a PEM block, maybe
  }
  const head = Buffer.from(bytes.subarray(0, 4096)).toString('latin1');
  const label = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(head)?.[1];
  return label === undefined ? undefined : PEM_LABELS[label];
}

/** What to do instead, for each wrong kind given where another was expected. */
const ADVICE: Readonly<Record<ExpectedKind, Partial<Record<FoundKind, string>>>> = {
  keystore: {
    certificate: 'use certkit keystore create (with its key) or certkit truststore create',
    'private key': 'use certkit keystore create (with its certificate)',
    csr: 'have it signed first (certkit pca issue, certkit sign)',
  },
  'private key': {
    keystore: 'use certkit keystore export --key-out to take the key out of it',
    certificate: 'give the private key file (private_key.pem)',
    csr: 'give the private key file the request was made with',
  },
  certificate: {
    keystore: 'use certkit keystore export --cert-out to take the chain out of it',
    'private key': 'give the certificate file (client_cert.pem)',
    csr: 'have it signed first (certkit pca issue, certkit sign)',
  },
};

/**
 * The error to report instead of `e` when `bytes` (read from `path`, where `expected` belongs)
 * are plainly another kind; `e` itself otherwise.
 */
export function wrongKindError(e: CertkitError, path: string, bytes: Uint8Array, expected: ExpectedKind): CertkitError {
  const found = sniff(bytes);
  const advice = found === undefined ? undefined : ADVICE[expected][found[0]];
  if (found === undefined || advice === undefined) return e;
  return new CertkitError('INVALID_INPUT', `${quotePath(path)} is ${found[1]}, not ${expected === 'keystore' ? 'a keystore' : `a ${expected}`}: ${advice}`, {
    cause: e,
  });
}
