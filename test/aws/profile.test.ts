/**
 * `--profile NAME` reaches AWS exactly as `AWS_PROFILE=NAME` does, the profile's `endpoint_url`
 * and its `services` section included (the aws CLI's "configured endpoints"). The built CLI runs
 * with HOME at a temporary directory whose ~/.aws/config points the profiles at the fault proxy
 * in front of moto_server; each way of naming the profile must send the same requests there.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { clientConfig, resolveEndpoint } from '../../src/aws/config.js';
import { certkitAsync } from '../e2e/cli.js';
import { builtCliExists } from '../support/cli.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { createActivatedCa, FAKE_CREDENTIALS, TEST_REGION, useMoto, type ActivatedCa } from '../support/moto.js';
import { tempDir } from '../support/tmp.js';
import { haveTools, run } from '../support/tools.js';

const BUCKET = 'certkit-profile-test';

/** A config file: profile `direct` (endpoint_url), `bysvc` (a services section; its own endpoint_url is dead). */
function configText(endpoint: string): string {
  const keys = `aws_access_key_id = ${FAKE_CREDENTIALS.accessKeyId}\naws_secret_access_key = ${FAKE_CREDENTIALS.secretAccessKey}\n`;
  return (
    `[profile direct]\nregion = ${TEST_REGION}\n${keys}endpoint_url = ${endpoint}\n\n` +
    `[profile bysvc]\nregion = ${TEST_REGION}\n${keys}services = local\nendpoint_url = http://127.0.0.1:9\n\n` +
    `[services local]\nacm_pca =\n  endpoint_url = ${endpoint}\ns3 =\n  endpoint_url = ${endpoint}\n`
  );
}

describe('configured endpoints: the profile from the config file, whichever way it is named', () => {
  const dir = tempDir('certkit-profile-unit-');
  const config = join(dir, 'config');
  writeFileSync(config, configText('http://127.0.0.1:4566'));
  const env = (extra: Record<string, string> = {}) => ({ AWS_CONFIG_FILE: config, ...extra });

  it('--profile and AWS_PROFILE resolve the same endpoints: services section first, then endpoint_url', async () => {
    for (const service of ['ACM_PCA', 'S3', 'SECRETS_MANAGER'] as const) {
      for (const name of ['direct', 'bysvc']) {
        const byFlag = await resolveEndpoint(service, { profile: name, env: env() });
        const byEnv = await resolveEndpoint(service, { env: env({ AWS_PROFILE: name }) });
        expect([service, name, byFlag]).toEqual([service, name, byEnv]);
      }
    }
    expect(await resolveEndpoint('ACM_PCA', { profile: 'bysvc', env: env() })).toBe('http://127.0.0.1:4566');
    // Secrets Manager has no entry in [services local]: the profile's own endpoint_url.
    expect(await resolveEndpoint('SECRETS_MANAGER', { profile: 'bysvc', env: env() })).toBe('http://127.0.0.1:9');
    // --profile wins over AWS_PROFILE, as in the aws CLI.
    expect(await resolveEndpoint('SECRETS_MANAGER', { profile: 'bysvc', env: env({ AWS_PROFILE: 'direct' }) })).toBe('http://127.0.0.1:9');
  });

  it('the flag and the environment still win; AWS_IGNORE_CONFIGURED_ENDPOINT_URLS turns the file off', async () => {
    expect(await resolveEndpoint('S3', { profile: 'direct', endpointUrl: 'http://flag:1', env: env() })).toBe('http://flag:1');
    expect(await resolveEndpoint('S3', { profile: 'direct', env: env({ AWS_ENDPOINT_URL_S3: 'http://env:2' }) })).toBe('http://env:2');
    expect(await resolveEndpoint('S3', { profile: 'direct', env: env({ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }) })).toBe(undefined);
    expect(await resolveEndpoint('S3', { env: env() })).toBe(undefined); // no [default] profile
  });

  it('an endpoint from the profile makes S3 path-style, as one from the flag does', async () => {
    const c = await clientConfig('S3', { profile: 'direct', credentials: { ...FAKE_CREDENTIALS }, env: env() });
    expect([c.region, c.endpoint, c.forcePathStyle, c.profile]).toEqual([TEST_REGION, 'http://127.0.0.1:4566', true, 'direct']);
  });
});

