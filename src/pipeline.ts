/**
 * The `certkit client` pipeline as a library function:
 *
 *     key ──► CSR ──► issuer ──► check (key match, chain) ──► artifacts (in memory)
 *         ──► directory (atomic, 0600) · S3 · Secrets Manager (at the same time) ──► certkit.json
 *
 * Everything with an effect is injected (`ClientPipelineDeps`): the issuer, the clock, the random
 * source, the S3 and Secrets Manager sinks, the progress callback. Order matters:
 * - key generation starts first, so it runs on the thread pool while the issuer (and with it the
 *   AWS SDK) loads;
 * - every output target is checked BEFORE issuing: if one exists without `force`, the run stops
 *   with EXISTS and no certificate is minted for nothing;
 * - while the certificate request is in flight, the keystores' password-derived keys are made
 *   (off the main thread where node:crypto allows), so after the answer only encryption is left;
 * - if issuance (or the checks on what came back) fails, no artifact is written. Only the resume
 *   state (key + CSR, 0600, see `STATE_FILE`) is kept so a rerun signs the same CSR, which ACM
 *   PCA's CSR-derived idempotency token turns into the same certificate instead of a second one.
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { isAbsolute, join, resolve } from 'node:path';

import {
  ARTIFACT_FILES,
  ARTIFACT_FORMATS,
  buildArtifacts,
  prepareArtifacts,
  type Artifact,
  type ArtifactFormat,
  type PreparedArtifacts,
} from './artifacts.js';
import { CertkitError, errnoOf, isCertkitError } from './errors.js';
import type { IssuedCertificate, Issuer } from './issuers/issuer.js';
import { parseValidity, type Validity } from './issuers/validity.js';
import { exportPkcs8Pem, generateKeyPair, type KeyObject, type KeySpec, type SignatureAlgorithm } from './keys.js';
import { encodePem } from './pem.js';
import { buildRecord, RECORD_FILE, serializeRecord, type CertkitRecord } from './record.js';
import { createExternalSchemaSql, redshiftSecret, redshiftSecretJson } from './redshift.js';
import { readResumeState, STATE_FILE, stateBytes, type ResumeState } from './resume-state.js';
import {
  checkArtifacts,
  makeOutputDirectory,
  nodeFsOps,
  refuseSharedDirectory,
  removeStaleTempFiles,
  stageFile,
  writeArtifacts,
  writeFileAtomic,
  type FsOps,
  type StagedFile,
} from './sinks/directory.js';
import { lockDirectory, LOCK_FILE, type DirectoryLock } from './sinks/directory-lock.js';
import { buildCsr } from './x509/csr.js';
import { checkIssuedChain } from './verify.js';

/** Files `--s3` uploads by default: what a Glue Kafka connection and job need. */
export const DEFAULT_S3_FORMATS: readonly ArtifactFormat[] = ['jks', 'cert', 'key'];

export { STATE_FILE };

/** The pipeline's steps, in order, as the progress callback names them. */
export type PipelineStep = 'key' | 'csr' | 'issue' | 'check' | 'write' | 's3' | 'secret' | 'record';

export interface S3Destination {
  /** `s3://bucket/prefix/` */
  readonly uri: string;
  /** Which artifacts to upload (default DEFAULT_S3_FORMATS). */
  readonly include?: readonly ArtifactFormat[];
}

export interface ClientPipelineOptions {
  /** The subject, keytool `-dname` syntax (`CN=glue-client,O=Example`). */
  readonly dname: string;
  readonly keyType: KeySpec;
  /** `300d`, `12m`, `1y` or an end date; parsed against the injected clock. */
  readonly validity: string | Validity;
  /** The keystore entry's alias. */
  readonly alias: string;
  readonly signingAlgorithm?: SignatureAlgorithm;
  readonly templateArn?: string;
  /** The output directory (relative to `deps.cwd`). */
  readonly outDir: string;
  /** Replace existing files in `outDir`. */
  readonly force?: boolean;
  /** Which artifacts to write locally (default all). */
  readonly formats?: readonly ArtifactFormat[];
  /** Keystore password; generated (and reported once) when absent. */
  readonly storePassword?: string;
  /** JKS key password; the store password when only that is given, generated when neither is. */
  readonly keyPassword?: string;
  readonly s3?: S3Destination;
  /** Secrets Manager secret to create or update in the Redshift format. */
  readonly secretName?: string;
  /** MSK bootstrap brokers for the printed SQL statement. */
  readonly mskUri?: string;
}

