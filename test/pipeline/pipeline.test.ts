/**
 * runClientPipeline with injected parts: a CA run by the real openssl as the issuer, fake S3 and
 * Secrets Manager sinks that record what they get, a fixed key and a deterministic random source.
 * Proves the order of steps, what is written where, that nothing is issued when an output exists
 * (local or remote), that nothing but the 0600 resume state is written when issuance fails, and
 * that a rerun resumes with the same key (and fetches by the saved certificate ARN).
 */
import { createHash, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import type { Artifact } from '../../src/artifacts.js';
import { CertkitError } from '../../src/errors.js';
import type { IssuedCertificate, Issuer, IssueRequest } from '../../src/issuers/issuer.js';
import {
  generatePassword,
  runClientPipeline,
  STATE_FILE,
  type ClientPipelineDeps,
  type ClientPipelineOptions,
  type IssuerHooks,
  type PipelineStep,
} from '../../src/pipeline.js';
import { nodeFsOps, type FsFile, type FsOps } from '../../src/sinks/directory.js';
import { LOCK_FILE } from '../../src/sinks/directory-lock.js';
import { haveTools, tool } from '../support/tools.js';
import { tempDir } from '../support/tmp.js';
import { until, withDeadline } from '../support/wait.js';
import { makeOpensslCa, opensslIssuer, type OpensslCa } from './openssl-ca.js';

/** A deterministic byte source (SHA-256 in counter mode). */
function seededRandom(seed: string): (n: number) => Buffer {
  let counter = 0;
  return (n: number) => {
    const out: Buffer[] = [];
    let len = 0;
    while (len < n) {
      const block = createHash('sha256').update(`${seed}:${counter++}`).digest();
      out.push(block);
      len += block.length;
    }
    return Buffer.concat(out).subarray(0, n);
  };
}

const NOW = new Date('2026-11-23T10:00:00Z');

/** The real file system, except that files whose name passes `picks` get `override`'s methods. */
function fsWith(picks: (name: string) => boolean, override: (fh: FsFile) => Partial<FsFile>): FsOps {
  return {
    ...nodeFsOps,
    open: async (path, flags, mode) => {
      const fh = await nodeFsOps.open(path, flags, mode);
      if (!picks(basename(path))) return fh;
      const own: FsFile = { chmod: (m) => fh.chmod(m), writeFile: (d) => fh.writeFile(d), sync: () => fh.sync(), close: () => fh.close() };
      return { ...own, ...override(own) };
    },
  };
}


/**
 * An issuer that fails with AWS `message` while `failing()` says so, else asks `good`; `before`
 * runs first on every request (what a request does before it is sent).
 */
function flakyIssuer(name: string, good: Issuer, failing: () => boolean, message: string, before?: (req: IssueRequest) => Promise<void>): Issuer {
  return {
    name,
    async issue(req: IssueRequest): Promise<IssuedCertificate> {
      await before?.(req);
      if (failing()) throw new CertkitError('AWS', message);
      return good.issue(req);
    },
  };
}


describe('generatePassword', () => {
  it('is 24 characters of [A-Za-z0-9], from the injected random source', () => {
    const a = generatePassword(seededRandom('x'));
    expect(a).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(generatePassword(seededRandom('x'))).toBe(a);
    expect(generatePassword(seededRandom('y'))).not.toBe(a);
  });
});

describe.skipIf(!haveTools('openssl'))('runClientPipeline', () => {
  const root = tempDir('certkit-pipeline-');
  let openssl: string;
  let ca: OpensslCa;
  let key: KeyObject;
  let caseNo = 0;

  beforeAll(() => {
    openssl = tool('openssl')!;
    ca = makeOpensslCa(openssl, root, 'pipeline root');
    key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  });

  /** A fresh working directory and the deps around a given issuer. */
  function setup(issuer: Issuer, extra: Partial<ClientPipelineDeps> = {}) {
    const cwd = join(root, `case${++caseNo}`);
    mkdirSync(cwd);
    const steps: PipelineStep[] = [];
    const uploads: { names: string[]; uri: string; data: Buffer[] }[] = [];
    const secrets: { name: string; value: string }[] = [];
    let hooks: IssuerHooks | undefined;
    const deps: ClientPipelineDeps = {
      issuer: async (h) => {
        hooks = h;
        return issuer;
      },
      now: () => NOW,
      randomBytes: seededRandom(`case${caseNo}`),
      generateKey: async () => key,
      progress: (step) => void steps.push(step),
      cwd,
      uploadS3: async (artifacts: readonly Artifact[], uri: string) => {
        uploads.push({ names: artifacts.map((a) => a.name), uri, data: artifacts.map((a) => a.data) });
        return artifacts.map((a) => `${uri}${a.name}`);
      },
      putSecret: async (name: string, value: string) => {
        secrets.push({ name, value });
        return `arn:aws:secretsmanager:us-east-1:111122223333:secret:${name}-AbCdEf`;
      },
      ...extra,
    };
    return { cwd, steps, uploads, secrets, deps, hooks: () => hooks };
  }

  const base: ClientPipelineOptions = { dname: 'CN=pipeline client,O=certkit', keyType: 'rsa2048', validity: '300d', alias: 'client', outDir: 'certs' };

  it('runs every step in order and hands each sink what it should', async () => {
    const issuer = opensslIssuer(openssl, ca);
    const t = setup(issuer);
    const r = await runClientPipeline({ ...base, s3: { uri: 's3://bucket/certs/' }, secretName: 'msk-mtls', mskUri: 'b-1:9094' }, t.deps);
    expect(t.steps).toEqual(['key', 'csr', 'issue', 'check', 'write', 's3', 'secret', 'record']);
    expect(issuer.calls).toBe(1);
    expect(r.files).toEqual([
      'certs/kafka.client.keystore.jks', 'certs/keystore.p12', 'certs/client_cert.pem', 'certs/private_key.pem',
      'certs/csr.pem', 'certs/ca.pem', 'certs/redshift-secret.json', 'certs/client.properties', 'certs/certkit.json',
    ]);
    expect(readdirSync(join(t.cwd, 'certs')).includes(STATE_FILE)).toBe(false);
    const rnd = seededRandom(`case${caseNo}`);
    expect(r.generated).toEqual({ storePassword: true, keyPassword: true });
    expect(r.storePassword).toBe(generatePassword(rnd));
    expect(r.keyPassword).toBe(generatePassword(rnd));
    expect(t.uploads.map((u) => [u.uri, u.names])).toEqual([['s3://bucket/certs/', ['kafka.client.keystore.jks', 'client_cert.pem', 'private_key.pem']]]);
    t.uploads[0]!.names.forEach((n, i) => expect(t.uploads[0]!.data[i]!.equals(readFileSync(join(t.cwd, 'certs', n)))).toBe(true));
    expect(r.keystoreS3Uri).toBe('s3://bucket/certs/kafka.client.keystore.jks');
    expect(t.secrets).toEqual([{ name: 'msk-mtls', value: readFileSync(join(t.cwd, 'certs', 'redshift-secret.json'), 'utf8') }]);
    expect(r.secretArn).toBe('arn:aws:secretsmanager:us-east-1:111122223333:secret:msk-mtls-AbCdEf');
    expect(r.sql).toContain("URI 'b-1:9094' SECRET_ARN 'arn:aws:secretsmanager:us-east-1:111122223333:secret:msk-mtls-AbCdEf';");
    const rec = JSON.parse(readFileSync(join(t.cwd, 'certs', 'certkit.json'), 'utf8')) as Record<string, unknown>;
    expect(rec).toMatchObject({
      version: 1,
      createdAt: NOW.toISOString(),
      issuer: 'openssl-test-ca',
      certificateArn: 'arn:test:cert/1',
      keyType: 'rsa2048',
      alias: 'client',
      s3: ['s3://bucket/certs/kafka.client.keystore.jks', 's3://bucket/certs/client_cert.pem', 's3://bucket/certs/private_key.pem'],
      secretArn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:msk-mtls-AbCdEf',
    });
    const leaf = new X509Certificate(readFileSync(join(t.cwd, 'certs', 'client_cert.pem')));
    expect((rec.certificate as { sha256: string }).sha256).toBe(leaf.fingerprint256);
    expect(leaf.checkPrivateKey(key)).toBe(true);
  });

  it('with only --storepass, the key password is the store password', async () => {
    const t = setup(opensslIssuer(openssl, ca));
    const r = await runClientPipeline({ ...base, storePassword: 'given-store', formats: ['properties'] }, t.deps);
    expect([r.storePassword, r.keyPassword, r.generated]).toEqual(['given-store', 'given-store', { storePassword: false, keyPassword: false }]);
    expect(readFileSync(join(t.cwd, 'certs', 'client.properties'), 'utf8')).toContain('ssl.keystore.password=given-store\nssl.key.password=given-store\n');
  });

  it('an existing output without force: EXISTS before anything is issued or written', async () => {
    const issuer = opensslIssuer(openssl, ca);
    const t = setup(issuer);
    mkdirSync(join(t.cwd, 'certs'));
    writeFileSync(join(t.cwd, 'certs', 'csr.pem'), 'mine');
    await expect(runClientPipeline(base, t.deps)).rejects.toMatchObject({ code: 'EXISTS', file: 'certs/csr.pem' });
    expect(issuer.calls).toBe(0);
    expect(readdirSync(join(t.cwd, 'certs'))).toEqual(['csr.pem']);
    expect(readFileSync(join(t.cwd, 'certs', 'csr.pem'), 'utf8')).toBe('mine');
    // With force it is replaced.
    await runClientPipeline({ ...base, force: true }, t.deps);
    expect(readFileSync(join(t.cwd, 'certs', 'csr.pem'), 'utf8').startsWith('-----BEGIN CERTIFICATE REQUEST-----\n')).toBe(true);
  });

  it('a failing preflight (remote target exists) stops before issuing', async () => {
    const issuer = opensslIssuer(openssl, ca);
    const seen: string[][] = [];
    const t = setup(issuer, {
      preflight: async ({ s3Names }) => {
        seen.push([...s3Names]);
        throw new CertkitError('EXISTS', 'the S3 object already exists', { file: 's3://bucket/x/kafka.client.keystore.jks' });
      },
    });
    await expect(runClientPipeline({ ...base, s3: { uri: 's3://bucket/x/', include: ['jks'] } }, t.deps)).rejects.toMatchObject({ code: 'EXISTS' });
    expect(seen).toEqual([['kafka.client.keystore.jks']]);
    expect(issuer.calls).toBe(0);
    expect(existsSync(join(t.cwd, 'certs'))).toBe(false);
  });

  it('the resume state is staged while the preflight is in flight, and put in place only if it passes', async () => {
    let dir = '';
    const listings: string[][] = [];
    let fail = false;
    /** A preflight that answers only once the state is staged, and records what the directory held then. */
    const preflight = async () => {
      const staged = () => existsSync(dir) && readdirSync(dir).some((n) => n.startsWith(`.${STATE_FILE}.tmp-`));
      await until('the resume state to be staged during the preflight', staged);
      listings.push(readdirSync(dir));
      if (fail) throw new CertkitError('EXISTS', 'the S3 object already exists', { file: 's3://b/p/client_cert.pem' });
    };
    const t = setup(opensslIssuer(openssl, ca), { preflight });
    dir = join(t.cwd, 'certs');
    await runClientPipeline({ ...base, s3: { uri: 's3://b/p/' } }, t.deps);
    // The run's lock, and the staged state under its temporary name.
    expect(listings[0]).toHaveLength(2);
    expect(listings[0]!.sort()[0]).toMatch(/^\.\.certkit-state\.json\.tmp-[0-9a-f]{12}$/);
    expect(listings[0]![1]).toBe(LOCK_FILE);
    expect(readdirSync(dir).filter((n) => n.startsWith('.'))).toEqual([]);

    // A preflight that fails once the state is staged: neither the file nor the directory stays.
    fail = true;
    dir = join(t.cwd, 'nested', 'certs');
    await expect(runClientPipeline({ ...base, outDir: 'nested/certs', s3: { uri: 's3://b/p/' } }, t.deps)).rejects.toMatchObject({ code: 'EXISTS' });
    expect(listings[1]).toHaveLength(2);
    expect(existsSync(join(t.cwd, 'nested'))).toBe(false);
  });

  it('issuance failure writes no artifact, only the 0600 resume state; a rerun resumes with the same key and CSR', async () => {
    const good = opensslIssuer(openssl, ca);
    const csrs: Buffer[] = [];
    let fail = true;
    const flaky = flakyIssuer('flaky', good, () => fail, 'IssueCertificate failed: ThrottlingException', async (req) => void csrs.push(req.csrDer));
    const t = setup(flaky, { generateKey: async () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey });
    await expect(runClientPipeline({ ...base, keyType: 'ec256' }, t.deps)).rejects.toMatchObject({ code: 'AWS' });
    expect(readdirSync(join(t.cwd, 'certs'))).toEqual([STATE_FILE]);
    expect(statSync(join(t.cwd, 'certs', STATE_FILE)).mode & 0o777).toBe(0o600);
    fail = false;
    const r = await runClientPipeline({ ...base, keyType: 'ec256' }, t.deps);
    expect(r.resumed).toBe(true);
    expect(csrs.length).toBe(2);
    expect(csrs[1]!.equals(csrs[0]!)).toBe(true);
    expect(readdirSync(join(t.cwd, 'certs')).includes(STATE_FILE)).toBe(false);
  });

  it('a state made for another CA is not resumed: a fresh key and CSR', async () => {
    const good = opensslIssuer(openssl, ca);
    const csrs: Buffer[] = [];
    let fail = true;
    const flaky = flakyIssuer('flaky', good, () => fail, 'IssueCertificate failed: ServiceUnavailable', async (req) => void csrs.push(req.csrDer));
    const t = setup(flaky, { caArn: 'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/a', generateKey: undefined });
    await expect(runClientPipeline(base, t.deps)).rejects.toMatchObject({
      code: 'AWS',
      hint: 'rerun the same command to resume with the same key; delete certs/.certkit-state.json to start over',
    });
    fail = false;
    const r = await runClientPipeline(base, { ...t.deps, caArn: 'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/b' });
    expect(r.resumed).toBe(false);
    expect(csrs[1]!.equals(csrs[0]!)).toBe(false);
  });

  it('a certificate ARN saved before the wait is fetched on the rerun instead of issuing again', async () => {
    const good = opensslIssuer(openssl, ca);
    let issued: IssuedCertificate | undefined;
    let hooks: IssuerHooks | undefined;
    const fetched: string[] = [];
    let interrupted = true;
    const pcaLike: Issuer & { fetchIssued: (arn: string) => Promise<IssuedCertificate> } = {
      name: 'pca-like',
      async issue(req) {
        issued = await good.issue(req);
        await hooks!.onCertificateArn('arn:test:cert/saved');
        if (interrupted) throw new CertkitError('AWS', 'GetCertificate failed: connection reset');
        return issued;
      },
      async fetchIssued(arn) {
        fetched.push(arn);
        return issued!;
      },
    };
    const t = setup(pcaLike, {
      issuer: async (h) => {
        hooks = h;
        return pcaLike;
      },
    });
    await expect(runClientPipeline(base, t.deps)).rejects.toMatchObject({ code: 'AWS' });
    const state = JSON.parse(readFileSync(join(t.cwd, 'certs', STATE_FILE), 'utf8')) as Record<string, unknown>;
    expect([state.issuer, state.certificateArn]).toEqual(['pca-like', 'arn:test:cert/saved']);
    interrupted = false;
    const r = await runClientPipeline(base, t.deps);
    expect(fetched).toEqual(['arn:test:cert/saved']);
    expect(good.calls).toBe(1);
    expect(r.resumed).toBe(true);
  });

  it('a request sent but never answered is recorded before it goes; a rerun past the idempotency window says a certificate may exist, then asks again', async () => {
    const good = opensslIssuer(openssl, ca);
    const events: string[] = [];
    let lose = true;
    // Like ACM PCA: the request carries a token and a window; here its answer is lost (a kill
    // between sending and reading it), so no certificate ARN is ever saved.
    const pcaLike = flakyIssuer('pca-like', good, () => lose, 'IssueCertificate failed: connection reset', async (req) => {
      await req.beforeIssue!({ idempotencyToken: 'tok-0123456789abcdef', idempotencyWindowSeconds: 300 });
      events.push(`sent at ${t.toISOString()}`);
    });
    let t = NOW;
    const caArn = 'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/11111111-2222-3333-4444-555555555555';
    const setup_ = setup(pcaLike, { now: () => t, caArn, warn: (line) => void events.push(line) });
    const state = () => JSON.parse(readFileSync(join(setup_.cwd, 'certs', STATE_FILE), 'utf8')) as Record<string, unknown>;

    await expect(runClientPipeline(base, setup_.deps)).rejects.toMatchObject({ code: 'AWS' });
    expect(state().issueSent).toEqual({ at: NOW.toISOString(), idempotencyToken: 'tok-0123456789abcdef', windowSeconds: 300 });
    // Within the window the request is a repeat (the CA answers it with the first certificate): nothing to say.
    t = new Date(NOW.getTime() + 4 * 60_000);
    await expect(runClientPipeline(base, setup_.deps)).rejects.toMatchObject({ code: 'AWS' });
    expect(state().issueSent).toEqual({ at: NOW.toISOString(), idempotencyToken: 'tok-0123456789abcdef', windowSeconds: 300 });
    // Past it, the warning comes before the request is sent again.
    t = new Date(NOW.getTime() + 6 * 60_000 + 5_000);
    lose = false;
    const r = await runClientPipeline(base, setup_.deps);
    expect(r.resumed).toBe(true);
    expect(events).toEqual([
      'sent at 2026-11-23T10:00:00.000Z',
      'sent at 2026-11-23T10:04:00.000Z',
      'certkit: warning: a certificate may already exist for this key: a run sent its request at 2026-11-23T10:00:00.000Z (idempotency token tok-0123456789abcdef) and stopped before it saved the answer',
      'certkit: warning: that was 6 minutes ago, past the 5 minutes in which the CA answers a repeat with the same certificate, so this run asks for a new one',
      `certkit: warning: to find the earlier one, list what the CA issued with: aws acm-pca create-certificate-authority-audit-report --certificate-authority-arn ${caArn} --s3-bucket-name BUCKET --audit-report-response-format JSON; ` +
        `with its ARN, certkit pca fetch --ca-arn ${caArn} --certificate-arn ARN --out client_cert.pem gets it, and aws acm-pca revoke-certificate revokes it`,
      'sent at 2026-11-23T10:06:05.000Z',
    ]);
    expect(existsSync(join(setup_.cwd, 'certs', STATE_FILE))).toBe(false);
  });

  it('a certificate for another key is refused (VERIFY_FAILED) and nothing is written', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const good = opensslIssuer(openssl, ca);
    const liar: Issuer = {
      name: 'liar',
      async issue(req) {
        const { buildCsr } = await import('../../src/x509/csr.js');
        return good.issue({ ...req, csrDer: buildCsr({ subject: 'CN=someone else', key: other }) });
      },
    };
    const t = setup(liar);
    await expect(runClientPipeline(base, t.deps)).rejects.toMatchObject({ code: 'VERIFY_FAILED' });
    expect(readdirSync(join(t.cwd, 'certs'))).toEqual([STATE_FILE]);
  });

  it('an S3 failure after the files are written: a rerun with --force finishes with the same key', async () => {
    const issuer = opensslIssuer(openssl, ca);
    let failS3 = true;
    const t = setup(issuer, { generateKey: undefined });
    const deps: ClientPipelineDeps = {
      ...t.deps,
      uploadS3: async (artifacts, uri) => {
        if (failS3) throw new CertkitError('AWS', 'S3 PutObject failed: SlowDown');
        return artifacts.map((a) => `${uri}${a.name}`);
      },
    };
    const opts = { ...base, s3: { uri: 's3://b/p/' } };
    await expect(runClientPipeline(opts, deps)).rejects.toMatchObject({
      code: 'AWS',
      hint: 'the files in certs are written; rerun with --force to finish with the same key',
    });
    const firstKey = readFileSync(join(t.cwd, 'certs', 'private_key.pem'), 'utf8');
    expect(readdirSync(join(t.cwd, 'certs')).includes('certkit.json')).toBe(false);
    await expect(runClientPipeline(opts, deps)).rejects.toMatchObject({ code: 'EXISTS' });
    failS3 = false;
    const r = await runClientPipeline({ ...opts, force: true }, deps);
    expect(r.resumed).toBe(true);
    expect(readFileSync(join(t.cwd, 'certs', 'private_key.pem'), 'utf8')).toBe(firstKey);
    expect(readdirSync(join(t.cwd, 'certs')).includes(STATE_FILE)).toBe(false);
  });

  it('the files, the S3 upload and the secret are written at the same time', async () => {
    // Every staged file's fsync waits until the upload and the secret have started: a pipeline
    // that wrote the files first and only then uploaded would never get there.
    let started!: () => void;
    const bothStarted = new Promise<void>((resolve) => (started = resolve));
    let begun = 0;
    const begin = () => void (++begun === 2 && started());
    const gate = withDeadline(bothStarted, 'the upload and the secret to start while the files were being written');
    const fs = fsWith(
      (name) => name.startsWith('.') && !name.startsWith(`.${STATE_FILE}`),
      (fh) => ({ sync: async () => (await gate, fh.sync()) }),
    );
    const t = setup(opensslIssuer(openssl, ca));
    const r = await runClientPipeline(
      { ...base, s3: { uri: 's3://b/p/' }, secretName: 's' },
      {
        ...t.deps,
        fs,
        uploadS3: async (artifacts, uri) => (begin(), t.deps.uploadS3!(artifacts, uri)),
        putSecret: async (name, value) => (begin(), t.deps.putSecret!(name, value)),
      },
    );
    expect(t.steps).toEqual(['key', 'csr', 'issue', 'check', 'write', 's3', 'secret', 'record']);
    expect([r.s3Uris.length, r.secretArn !== undefined, r.files.length]).toEqual([3, true, 9]);
  });

  it('a failed file write while S3 succeeds: WRITE_FAILED, and a rerun with --force finishes with the same key', async () => {
    let failWrite = true;
    const fs = fsWith(
      (name) => failWrite && name.startsWith('.keystore.p12.tmp-'),
      () => ({
        writeFile: async () => {
          throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
        },
      }),
    );
    const t = setup(opensslIssuer(openssl, ca), { generateKey: undefined, fs });
    const opts = { ...base, s3: { uri: 's3://b/p/' } };
    await expect(runClientPipeline(opts, t.deps)).rejects.toMatchObject({
      code: 'WRITE_FAILED',
      file: 'certs/keystore.p12',
      hint: 'rerun with --force to finish with the same key',
    });
    // Uploaded at the same time; no local file published, the resume state kept.
    expect(t.uploads.map((u) => u.names)).toEqual([['kafka.client.keystore.jks', 'client_cert.pem', 'private_key.pem']]);
    expect(readdirSync(join(t.cwd, 'certs'))).toEqual([STATE_FILE]);
    const uploadedKey = t.uploads[0]!.data[2]!.toString('utf8');
    failWrite = false;
    const r = await runClientPipeline({ ...opts, force: true }, t.deps);
    expect(r.resumed).toBe(true);
    expect(readFileSync(join(t.cwd, 'certs', 'private_key.pem'), 'utf8')).toBe(uploadedKey);
    expect(t.uploads[1]!.data[2]!.toString('utf8')).toBe(uploadedKey);
    expect(readdirSync(join(t.cwd, 'certs')).includes(STATE_FILE)).toBe(false);
  });

  it('--formats limits local files; the S3 set is built even when not written locally', async () => {
    const t = setup(opensslIssuer(openssl, ca));
    const r = await runClientPipeline({ ...base, formats: ['cert', 'ca'], s3: { uri: 's3://b/p/', include: ['jks', 'key'] } }, t.deps);
    expect(r.files).toEqual(['certs/client_cert.pem', 'certs/ca.pem', 'certs/certkit.json']);
    expect(t.uploads.map((u) => u.names)).toEqual([['kafka.client.keystore.jks', 'private_key.pem']]);
  });
});
