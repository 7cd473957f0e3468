/**
 * A local-CA certificate can never authenticate to Amazon MSK (MSK accepts only client
 * certificates from an AWS Private CA attached to the cluster): the local-CA summary says so,
 * and the local CA with --s3, --secret-name or --msk-uri (the MSK options) warns on stderr, and
 * in the --json summary's warnings, before anything is made. A warning, not a refusal: the run
 * completes (in process; S3 and Secrets Manager are moto_server).
 */
import { beforeAll, describe, expect, it } from 'vitest';

import { main } from '../../src/cli/main.js';
import { FAKE_CREDENTIALS, TEST_REGION, useMoto } from '../support/moto.js';
import { tempDir } from '../support/tmp.js';
import { haveTools } from '../support/tools.js';

const BUCKET = 'certkit-local-ca-msk';
const NOTE =
  'Amazon MSK accepts only client certificates from an AWS Private CA attached to the cluster, ' +
  'so a certificate from the local CA cannot authenticate to MSK (give --ca-arn)';

function collector() {
  const chunks: string[] = [];
  return { write: (s: string) => chunks.push(s), text: () => chunks.join(''), isTTY: false };
}

async function certkit(cwd: string, args: string[], env: Record<string, string> = {}) {
  const stdout = collector();
  const stderr = collector();
  const status = await main(args, { stdout, stderr, stdin: '', env, cwd });
  return { status, stdout: stdout.text(), stderr: stderr.text() };
}

describe('the local CA and Amazon MSK', () => {
  const cwd = tempDir('certkit-local-ca-msk-');
  beforeAll(async () => {
    expect((await certkit(cwd, ['ca', 'init', '--key-type', 'ec256'])).status).toBe(0);
  });

  it('the local-CA summary says it is not for MSK; without MSK options, nothing on stderr', async () => {
    const r = await certkit(cwd, ['client', '--key-type', 'ec256', '--out', 'plain', '--formats', 'cert']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    const head = r.stdout.split('\n\n')[0]!.split('\n');
    expect(head.slice(-2)).toEqual([`  local CA         ${cwd}/certkit-ca (what servers must trust: its ca.pem)`, `  not for MSK      ${NOTE}`]);
  });

  it('--msk-uri with the local CA: a warning naming MSK, and the run completes', async () => {
    const r = await certkit(cwd, ['client', '--key-type', 'ec256', '--out', 'uri', '--formats', 'cert', '--msk-uri', 'b-1.example:9094']);
    expect([r.status, r.stderr]).toEqual([0, `certkit: warning: --msk-uri with the local development CA: ${NOTE}\n`]);
  });

  describe.skipIf(!haveTools('moto_server'))('with S3 and Secrets Manager (moto_server)', () => {
    const moto = useMoto();
    const env = () => ({ AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey, AWS_REGION: TEST_REGION });
    beforeAll(async () => {
      const s3 = await import('@aws-sdk/client-s3');
      const c = new s3.S3Client({ region: TEST_REGION, endpoint: moto().endpoint, forcePathStyle: true, credentials: { ...FAKE_CREDENTIALS } });
      await c.send(new s3.CreateBucketCommand({ Bucket: BUCKET }));
      c.destroy();
    });

    it('--s3, --secret-name and --msk-uri with the local CA: one warning naming them and MSK, also in --json', async () => {
      const r = await certkit(
        cwd,
        ['client', '--key-type', 'ec256', '--out', 'all', '--formats', 'cert', '--json', '--endpoint-url', moto().endpoint,
          '--s3', `s3://${BUCKET}/certs/`, '--secret-name', 'local-ca-msk', '--msk-uri', 'b-1.example:9094'],
        env(),
      );
      const warning = `--s3, --secret-name, --msk-uri with the local development CA: ${NOTE}`;
      expect([r.status, r.stderr]).toEqual([0, `certkit: warning: ${warning}\n`]);
      const doc = JSON.parse(r.stdout) as { issuer: string; warnings: string[]; s3: string[] };
      expect([doc.issuer, doc.warnings, doc.s3.length]).toEqual(['local-ca', [warning], 3]);
    });

    it('--s3 alone: the warning names --s3', async () => {
      const r = await certkit(cwd, ['client', '--key-type', 'ec256', '--out', 's3', '--formats', 'cert', '--endpoint-url', moto().endpoint, '--s3', `s3://${BUCKET}/s3-only/`], env());
      expect([r.status, r.stderr]).toEqual([0, `certkit: warning: --s3 with the local development CA: ${NOTE}\n`]);
    });
  });
});