/** Uploads artifacts under an `s3://bucket/prefix/`; resolves with each object's URI, in order. */
export type S3Uploader = (artifacts: readonly Artifact[], uri: string) => Promise<string[]>;
/** Creates or updates a secret with `secretString`; resolves with its ARN. */
export type SecretWriter = (name: string, secretString: string) => Promise<string>;

/** What the pipeline hands the issuer factory: where to report a certificate ARN as soon as it is known. */
export interface IssuerHooks {
  /** Saves the ARN in the resume state as the wait begins, so an interrupted run can fetch it later. */
  readonly onCertificateArn: (certificateArn: string) => Promise<void>;
}

/** An issuer that may also fetch a certificate it already issued (ACM PCA's `fetchIssued`). */
export type ResumableIssuer = Issuer & {
  fetchIssued?: (certificateArn: string, csrDer?: Uint8Array) => Promise<IssuedCertificate>;
};

export interface ClientPipelineDeps {
  /**
   * The issuer, resolved lazily so loading it (the AWS SDK) overlaps key generation.
   * `describe` fields go into certkit.json.
   */
  readonly issuer: (hooks: IssuerHooks) => Promise<ResumableIssuer>;
  /** The ACM PCA CA ARN, for the record. */
  readonly caArn?: string;
  /** The local CA directory, for the record. */
  readonly caDir?: string;
  readonly uploadS3?: S3Uploader;
  /**
   * Checks the remote targets before anything is issued (an S3 object or the secret exists
   * without `force` -> EXISTS), so a certificate is never minted for a run that would stop later.
   */
  readonly preflight?: (plan: { readonly s3Names: readonly string[] }) => Promise<void>;
  readonly putSecret?: SecretWriter;
  /** Clock (default `new Date()`). */
  readonly now?: () => Date;
  /** Random source for generated passwords and keystore salts (default crypto.randomBytes). */
  readonly randomBytes?: (n: number) => Buffer;
  /** Key generation (default `generateKeyPair`); tests inject a fixed key. */
  readonly generateKey?: (spec: KeySpec) => Promise<KeyObject>;
  /** Called as each step starts. */
  readonly progress?: (step: PipelineStep, text: string) => void;
  /** Called with a line the user must see on stderr even when progress is not shown (a warning). */
  readonly warn?: (line: string) => void;
  /**
   * Called once the certificate request is sent, while its answer is awaited (ACM PCA takes
   * 0.1 s or more): a chance to load what the later steps need (the S3 and Secrets Manager
   * SDKs) during the wait instead of after it.
   */
  readonly whileIssuing?: () => void;
  /** Directory relative paths resolve against (default process.cwd()). */
  readonly cwd?: string;
  /** The file system the outputs and the resume state are written through (default node:fs/promises). */
  readonly fs?: FsOps;
  /**
   * The effective user id a resume state must be owned by to be resumed, and stale temporary
   * files to be removed (default process.geteuid()).
   */
  readonly uid?: number;
}

export interface ClientPipelineResult {
  /** The output directory, absolute. */
  readonly outDir: string;
  /** Paths written in `outDir` (as `join(options.outDir, name)`), record last. */
  readonly files: readonly string[];
  readonly record: CertkitRecord;
  readonly storePassword: string;
  readonly keyPassword: string;
  /** Which passwords certkit generated (the summary shows each of those, once). */
  readonly generated: { readonly storePassword: boolean; readonly keyPassword: boolean };
  /** S3 URIs uploaded, in order. */
  readonly s3Uris: readonly string[];
  /** The keystore's S3 URI (what Glue's "TLS client authentication" asks for). */
  readonly keystoreS3Uri?: string;
  readonly secretArn?: string;
  /** The Redshift `CREATE EXTERNAL SCHEMA` statement, when a secret was written. */
  readonly sql?: string;
  /** True when the key and CSR came from the resume state of an earlier, unfinished run. */
  readonly resumed: boolean;
}

const PASSWORD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A random password: 24 characters from [A-Za-z0-9] (about 143 bits), chosen by rejection
 * sampling so every character is equally likely. Safe in shells, URLs and .properties files.
 */
export function generatePassword(randomBytes: (n: number) => Buffer = nodeRandomBytes, length = 24): string {
  const limit = 256 - (256 % PASSWORD_ALPHABET.length);
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < limit && out.length < length) out += PASSWORD_ALPHABET[b % PASSWORD_ALPHABET.length];
    }
  }
  return out;
}

