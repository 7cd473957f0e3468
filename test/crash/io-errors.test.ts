/**
 * Local I/O errors while writing outputs: ENOSPC, EACCES, EROFS (injected through FsOps: root
 * ignores permissions and this machine has no full or read-only disk to spare) and EISDIR (a real
 * directory at the target path). Each gives exactly one line naming the path, exit status 7, and
 * no partial file (the failing output absent, no temp file).
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { exitStatusOf, formatError, isCertkitError } from '../../src/errors.js';
import { createLocalCaIssuer, initLocalCa, type LocalCa } from '../../src/issuers/local-ca.js';
import { runClientPipeline, STATE_FILE } from '../../src/pipeline.js';
import { BIN, builtCliExists, runBin, runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { checkOutputs, CRASH_DNAME, FaultyFs, type Step } from './support.js';

const root = tempDir('certkit-crash-io-');
let n = 0;
const fresh = () => {
  const d = join(root, `case-${++n}`);
  mkdirSync(d);
  return d;
};
let ca: LocalCa;
let key: KeyObject;
const ENV = { SP: 'io-store-pass' };

beforeAll(async () => {
  ca = await initLocalCa(join(root, 'ca'), { keyType: 'ec256' });
  key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
});

async function failingRun(step: Step, ordinal: number, code: string, file?: string) {
  const cwd = fresh();
  const fs = new FaultyFs({ step, ordinal, code, ...(file === undefined ? {} : { file }) });
  let error: unknown;
  try {
    await runClientPipeline(
      { dname: CRASH_DNAME, keyType: 'ec256', validity: '30d', alias: 'client', outDir: 'out', storePassword: ENV.SP },
      { issuer: async () => createLocalCaIssuer(ca), caDir: ca.dir, cwd, generateKey: async () => key, fs },
    );
  } catch (e) {
    error = e;
  }
  expect(isCertkitError(error)).toBe(true);
  const out = join(cwd, 'out');
  const after = await checkOutputs(out, { storePassword: ENV.SP, keyPassword: ENV.SP, keystoreLocation: join(out, 'kafka.client.keystore.jks') });
  return { error, line: formatError(error), status: exitStatusOf(error), after };
}

describe('local I/O errors: one line naming the path, exit 7, no partial file', () => {
  it.each([
    // [errno, step, ordinal of the calls on that output (the artifacts are staged concurrently,
    // and the lock and the resume state come first), the output it hits, the text]
    ['ENOSPC', 'write', 1, 'out/kafka.client.keystore.jks', 'no space left on device'],
    ['ENOSPC', 'fsync', 1, 'out/client_cert.pem', 'no space left on device'],
    ['EROFS', 'open', 1, `out/${STATE_FILE}`, 'read-only file system'],
    ['EROFS', 'link', 1, 'out/client_cert.pem', 'read-only file system'],
    ['EACCES', 'open', 1, 'out/keystore.p12', 'permission denied'],
    ['EACCES', 'mkdir', 1, 'out', 'permission denied'],
  ] as const)('%s at %s #%i of %s: %s', async (code, step, ordinal, path, text) => {
    const r = await failingRun(step, ordinal, code, basename(path));
    expect(r.line).toBe(`certkit: ${path}: cannot write: ${text}`);
    expect(r.status).toBe(7);
    expect(r.after.temps).toEqual([]);
    expect(r.after.present).not.toContain(path.slice('out/'.length));
  });

  it('EISDIR: a directory at an output path, in process: exit 7, one line, nothing written, with and without --force', async () => {
    const d = fresh();
    mkdirSync(join(d, 'out', 'private_key.pem'), { recursive: true });
    for (const force of [[], ['--force']]) {
      const r = await runCli(['client', '--ca-dir', ca.dir, '--out', 'out', '--storepass', 'env:SP', ...force], { cwd: d, env: ENV });
      expect([r.status, r.stdout, r.stderr]).toEqual([7, '', 'certkit: out/private_key.pem: cannot write: is a directory\n']);
      expect(readdirSync(join(d, 'out'))).toEqual(['private_key.pem']);
    }
    const k = await runCli(['keygen', '--key-type', 'ec256', '--out', 'out'], { cwd: d });
    expect([k.status, k.stderr]).toEqual([7, 'certkit: out: cannot write: is a directory\n']);
  });

  it.skipIf(!builtCliExists())('EISDIR as a real process: exit status 7 and the one line', () => {
    const d = fresh();
    mkdirSync(join(d, 'client.key'));
    const r = runBin(['keygen', '--key-type', 'ec256', '--out', 'client.key', '--force'], { cwd: d });
    expect([r.status, r.stdout, r.stderr]).toEqual([7, '', 'certkit: client.key: cannot write: is a directory\n']);
    expect(readdirSync(d)).toEqual(['client.key']);
  });

  it.skipIf(process.getuid?.() === 0)('EACCES for real (not as root): a read-only output directory', async () => {
    const d = fresh();
    mkdirSync(join(d, 'ro'));
    chmodSync(join(d, 'ro'), 0o500);
    const r = await runCli(['keygen', '--key-type', 'ec256', '--out', 'ro/client.key'], { cwd: d });
    expect([r.status, r.stderr]).toEqual([7, 'certkit: ro/client.key: cannot write: permission denied\n']);
    expect(existsSync(join(d, 'ro', 'client.key'))).toBe(false);
  });
});

describe('a file appearing between the check and the publish', () => {
  it('is not overwritten: EXISTS (exit 6) naming it, its bytes intact, no temp, and nothing issued is lost (the state stays)', async () => {
    const cwd = fresh();
    const intruder = Buffer.from('written by someone else meanwhile\n');
    class Racing extends FaultyFs {
      override async link(a: string, b: string): Promise<void> {
        if (b.endsWith('/keystore.p12')) writeFileSync(b, intruder, { mode: 0o644 });
        await super.link(a, b);
      }
    }
    const fs = new Racing();
    const e = await runClientPipeline(
      { dname: CRASH_DNAME, keyType: 'ec256', validity: '30d', alias: 'client', outDir: 'out', storePassword: ENV.SP },
      { issuer: async () => createLocalCaIssuer(ca), caDir: ca.dir, cwd, generateKey: async () => key, fs },
    ).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(formatError(e)).toBe('certkit: out/keystore.p12: refusing to overwrite an existing file (use --force to replace it)');
    expect(exitStatusOf(e)).toBe(6);
    expect(readFileSync(join(cwd, 'out', 'keystore.p12'))).toEqual(intruder);
    expect(readdirSync(join(cwd, 'out')).sort()).toEqual([STATE_FILE, 'kafka.client.keystore.jks', 'keystore.p12'].sort());
  });
});

/** True when this machine lets a test mount a read-only tmpfs in a mount namespace of its own. */
function canMountReadOnly(): boolean {
  const probe = join(root, 'ro-probe');
  mkdirSync(probe, { recursive: true });
  return spawnSync('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs -o ro tmpfs "$0" && ! mkdir "$0/x" 2>/dev/null', probe], { stdio: 'ignore' }).status === 0;
}