describe.skipIf(!haveTools('moto_server', 'openssl') || !builtCliExists())('--profile and AWS_PROFILE against moto_server (built CLI)', () => {
  const moto = useMoto();
  const home = tempDir('certkit-profile-home-');
  let proxy: FaultProxy;
  let ca: ActivatedCa;

  beforeAll(async () => {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    proxy = await startFaultProxy(moto().endpoint);
    ca = await createActivatedCa(moto().endpoint, { commonName: 'certkit profile root' });
    mkdirSync(join(home, '.aws'));
    writeFileSync(join(home, '.aws', 'config'), configText(proxy.endpoint));
    run('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(home, 'k.pem'), '-subj', '/CN=profile-client', '-out', join(home, 'csr.pem')]);
    const s3 = await import('@aws-sdk/client-s3');
    const s3c = new s3.S3Client({ region: TEST_REGION, endpoint: moto().endpoint, credentials: { ...FAKE_CREDENTIALS }, forcePathStyle: true });
    await s3c.send(new s3.CreateBucketCommand({ Bucket: BUCKET }));
    s3c.destroy();
  });
  afterAll(async () => {
    await proxy?.stop();
  });
  beforeEach(() => proxy.reset());

  /** What reached the proxy: method, API target (JSON services) or path (S3), in order. */
  const arrived = () => proxy.requests.map((r) => `${r.method} ${r.target ?? r.path.replace(/\?.*$/, '')}`);

  it.each(['direct', 'bysvc'])('pca issue, profile %s: the same requests by --profile as by AWS_PROFILE', async (name) => {
    const byFlag = await certkitAsync(['pca', 'issue', '--ca-arn', ca.caArn, '--csr', 'csr.pem', '--out', `flag-${name}.pem`, '--profile', name], { cwd: home });
    expect(byFlag.status, byFlag.stderr).toBe(0);
    const flagRequests = arrived();
    proxy.reset();
    const byEnv = await certkitAsync(['pca', 'issue', '--ca-arn', ca.caArn, '--csr', 'csr.pem', '--out', `env-${name}.pem`], { cwd: home, env: { AWS_PROFILE: name } });
    expect(byEnv.status, byEnv.stderr).toBe(0);
    expect(flagRequests.slice(0, 3)).toEqual(['POST DescribeCertificateAuthority', 'POST IssueCertificate', 'POST GetCertificate']);
    expect(arrived()).toEqual(flagRequests);
  });

  it('client --s3 through the services section: S3 path-style at the profile\'s endpoint, the same both ways', async () => {
    const args = (out: string) => ['client', '--ca-arn', ca.caArn, '--key-type', 'ec256', '--out', out, '--formats', 'cert,key', '--s3', `s3://${BUCKET}/${out}/`, '--s3-include', 'cert', '--json'];
    const byFlag = await certkitAsync([...args('same'), '--profile', 'bysvc'], { cwd: home });
    expect(byFlag.status, byFlag.stderr).toBe(0);
    const flagRequests = arrived();
    proxy.reset();
    const byEnv = await certkitAsync([...args('same'), '--force'], { cwd: home, env: { AWS_PROFILE: 'bysvc' } });
    expect(byEnv.status, byEnv.stderr).toBe(0);
    // The preflight's two HEADs (the bucket, the object) go out together, in either order.
    const toBucket = flagRequests.filter((r) => r.includes(`/${BUCKET}`));
    expect([[...toBucket.slice(0, 2)].sort(), toBucket.slice(2)]).toEqual([
      [`HEAD /${BUCKET}/`, `HEAD /${BUCKET}/same/client_cert.pem`],
      [`PUT /${BUCKET}/same/client_cert.pem`, `GET /${BUCKET}/same/client_cert.pem`],
    ]);
    // The rerun with --force asks S3 only about the objects that hold a password (none here), then uploads the same.
    expect(arrived().filter((r) => r.startsWith('PUT') || r.startsWith('GET'))).toEqual(flagRequests.filter((r) => r.startsWith('PUT') || r.startsWith('GET')));
  });
});