/**
 * What to tell the user before asking again for a certificate whose first request may have been
 * answered (it was sent; the answer was never saved) once the issuer no longer recognises it as a
 * repeat: a second certificate is about to be minted, and how to find the first.
 */
function mayExistWarning(earlier: NonNullable<ResumeState['issueSent']>, t: Date, caArn: string | undefined): string[] {
  const ca = caArn ?? 'CA_ARN';
  const minutes = Math.floor((t.getTime() - Date.parse(earlier.at)) / 60_000);
  const window = earlier.windowSeconds % 60 === 0 ? `${earlier.windowSeconds / 60} minutes` : `${earlier.windowSeconds} seconds`;
  return [
    `certkit: warning: a certificate may already exist for this key: a run sent its request at ${earlier.at} (idempotency token ${earlier.idempotencyToken}) and stopped before it saved the answer`,
    `certkit: warning: that was ${minutes} minutes ago, past the ${window} in which the CA answers a repeat with the same certificate, so this run asks for a new one`,
    `certkit: warning: to find the earlier one, list what the CA issued with: aws acm-pca create-certificate-authority-audit-report --certificate-authority-arn ${ca} --s3-bucket-name BUCKET --audit-report-response-format JSON; ` +
      `with its ARN, certkit pca fetch --ca-arn ${ca} --certificate-arn ARN --out client_cert.pem gets it, and aws acm-pca revoke-certificate revokes it`,
  ];
}

/** `e` with `then` appended to its hint (or as its hint). */
function withHint(e: CertkitError, then: string): CertkitError {
  return e.withHint(e.hint === undefined ? then : `${e.hint}; then ${then}`);
}

/**
 * Runs the whole `certkit client` pipeline. Throws CertkitError: EXISTS (an output exists and
 * `force` is not set; nothing issued), AWS, VERIFY_FAILED (the issuer's answer does not fit the
 * key or does not chain), WRITE_FAILED.
 */
export async function runClientPipeline(options: ClientPipelineOptions, deps: ClientPipelineDeps): Promise<ClientPipelineResult> {
  const cwd = deps.cwd ?? process.cwd();
  const fs = deps.fs ?? nodeFsOps;
  // 0. The output directory: refused if others can write it (they could replace what is written
  // there, or plant a resume state), made (0700) if missing, and locked for the whole run, so two
  // runs on it cannot mix their sets. Then what a killed run left of our temporary files goes.
  // Directories this run made are removed again if it ends with nothing in them.
  await refuseSharedDirectory(options.outDir, { cwd, fs });
  const undoDirectory = await makeOutputDirectory(options.outDir, { cwd, fs });
  let lock: DirectoryLock;
  try {
    lock = await lockDirectory(options.outDir, { cwd, fs, ...(deps.now === undefined ? {} : { now: deps.now }) });
  } catch (e) {
    await undoDirectory();
    throw e;
  }
  try {
    await removeStaleTempFiles(options.outDir, OWN_FILES, { cwd, fs, uid: deps.uid ?? process.geteuid?.() });
    return await runInLockedDirectory(options, deps);
  } finally {
    await lock.release();
    await undoDirectory();
  }
}

/** Every name `certkit client` writes in `--out`, whose stale temporary files a run removes. */
const OWN_FILES: readonly string[] = [...Object.values(ARTIFACT_FILES), RECORD_FILE, STATE_FILE, LOCK_FILE];

