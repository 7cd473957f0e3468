/**
 * Secret hygiene on the AWS paths (moto_server through the real SDK): `certkit client --ca-arn`
 * resuming with the sentinel key, uploading to S3 and writing the Redshift secret, with the
 * sentinel password from pass: and env:, plain, --json and --debug; and its failures (the S3
 * objects and the secret already exist: exit 6 before issuing; a missing bucket: exit 3 before issuing,
 * the SDK error printed with --debug). Neither stdout, stderr nor any local file but the
 * intended carriers holds a needle. (S3 objects and the secret are the remote carriers.)
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { COMMAND_LINE_PASSWORD_NOTICE } from '../../src/cli/passwords.js';
import { encodePem } from '../../src/pem.js';
import { STATE_FILE } from '../../src/pipeline.js';
import { buildCsr } from '../../src/x509/csr.js';
import { runCli, type CliResult } from '../support/cli.js';
import { FAKE_CREDENTIALS, TEST_REGION, createActivatedCa, useMoto, type ActivatedCa } from '../support/moto.js';
import { tempDir } from '../support/tmp.js';
import { haveTools } from '../support/tools.js';
import { NEEDLES, SENTINEL_KEY, SENTINEL_KEY_PEM, SENTINEL_PASSWORD as P } from './sentinel.js';

/** Local files allowed to hold a needle, and which kind (the rest: none). */
const CARRIERS: Readonly<Record<string, readonly ('password' | 'key')[]>> = {
  'private_key.pem': ['key'],
  'redshift-secret.json': ['key'],
  'client.properties': ['password'],
  [STATE_FILE]: ['key'],
};

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

function leaks(result: CliResult, cwd: string): string[] {
  const found: string[] = [];
  for (const [where, text] of [
    ['stdout', result.stdout],
    ['stderr', result.stderr],
  ] as const) {
    for (const n of NEEDLES) if (Buffer.from(text).includes(n.bytes)) found.push(`${where}: ${n.name}`);
  }
  for (const file of walk(cwd)) {
    const name = file.split('/').pop()!;
    const bytes = readFileSync(file);
    for (const n of NEEDLES) if (!(CARRIERS[name] ?? []).includes(n.kind) && bytes.includes(n.bytes)) found.push(`${relative(cwd, file)}: ${n.name}`);
  }
  return found;
}

const BUCKET = 'certkit-hygiene';

describe.skipIf(!haveTools('moto_server'))('secret hygiene on the AWS paths (moto_server)', () => {
  const moto = useMoto();
  const root = tempDir('certkit-hygiene-aws-');
  let ca: ActivatedCa;
  let n = 0;

  beforeAll(async () => {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    ca = await createActivatedCa(moto().endpoint, { commonName: 'hygiene root' });
    const s3 = await import('@aws-sdk/client-s3');
    const client = new s3.S3Client({ region: TEST_REGION, endpoint: moto().endpoint, credentials: { ...FAKE_CREDENTIALS }, forcePathStyle: true });
    await client.send(new s3.CreateBucketCommand({ Bucket: BUCKET }));
    client.destroy();
  });

  /** A run directory whose out/ holds the resume state of the sentinel key for this CA. */
  function prepared(): string {
    const cwd = join(root, `run-${++n}`);
    mkdirSync(join(cwd, 'out'), { recursive: true, mode: 0o700 });
    const state = {
      version: 1,
      dname: 'CN=sentinel-aws',
      keyType: 'rsa2048',
      ca: ca.caArn,
      key: SENTINEL_KEY_PEM,
      csr: encodePem('CERTIFICATE REQUEST', buildCsr({ subject: 'CN=sentinel-aws', key: SENTINEL_KEY })),
    };
    writeFileSync(join(cwd, 'out', STATE_FILE), JSON.stringify(state) + '\n', { mode: 0o600 });
    return cwd;
  }

  const env = () => ({
    AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    PW: P,
  });

  const args = (source: 'pass' | 'env', bucket: string, secret: string, extra: readonly string[]) => [
    'client', '--ca-arn', ca.caArn, '--dname', 'CN=sentinel-aws', '--out', 'out',
    '--s3', `s3://${bucket}/run-${n}/`, '--secret-name', secret, '--endpoint-url', moto().endpoint,
    '--storepass', source === 'pass' ? `pass:${P}` : 'env:PW', '--keypass', source === 'pass' ? P : 'env:PW',
    ...extra,
  ];

  it.each([
    ['pass', []],
    ['pass', ['--json', '--debug']],
    ['env', ['--debug']],
    ['env', ['--json']],
  ] as const)('client --ca-arn --s3 --secret-name, source %s %j: success, then exit 6 for the existing objects and secret, no leak', async (source, extra) => {
    const cwd = prepared();
    const secret = `hygiene-${n}`;
    const ok = await runCli(args(source, BUCKET, secret, extra), { cwd, env: env() });
    expect(ok.status, ok.stderr).toBe(0);
    expect(readFileSync(join(cwd, 'out', 'private_key.pem'), 'utf8')).toBe(SENTINEL_KEY_PEM);
    expect(leaks(ok, cwd)).toEqual([]);
    expect(ok.stderr.split(COMMAND_LINE_PASSWORD_NOTICE).length - 1).toBe(source === 'pass' ? 1 : 0);

    const argv = args(source, BUCKET, secret, extra); // the same S3 prefix and secret
    const cwd2 = prepared();
    const again = await runCli(argv, { cwd: cwd2, env: env() });
    expect(again.status).toBe(6);
    expect(again.stderr).toMatch(/already exists \(use --force/);
    expect(leaks(again, cwd2)).toEqual([]);
  }, 120_000);

  it('a missing bucket: exit 3 before issuing, the SDK error with --debug, no leak', async () => {
    const cwd = prepared();
    const r = await runCli(args('env', 'no-such-bucket-hygiene', `hygiene-missing-${n}`, ['--debug']), { cwd, env: env() });
    expect(r.status).toBe(3);
    expect(r.stderr.split('\n')[0]).toBe(
      'certkit: s3://no-such-bucket-hygiene/: the S3 bucket does not exist ' +
        '(check the bucket name in --s3, or create the bucket first (aws s3 mb s3://no-such-bucket-hygiene/ --region us-east-1))',
    );
    expect(r.stderr).toContain('Caused by');
    expect(leaks(r, cwd)).toEqual([]);
  }, 120_000);
});