describe.skipIf(!builtCliExists())('directories are made one level at a time (bin/certkit)', () => {
  const args = (out: string, caDir: string) => ['client', '--ca-dir', caDir, '--key-type', 'ec256', '--out', out, '--storepass', 'env:SP'];
  // A run that loops (Node 20's recursive mkdir under /proc) is stopped here and fails with status null.
  const deadline = { timeout: 30_000 };

  it.each([
    ['--out', (dir: string) => args(dir, ca.dir)],
    ['--ca-dir', (dir: string) => args('out', dir)],
  ] as const)('%s under /proc: exit 7, one line, at once (not a loop)', (_option, argv) => {
    const dir = `/proc/certkit-no-such-dir-${process.pid}/certs`;
    const r = runBin(argv(dir), { cwd: fresh(), env: ENV, ...deadline });
    expect([r.status, r.stdout, r.stderr]).toEqual([
      7,
      '',
      `certkit: ${dir}: cannot write: the file system does not let /proc/certkit-no-such-dir-${process.pid} be made\n`,
    ]);
  });

  it.skipIf(!canMountReadOnly())('a read-only file system is reported as such, not as a missing directory', () => {
    const d = fresh();
    mkdirSync(join(d, 'ro'));
    const r = spawnSync(
      'unshare',
      ['-m', 'sh', '-c', 'mount -t tmpfs -o ro tmpfs ro && exec "$@"', 'sh', process.execPath, BIN, ...args('ro/new/certs', ca.dir)],
      { cwd: d, env: { PATH: process.env.PATH ?? '', HOME: d, ...ENV }, encoding: 'utf8', ...deadline },
    );
    expect([r.status, r.stdout, r.stderr]).toEqual([7, '', 'certkit: ro/new/certs: cannot write: read-only file system\n']);
  });
});