/** `runClientPipeline` once the output directory is there and locked. */
async function runInLockedDirectory(options: ClientPipelineOptions, deps: ClientPipelineDeps): Promise<ClientPipelineResult> {
  const now = deps.now ?? (() => new Date());
  const rnd = deps.randomBytes ?? nodeRandomBytes;
  const progress = deps.progress ?? (() => undefined);
  const cwd = deps.cwd ?? process.cwd();
  const outAbs = isAbsolute(options.outDir) ? options.outDir : resolve(cwd, options.outDir);
  const statePath = join(outAbs, STATE_FILE);
  const force = options.force ?? false;
  const fs = deps.fs ?? nodeFsOps;

  // 1. Key generation starts before anything heavy loads (it runs on the thread pool), with the
  // key of the resume state if there is one to be trusted.
  const caId = deps.caArn ?? deps.caDir;
  const resumedState = await readResumeState(
    statePath,
    join(options.outDir, STATE_FILE),
    { dname: options.dname, keyType: options.keyType, ca: caId },
    deps.uid ?? process.geteuid?.(),
  );
  progress('key', resumedState === undefined ? `generating a ${options.keyType} key` : 'resuming with the key of an unfinished run');
  const keyPromise: Promise<KeyObject> =
    resumedState !== undefined
      ? Promise.resolve(resumedState.key)
      : (deps.generateKey ?? (async (spec: KeySpec) => (await generateKeyPair(spec)).privateKey))(options.keyType);
  keyPromise.catch(() => undefined); // observed below; avoid an unhandled rejection while we check

  const validity = typeof options.validity === 'string' ? parseValidity(options.validity, now()) : options.validity;
  const formats = options.formats ?? ARTIFACT_FORMATS;
  const s3Formats = options.s3 === undefined ? [] : (options.s3.include ?? DEFAULT_S3_FORMATS);
  if (options.s3 !== undefined && deps.uploadS3 === undefined) throw new CertkitError('INTERNAL', 'no S3 uploader given');
  if (options.secretName !== undefined && deps.putSecret === undefined) throw new CertkitError('INTERNAL', 'no Secrets Manager writer given');

  // 2. Refuse early: every local target is checked before a certificate is requested, and every
  // remote one (the preflight) before anything is written or issued.
  const localNames = [...formats.map((f) => ARTIFACT_FILES[f]), RECORD_FILE];
  await checkArtifacts(options.outDir, localNames.map((name) => ({ name, data: Buffer.alloc(0), sensitive: true })), { force, cwd, fs });
  const preflighting = deps.preflight === undefined ? Promise.resolve() : deps.preflight({ s3Names: s3Formats.map((f) => ARTIFACT_FILES[f]) });
  preflighting.catch(() => undefined); // awaited below, first

  // 3. Passwords: given, or generated (reported once by the caller). The key password defaults
  // to a given store password, else it is generated too.
  const generated = {
    storePassword: options.storePassword === undefined,
    keyPassword: options.keyPassword === undefined && options.storePassword === undefined,
  };
  const storePassword = options.storePassword ?? generatePassword(rnd);
  const keyPassword = options.keyPassword ?? options.storePassword ?? generatePassword(rnd);

  // The CSR and the resume state's text are made as soon as the key is there, while the
  // preflight's requests are in flight: once it passes, only writing and asking are left.
  const request = keyPromise.then((key) => {
    progress('csr', `building the CSR for ${options.dname}`);
    const csrDer = resumedState?.csrDer ?? buildCsr({ subject: options.dname, key });
    // Keep what a rerun needs to resume without minting a second certificate (0600: it holds the key).
    const initial: ResumeState = resumedState?.state ?? {
      version: 1,
      dname: options.dname,
      keyType: options.keyType,
      ...(caId === undefined ? {} : { ca: caId }),
      key: exportPkcs8Pem(key),
      csr: encodePem('CERTIFICATE REQUEST', csrDer),
    };
    return { key, csrDer, initial };
  });
  request.catch(() => undefined);

  // The resume state is staged (the file written and synced under a temporary name) while the
  // preflight's requests are in flight, and put in place once the preflight and the issuer are
  // through; the issuer waits for that (`beforeIssue`) before the request that mints a
  // certificate. A run the preflight or the issuer stops leaves neither the file nor (see
  // runClientPipeline) a directory it made.
  const staging: Promise<StagedFile | undefined> =
    resumedState !== undefined
      ? Promise.resolve(undefined)
      : request.then(({ initial }) => stageFile(join(options.outDir, STATE_FILE), stateBytes(initial), { mode: 0o600, force: true, cwd, fs }));
  staging.catch(() => undefined); // awaited below, on every path

  // The issuer is made once the preflight has passed (the local CA is written on first use), at
  // the same time as the key; a failing issuer (bad CA, unreadable local CA) stops the run
  // before the resume state is in place. A failed preflight is the error whatever else failed.
  let onArn: (arn: string) => Promise<void> = async () => undefined;
  const issuerPromise = preflighting.then(() => deps.issuer({ onCertificateArn: (arn) => onArn(arn) }));
  issuerPromise.catch(() => undefined);
  let key: KeyObject, csrDer: Buffer, initial: ResumeState, issuer: ResumableIssuer;
  try {
    await preflighting;
    [{ key, csrDer, initial }, issuer] = await Promise.all([request, issuerPromise]);
  } catch (e) {
    await (await staging.catch(() => undefined))?.discard();
    throw e;
  }
  let state: ResumeState = initial;
  const saveState = async (): Promise<void> => {
    await writeFileAtomic(join(options.outDir, STATE_FILE), stateBytes(state), { mode: 0o600, force: true, cwd, fs });
  };
  const saving: Promise<void> = staging.then((staged) => staged?.publish());
  saving.catch(() => undefined); // awaited below, on every path

  onArn = async (arn) => {
    await saving;
    state = { ...state, issuer: issuer.name, certificateArn: arn };
    await saveState();
  };

  // What the keystores derive from the passwords alone (PBKDF2 keys, the PKCS#12 MAC key) is
  // derived while the certificate request is in flight, not after the answer.
  const buildFormats = ARTIFACT_FORMATS.filter((f) => formats.includes(f) || s3Formats.includes(f));
  const artifactOptions = {
    alias: options.alias,
    storePassword,
    keyPassword,
    formats: buildFormats,
    keystoreLocation: join(outAbs, ARTIFACT_FILES.jks),
    randomBytes: rnd,
    now,
  };
  let preparing: Promise<PreparedArtifacts> | undefined;
  const startPreparing = (): void => {
    if (preparing !== undefined) return;
    preparing = prepareArtifacts(artifactOptions);
    preparing.catch(() => undefined); // awaited after the issuance; a failed issuance drops it
  };

  // 4. Issue (or fetch what an interrupted run was already issued).
  let issued: IssuedCertificate;
  const savedArn = state.issuer === issuer.name ? state.certificateArn : undefined;
  try {
    if (savedArn !== undefined && issuer.fetchIssued !== undefined) {
      progress('issue', `fetching ${savedArn}, issued to an earlier run`);
      const fetching = issuer.fetchIssued(savedArn, csrDer);
      deps.whileIssuing?.();
      startPreparing();
      issued = await fetching;
    } else {
      progress('issue', `requesting the certificate from ${issuer.name}`);
      const issuing = issuer.issue({
        csrDer,
        validity,
        ...(options.signingAlgorithm === undefined ? {} : { signingAlgorithm: options.signingAlgorithm }),
        ...(options.templateArn === undefined ? {} : { templateArn: options.templateArn }),
        beforeIssue: async (sending) => {
          await saving;
          if (sending === undefined) return;
          const t = now();
          const earlier = state.issueSent;
          if (earlier !== undefined && state.certificateArn === undefined) {
            const repeated = earlier.idempotencyToken === sending.idempotencyToken && t.getTime() < Date.parse(earlier.at) + earlier.windowSeconds * 1000;
            if (!repeated) for (const line of mayExistWarning(earlier, t, deps.caArn)) deps.warn?.(line);
            // Within the window the request repeats the first one: the window still runs from then.
            if (repeated) return;
          }
          state = { ...state, issuer: issuer.name, issueSent: { at: t.toISOString(), idempotencyToken: sending.idempotencyToken, windowSeconds: sending.idempotencyWindowSeconds } };
          await saveState();
        },
        whileWaiting: startPreparing,
      });
      deps.whileIssuing?.();
      issued = await issuing;
    }
    await saving; // an issuer that did not ask for it still finds it done before anything is written
  } catch (e) {
    // The state is on disk (or its write failed, which is then the error) before any advice
    // about resuming it, and before a state no request used is removed.
    await saving;
    // A transient failure: say how to resume without a second certificate (not when AWS refused
    // an argument: the same command would fail the same way).
    if (isCertkitError(e) && e.code === 'AWS' && e.retryable !== false) {
      const resume = `rerun the same command to resume with the same key; delete ${join(options.outDir, STATE_FILE)} to start over`;
      throw withHint(e, resume);
    }
    // Refused before the CSR was sent (a --signing-algorithm that does not fit the CA): the
    // state this run just made holds a key no request used; it is not left behind.
    if (isCertkitError(e) && (e.code === 'USAGE' || e.code === 'UNSUPPORTED') && resumedState === undefined && state.certificateArn === undefined) {
      await fs.unlink(statePath).catch(() => undefined);
    }
    throw e;
  }

  // 5. What came back must be ours and must chain.
  progress('check', 'checking the certificate against the key and the chain');
  const caCert = checkIssuedChain(key, issued.leaf, issued.chain);

  // 6. Artifacts in memory.
  const prepared = await (preparing ?? prepareArtifacts(artifactOptions));
  const artifacts = await buildArtifacts({ key, leaf: issued.leaf, chain: issued.chain, csrDer, caCert }, { ...artifactOptions, prepared });
  const local = artifacts.filter((a) => formats.some((f) => ARTIFACT_FILES[f] === a.name));

  // 7. Every sink at once: the files (on the thread pool), S3 and the secret (on the network). The
  // resume state stays until the record is written, so whichever fails, a rerun with --force
  // finishes with the same key (with ACM PCA, the same certificate) and replaces what was done.
  progress('write', `writing ${local.length} files to ${options.outDir}`);
  const writing = writeArtifacts(options.outDir, local, { force, cwd, fs });
  const s3 = options.s3;
  const uploadS3 = deps.uploadS3;
  let uploadNames: string[] = [];
  let uploading: Promise<string[]> = Promise.resolve([]);
  if (s3 !== undefined && uploadS3 !== undefined) {
    const upload = artifacts.filter((a) => s3Formats.some((f) => ARTIFACT_FILES[f] === a.name));
    uploadNames = upload.map((a) => a.name);
    progress('s3', `uploading ${upload.length} files to ${s3.uri}`);
    uploading = uploadS3(upload, s3.uri);
  }
  const secretName = options.secretName;
  const putSecret = deps.putSecret;
  let storing: Promise<string | undefined> = Promise.resolve(undefined);
  if (secretName !== undefined && putSecret !== undefined) {
    progress('secret', `writing the secret ${secretName}`);
    storing = putSecret(secretName, redshiftSecretJson(redshiftSecret(key, issued.leaf, issued.chain)));
  }
  const [written, uploaded, stored] = await Promise.allSettled([writing, uploading, storing]);
  if (written.status === 'rejected') {
    // What went to S3 or Secrets Manager meanwhile is there now: only a run with --force finishes.
    const e: unknown = written.reason;
    const remote = s3 !== undefined || secretName !== undefined;
    throw remote && isCertkitError(e) ? withHint(e, 'rerun with --force to finish with the same key') : e;
  }
  const finishHint = `the files in ${options.outDir} are written; rerun with --force to finish with the same key`;
  const unfinished = (e: unknown): unknown =>
    isCertkitError(e) && (e.code === 'AWS' || e.code === 'INTEGRITY') ? withHint(e, finishHint) : e;
  if (uploaded.status === 'rejected') throw unfinished(uploaded.reason);
  if (stored.status === 'rejected') throw unfinished(stored.reason);
  const files = written.value;
  const s3Uris = uploaded.value;
  const jksAt = uploadNames.indexOf(ARTIFACT_FILES.jks);
  const keystoreS3Uri = jksAt >= 0 ? s3Uris[jksAt] : undefined;
  const secretArn = stored.value;
  const sql =
    secretArn === undefined ? undefined : createExternalSchemaSql({ secretArn, ...(options.mskUri === undefined ? {} : { mskUri: options.mskUri }) });

  // 8. The record; then the resume state is no longer needed.
  progress('record', `recording the run in ${join(options.outDir, RECORD_FILE)}`);
  const record = buildRecord({
    now: now(),
    issuer: issuer.name,
    ...(deps.caArn === undefined ? {} : { caArn: deps.caArn }),
    ...(deps.caDir === undefined ? {} : { caDir: deps.caDir }),
    ...(issued.certificateArn === undefined ? {} : { certificateArn: issued.certificateArn }),
    keyType: options.keyType,
    alias: options.alias,
    leaf: issued.leaf,
    chain: issued.chain,
    files: local.map((a) => a.name),
    s3: s3Uris,
    ...(secretArn === undefined ? {} : { secretArn }),
  });
  const recordPath = join(options.outDir, RECORD_FILE);
  await writeFileAtomic(recordPath, serializeRecord(record), { mode: 0o644, force, cwd, fs });
  try {
    await fs.unlink(statePath);
  } catch (e) {
    // A state left behind would make the next run resume this finished one: say so.
    if (errnoOf(e) !== 'ENOENT') {
      throw new CertkitError('WRITE_FAILED', 'cannot remove the resume state of the finished run', {
        file: join(options.outDir, STATE_FILE),
        hint: 'delete it by hand; every artifact was written',
        cause: e,
      });
    }
  }

  return {
    outDir: outAbs,
    files: [...files, recordPath],
    record,
    storePassword,
    keyPassword,
    generated,
    s3Uris,
    ...(keystoreS3Uri === undefined ? {} : { keystoreS3Uri }),
    ...(secretArn === undefined ? {} : { secretArn }),
    ...(sql === undefined ? {} : { sql }),
    resumed: resumedState !== undefined,
  };
}
