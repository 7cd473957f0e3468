/** The Secrets Manager sink through the real SDK against moto_server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretsManagerClient } from '../../src/aws/config.js';
import { CertkitError, exitStatusOf } from '../../src/errors.js';
import { checkSecretName, putRedshiftSecret } from '../../src/sinks/secrets-manager.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { awsOptionsFor, useMoto } from '../support/moto.js';
import { haveTools } from '../support/tools.js';

async function rejection(p: Promise<unknown>): Promise<CertkitError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CertkitError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

const SENTINEL = 'SENTINEL-PRIVATE-KEY-5f2c';
const v1 = JSON.stringify({ certificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', privateKey: `${SENTINEL}-1` });
const v2 = JSON.stringify({ certificate: '-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n', privateKey: `${SENTINEL}-2` });

describe('checkSecretName', () => {
  it.each(['redshift/msk-mtls', 'a', 'A_b+c=d.e@f-g', 'x'.repeat(512)])('accepts %j', (n) => {
    expect(checkSecretName(n)).toBeUndefined();
  });
  it.each(['', 'has space', 'semi;colon', 'x'.repeat(513), 'new\nline'])('refuses %j', (n) => {
    let e: unknown;
    try {
      checkSecretName(n);
    } catch (err) {
      e = err;
    }
    expect([(e as CertkitError).code, (e as CertkitError).message]).toEqual([
      'USAGE', `--secret-name '${n}' is not a valid Secrets Manager name`,
    ]);
  });
});

describe.skipIf(!haveTools('moto_server'))('Secrets Manager sink against moto_server', () => {
  const moto = useMoto();
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await startFaultProxy(moto().endpoint);
  });
  afterAll(async () => {
    await proxy?.stop();
  });

  it('creates the secret with exactly the JSON; refuses a second time; --force adds a version keeping AWSPREVIOUS', async () => {
    const aws = awsOptionsFor(proxy.endpoint);
    const arn = await putRedshiftSecret({ name: 'redshift/msk-mtls', json: v1, clientConfig: aws });
    expect(arn).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:redshift\/msk-mtls-[A-Za-z0-9]{6}$/);

    const sm = await import('@aws-sdk/client-secrets-manager');
    const direct = await createSecretsManagerClient(awsOptionsFor(moto().endpoint));
    try {
      const got1 = await direct.send(new sm.GetSecretValueCommand({ SecretId: 'redshift/msk-mtls' }));
      expect([got1.ARN, got1.SecretString]).toEqual([arn, v1]);

      const e = await rejection(putRedshiftSecret({ name: 'redshift/msk-mtls', json: v2, clientConfig: aws }));
      expect([e.code, exitStatusOf(e), e.file, e.message, e.hint]).toEqual([
        'EXISTS', 6, 'secret redshift/msk-mtls', 'the Secrets Manager secret already exists',
        'pass --force to store a new version (the current one is kept as AWSPREVIOUS)',
      ]);
      expect(`${e.message} ${e.hint} ${e.file}`).not.toContain(SENTINEL);
      // Refused: the value is unchanged and only CreateSecret was tried.
      expect((await direct.send(new sm.GetSecretValueCommand({ SecretId: 'redshift/msk-mtls' }))).SecretString).toBe(v1);
      expect(proxy.requests.map((r) => r.target)).toEqual(['CreateSecret', 'CreateSecret']);

      const arn2 = await putRedshiftSecret({ name: 'redshift/msk-mtls', json: v2, force: true, clientConfig: aws });
      expect(arn2).toBe(arn);
      const current = await direct.send(new sm.GetSecretValueCommand({ SecretId: 'redshift/msk-mtls' }));
      const previous = await direct.send(new sm.GetSecretValueCommand({ SecretId: 'redshift/msk-mtls', VersionStage: 'AWSPREVIOUS' }));
      expect([current.SecretString, previous.SecretString]).toEqual([v2, v1]);
      const versions = await direct.send(new sm.ListSecretVersionIdsCommand({ SecretId: 'redshift/msk-mtls' }));
      expect(versions.Versions!.map((v) => [...(v.VersionStages ?? [])].sort().join(',')).sort()).toEqual(['AWSCURRENT', 'AWSPREVIOUS']);
    } finally {
      direct.destroy();
    }
  });

  it('maps service errors to exit 5 with the code and request id, never the secret', async () => {
    proxy.reset();
    proxy.addRule({
      match: { target: 'CreateSecret' },
      fault: { kind: 'error', status: 400, type: 'AccessDeniedException', message: 'not authorized to perform secretsmanager:CreateSecret' },
    });
    const e = await rejection(putRedshiftSecret({ name: 'other', json: v1, clientConfig: awsOptionsFor(proxy.endpoint) }));
    expect([e.code, exitStatusOf(e), e.file]).toEqual(['AWS', 5, 'secret other']);
    expect(e.message).toMatch(
      /^Secrets Manager CreateSecret failed: AccessDeniedException: not authorized to perform secretsmanager:CreateSecret \(request id certkit-fault-\d+\)$/,
    );
    expect(e.message).not.toContain(SENTINEL);
  });
});
