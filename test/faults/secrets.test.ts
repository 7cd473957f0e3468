/**
 * Cloud faults, Secrets Manager (the Redshift secret): `putRedshiftSecret` through the real SDK
 * against moto_server behind the fault proxy. The secret's value never appears in a message.
 *
 * | id  | scenario                                                                     |
 * |-----|------------------------------------------------------------------------------|
 * | M01 | secret already present, no force: exit 6, no PutSecretValue, value untouched  |
 * | M02 | secret already present, force: a new version, the old one kept as AWSPREVIOUS |
 * | M03 | CreateSecret throttled twice, then succeeds                                  |
 * | M04 | CreateSecret throttled on every attempt: exit 5 after 3 attempts              |
 * | M05 | CreateSecret response lost once: the retry does not report "already exists"  |
 * | M06 | PutSecretValue (force) 503 once, then succeeds with one new version           |
 * | M07 | PutSecretValue response lost once: one new version, AWSPREVIOUS still the old |
 * | M08 | CreateSecret AccessDeniedException: tried once, exit 5 with the hint          |
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSecretsManagerClient } from '../../src/aws/config.js';
import { putRedshiftSecret } from '../../src/sinks/secrets-manager.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { awsOptionsFor, useMoto } from '../support/moto.js';
import { haveTools } from '../support/tools.js';
import { ATTEMPTS, outcome, rejection, viaProxy } from './harness.js';

const SENTINEL = 'SENTINEL-FAULT-KEY-9d41';
const value = (n: number) => JSON.stringify({ certificate: `-----BEGIN CERTIFICATE-----\nC${n}\n-----END CERTIFICATE-----\n`, privateKey: `${SENTINEL}-${n}` });
const ARN = /^arn:aws:secretsmanager:us-east-1:123456789012:secret:faults\/m0[0-9]-[A-Za-z0-9]{6}$/;

describe.skipIf(!haveTools('moto_server'))('cloud faults: Secrets Manager (moto_server behind the fault proxy)', () => {
  const moto = useMoto();
  let proxy: FaultProxy;
  /** Reads straight from moto: the stages of each version of a secret, and a stage's value. */
  let versions: (name: string) => Promise<{ stages: string[][]; current: string | undefined; previous: string | undefined }>;
  let destroy: () => void;

  const put = (name: string, json: string, force?: boolean) =>
    putRedshiftSecret({ name, json, clientConfig: viaProxy(proxy.endpoint), ...(force === undefined ? {} : { force }) });
  const count = (target: string) => ({ seen: proxy.seen({ target }).length, forwarded: proxy.forwarded({ target }).length });

  beforeAll(async () => {
    proxy = await startFaultProxy(moto().endpoint);
    const sm = await import('@aws-sdk/client-secrets-manager');
    const direct = await createSecretsManagerClient(awsOptionsFor(moto().endpoint));
    const stage = async (SecretId: string, VersionStage: string) => {
      try {
        return (await direct.send(new sm.GetSecretValueCommand({ SecretId, VersionStage }))).SecretString;
      } catch {
        return undefined;
      }
    };
    versions = async (name) => {
      const listed = await direct.send(new sm.ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }));
      const stages = (listed.Versions ?? []).map((v) => [...(v.VersionStages ?? [])].sort()).sort();
      return { stages, current: await stage(name, 'AWSCURRENT'), previous: await stage(name, 'AWSPREVIOUS') };
    };
    destroy = () => direct.destroy();
  });
  afterAll(async () => {
    destroy?.();
    await proxy?.stop();
  });
  beforeEach(() => proxy.reset());

  it('M01 secret already present, no force: exit 6, no PutSecretValue, the value untouched', async () => {
    await put('faults/m01', value(1));
    proxy.reset();
    const e = await rejection(put('faults/m01', value(2)));
    expect(outcome(e)).toEqual({ code: 'EXISTS', exit: 6, message: 'the Secrets Manager secret already exists', oneLine: true });
    expect([e.file, e.hint]).toEqual(['secret faults/m01', 'pass --force to store a new version (the current one is kept as AWSPREVIOUS)']);
    expect([count('CreateSecret'), count('PutSecretValue')]).toEqual([{ seen: 1, forwarded: 1 }, { seen: 0, forwarded: 0 }]);
    expect(await versions('faults/m01')).toEqual({ stages: [['AWSCURRENT']], current: value(1), previous: undefined });
  });

  it('M02 secret already present, force: a new version, the old one kept as AWSPREVIOUS', async () => {
    const first = await put('faults/m02', value(1));
    proxy.reset();
    const second = await put('faults/m02', value(2), true);
    expect([first, second].map((a) => ARN.test(a))).toEqual([true, true]);
    expect(second).toBe(first);
    expect([count('CreateSecret'), count('PutSecretValue')]).toEqual([{ seen: 1, forwarded: 1 }, { seen: 1, forwarded: 1 }]);
    expect(await versions('faults/m02')).toEqual({ stages: [['AWSCURRENT'], ['AWSPREVIOUS']], current: value(2), previous: value(1) });
  });

  it('M03 CreateSecret throttled twice, then succeeds', async () => {
    proxy.addRule({ match: { target: 'CreateSecret' }, fault: { kind: 'throttle' }, times: 2 });
    expect(await put('faults/m03', value(1))).toMatch(ARN);
    expect(count('CreateSecret')).toEqual({ seen: 3, forwarded: 1 });
    expect(await versions('faults/m03')).toEqual({ stages: [['AWSCURRENT']], current: value(1), previous: undefined });
  });

  it('M04 CreateSecret throttled on every attempt: exit 5 after 3 attempts, no secret in the message', async () => {
    proxy.addRule({ match: { target: 'CreateSecret' }, fault: { kind: 'throttle' }, times: Infinity });
    const e = await rejection(put('faults/m04', value(1)));
    expect(outcome(e)).toMatchObject({ code: 'AWS', exit: 5, oneLine: true });
    expect(e.message).toMatch(/^Secrets Manager CreateSecret failed: ThrottlingException: Rate exceeded \(request id certkit-fault-[0-9]+\)$/);
    expect(e.file).toBe('secret faults/m04');
    expect(`${e.message} ${e.hint ?? ''}`).not.toContain(SENTINEL);
    expect(count('CreateSecret')).toEqual({ seen: ATTEMPTS, forwarded: 0 });
  });

  it('M05 CreateSecret response lost once: the retry is not taken for "already exists"', async () => {
    proxy.addRule({ match: { target: 'CreateSecret' }, fault: { kind: 'dropResponse' } });
    expect(await put('faults/m05', value(1))).toMatch(ARN);
    const tokens = proxy.seen({ target: 'CreateSecret' }).map((r) => JSON.parse(r.body.toString('utf8')).ClientRequestToken);
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).toBe(tokens[1]);
    expect(await versions('faults/m05')).toEqual({ stages: [['AWSCURRENT']], current: value(1), previous: undefined });
  });

  it('M06 PutSecretValue (force) 503 once, then succeeds with one new version', async () => {
    await put('faults/m06', value(1));
    proxy.reset();
    proxy.addRule({ match: { target: 'PutSecretValue' }, fault: { kind: 'unavailable' } });
    expect(await put('faults/m06', value(2), true)).toMatch(ARN);
    expect(count('PutSecretValue')).toEqual({ seen: 2, forwarded: 1 });
    expect(await versions('faults/m06')).toEqual({ stages: [['AWSCURRENT'], ['AWSPREVIOUS']], current: value(2), previous: value(1) });
  });

  it('M07 PutSecretValue response lost once: one new version, AWSPREVIOUS still the old value', async () => {
    await put('faults/m07', value(1));
    proxy.reset();
    proxy.addRule({ match: { target: 'PutSecretValue' }, fault: { kind: 'dropResponse' } });
    expect(await put('faults/m07', value(2), true)).toMatch(ARN);
    expect(count('PutSecretValue')).toEqual({ seen: 2, forwarded: 2 });
    expect(await versions('faults/m07')).toEqual({ stages: [['AWSCURRENT'], ['AWSPREVIOUS']], current: value(2), previous: value(1) });
  });

  it('M08 CreateSecret AccessDeniedException: tried once, exit 5 with the permission hint', async () => {
    proxy.addRule({ match: { target: 'CreateSecret' }, fault: { kind: 'error', status: 400, type: 'AccessDeniedException', message: 'not authorized: secretsmanager:CreateSecret' }, times: Infinity });
    const e = await rejection(put('faults/m08', value(1)));
    expect(e.message).toMatch(/^Secrets Manager CreateSecret failed: AccessDeniedException: not authorized: secretsmanager:CreateSecret \(request id certkit-fault-[0-9]+\)$/);
    expect([e.code, outcome(e).exit, e.hint]).toEqual(['AWS', 5, 'the credentials in use lack the permission this step needs']);
    expect(count('CreateSecret')).toEqual({ seen: 1, forwarded: 0 });
  });
});
