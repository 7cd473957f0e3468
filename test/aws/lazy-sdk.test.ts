/**
 * Commands that need no AWS never load the SDK: `certkit --help`, `certkit pca --help` and
 * importing the library's AWS modules leave @aws-sdk out of the module cache; making a client
 * brings it in (which shows the check itself works).
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const cache = createRequire(import.meta.url).cache;
const sdkModules = () => Object.keys(cache).filter((k) => k.includes('/node_modules/@aws-sdk/client-'));

describe('lazy AWS SDK', () => {
  it('is not loaded by --help or by importing the AWS modules, and is once a client is made', async () => {
    const help = await runCli(['--help']);
    expect([help.status, help.stdout.includes('certkit pca')]).toEqual([0, true]);
    const pcaHelp = await runCli(['pca', 'issue', '--help']);
    expect([pcaHelp.status, pcaHelp.stdout.includes('--ca-arn')]).toEqual([0, true]);
    const config = await import('../../src/aws/config.js');
    await import('../../src/issuers/acm-pca.js');
    await import('../../src/sinks/s3.js');
    await import('../../src/sinks/secrets-manager.js');
    expect(sdkModules()).toEqual([]);

    const client = await config.createAcmPcaClient({ region: 'us-east-1', env: {}, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    client.destroy();
    expect(sdkModules().map((k) => k.replace(/^.*node_modules\//, ''))).toContain('@aws-sdk/client-acm-pca/dist-cjs/index.js');
  });
});
