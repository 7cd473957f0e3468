/**
 * The resume state of `certkit client` (`<out>/.certkit-state.json`, 0600): the key and CSR of an
 * issuance not yet completed, saved before the CSR leaves the machine, so that a rerun signs the
 * same CSR instead of minting a second certificate.
 *
 * A rerun signs whatever CSR this file holds with the user's CA, so it is trusted only when it is
 * what an earlier run of this same command left:
 * - a regular file (not a symbolic link: opened with O_NOFOLLOW), owned by the effective user,
 *   mode exactly 0600, no larger than OWN_FILE_LIMITS.maxResumeStateBytes; checked on the opened
 *   descriptor, so the file judged is the file read;
 * - its CSR's signature verifies, its public key is the stored private key's, and its subject and
 *   attributes (subject alternative names) are exactly what this command would build.
 * Anything else is refused (INVALID_INPUT, exit 3, naming the file): someone who can write the
 * output directory must not get the user's CA to sign their key or their subject. A state that
 * does not parse, or was made for another subject, key type or CA, is not an attack on this run:
 * it is ignored and replaced (a fresh key is made), as before.
 */
import { errnoOf, CertkitError } from './errors.js';
import { describeKey, importPrivateKey, spkiDer, type KeyObject, type KeySpec } from './keys.js';
import { OWN_FILE_LIMITS } from './limits.js';
import { decodePem } from './pem.js';
import { limitExceeded, readFileLimited } from './read-limited.js';
import { fileKind } from './file-kind.js';
import { nameDer } from './x509/cert-builder.js';
import { parseCsr } from './x509/csr-parse.js';

/** The resume state in `--out` (0600): the key and CSR of an issuance not yet completed. */
export const STATE_FILE = '.certkit-state.json';

/** The only mode a resume state is trusted with (what certkit writes it with). */
export const STATE_MODE = 0o600;

export interface ResumeState {
  readonly version: 1;
  readonly dname: string;
  readonly keyType: string;
  /** The CA asked (its ARN, or the local CA directory): a state made for another CA is not resumed. */
  readonly ca?: string;
  readonly key: string;
  readonly csr: string;
  /** The issuer that was asked and the certificate ARN it answered with, once known. */
  readonly issuer?: string;
  readonly certificateArn?: string;
  /**
   * Recorded before the request that mints a certificate is sent, by an issuer that deduplicates
   * (ACM PCA): when it was first sent with this token, and for how long a repeat is answered with
   * the same certificate. With no `certificateArn` beside it, a certificate may exist that this
   * state does not name.
   */
  readonly issueSent?: { readonly at: string; readonly idempotencyToken: string; readonly windowSeconds: number };
}

/** The resume state's file content. */
export const stateBytes = (state: ResumeState): Buffer => Buffer.from(JSON.stringify(state) + '\n');

export interface LoadedState {
  readonly key: KeyObject;
  readonly csrDer: Buffer;
  readonly state: ResumeState;
}

/** What the command asks for: a state is resumed only for exactly this. */
export interface ResumeWanted {
  readonly dname: string;
  readonly keyType: KeySpec;
  readonly ca: string | undefined;
}

const KEY_DESCRIPTION: Readonly<Record<KeySpec, string>> = {
  rsa2048: 'RSA 2048',
  rsa3072: 'RSA 3072',
  rsa4096: 'RSA 4096',
  ec256: 'EC P-256',
  ec384: 'EC P-384',
};

function untrusted(shown: string, why: string): CertkitError {
  return new CertkitError('INVALID_INPUT', `not resuming from this file: ${why}`, {
    file: shown,
    hint: 'remove it if you did not leave it there; a run without it starts afresh',
  });
}

/**
 * The resume state at `path` (`shown` in messages), or undefined when there is none or it is not
 * for this command (see the module comment). `uid` is the effective user id it must belong to
 * (undefined where the platform has none). Throws INVALID_INPUT for a state that is not to be
 * trusted, LIMIT_EXCEEDED for one too large, READ_FAILED for one that cannot be read.
 */
export async function readResumeState(path: string, shown: string, wanted: ResumeWanted, uid: number | undefined): Promise<LoadedState | undefined> {
  const max = OWN_FILE_LIMITS.maxResumeStateBytes;
  let bytes: Buffer;
  try {
    bytes = await readFileLimited(
      path,
      max,
      limitExceeded('resume state', shown, max),
      {
        noFollow: true,
        check: (st) => {
          if (!st.isFile()) throw untrusted(shown, `it is ${fileKind(st)}, not a regular file`);
          if (uid !== undefined && st.uid !== uid) throw untrusted(shown, `it is owned by uid ${st.uid}, not by this user (uid ${uid})`);
          const mode = st.mode & 0o7777;
          if (mode !== STATE_MODE) throw untrusted(shown, `its mode is ${mode.toString(8).padStart(4, '0')}, not 0600`);
        },
      },
    );
  } catch (e) {
    if (e instanceof CertkitError) throw e;
    const code = errnoOf(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'ELOOP') throw untrusted(shown, 'it is a symbolic link');
    throw new CertkitError('READ_FAILED', `cannot read the resume state (${code ?? 'error'})`, { file: shown, cause: e });
  }

  let state: ResumeState;
  let key: KeyObject;
  let csrDer: Buffer;
  try {
    state = JSON.parse(bytes.toString('utf8')) as ResumeState;
    if (state.version !== 1 || state.dname !== wanted.dname || state.keyType !== wanted.keyType || state.ca !== wanted.ca) return undefined;
    key = importPrivateKey(state.key);
    csrDer = decodePem(state.csr, { label: 'CERTIFICATE REQUEST' }).der;
  } catch {
    return undefined; // a damaged state is ignored: a fresh key is made
  }
  checkStateCsr(csrDer, key, wanted, shown);
  return { key, csrDer, state };
}

/** Refuses a state whose CSR is not exactly the one this command would have made with its key. */
function checkStateCsr(csrDer: Buffer, key: KeyObject, wanted: ResumeWanted, shown: string): void {
  let csr;
  try {
    csr = parseCsr(csrDer);
  } catch (e) {
    throw untrusted(shown, `its CSR does not parse (${e instanceof CertkitError ? e.message : 'invalid'})`);
  }
  if (!csr.signatureValid) throw untrusted(shown, 'its CSR signature does not verify');
  if (!csr.spki.equals(spkiDer(key))) throw untrusted(shown, 'its CSR is for another key than the one it holds');
  let described: string | undefined;
  try {
    described = describeKey(key);
  } catch {
    described = undefined; // a key type certkit does not make
  }
  if (described !== KEY_DESCRIPTION[wanted.keyType]) throw untrusted(shown, `its key is not an ${wanted.keyType} key`);
  if (!csr.subjectDer.equals(nameDer(wanted.dname))) throw untrusted(shown, 'its CSR asks for another subject than --dname');
  if (csr.subjectAltNames.length > 0) throw untrusted(shown, 'its CSR asks for subject alternative names, which this command does not');
  if (csr.attributes.length > 0) throw untrusted(shown, 'its CSR carries attributes this command does not add');
}
