/**
 * A resume state (`<out>/.certkit-state.json`) is resumed only when it is what an earlier run of
 * the same command left: a regular file owned by this user, mode 0600, whose CSR verifies, is for
 * the key it holds, and asks for exactly the subject (and no SANs) this command would. A planted
 * one, with --force or without, is refused in one line naming it (exit 3), nothing is issued and
 * the file is left as it was. An output directory others can write (no sticky bit) is refused.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { exitStatusOf, formatError } from '../../src/errors.js';
import type { Issuer } from '../../src/issuers/issuer.js';
import { createLocalCaIssuer, initLocalCa, type LocalCa } from '../../src/issuers/local-ca.js';
import { exportPkcs8Pem } from '../../src/keys.js';
import { encodePem } from '../../src/pem.js';
import { runClientPipeline, STATE_FILE, type ClientPipelineDeps, type ClientPipelineOptions } from '../../src/pipeline.js';
import { buildCsr } from '../../src/x509/csr.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

const root = tempDir('certkit-resume-state-');
let n = 0;
const fresh = () => {
  const d = join(root, `case-${++n}`);
  mkdirSync(join(d, 'out'), { recursive: true, mode: 0o700 });
  return d;
};
const DNAME = 'CN=victim client,O=certkit';
const HINT = '(remove it if you did not leave it there; a run without it starts afresh)';
const isRoot = process.geteuid?.() === 0;

let ca: LocalCa;
let victimKey: KeyObject;
let attackerKey: KeyObject;

beforeAll(async () => {
  ca = await initLocalCa(join(root, 'ca'), { keyType: 'ec256' });
  victimKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  attackerKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
});

const options = (force: boolean): ClientPipelineOptions => ({
  dname: DNAME,
  keyType: 'ec256',
  validity: '30d',
  alias: 'client',
  outDir: 'out',
  force,
  storePassword: 'resume-store-pass',
});

/** The deps of a run in `cwd`, counting what the CA is asked to sign. */
function deps(cwd: string, signed: Buffer[], extra: Partial<ClientPipelineDeps> = {}): ClientPipelineDeps {
  const local = createLocalCaIssuer(ca);
  const issuer: Issuer = { name: local.name, issue: (req) => (signed.push(req.csrDer), local.issue(req)) };
  return { issuer: async () => issuer, caDir: ca.dir, cwd, generateKey: async () => victimKey, ...extra };
}

interface Plant {
  readonly key?: KeyObject;
  readonly csr?: Buffer;
  readonly mode?: number;
}

/** Writes a resume state for this command (same dname, key type and CA) into cwd/out. */
function plant(cwd: string, p: Plant = {}): string {
  const key = p.key ?? victimKey;
  const state = {
    version: 1,
    dname: DNAME,
    keyType: 'ec256',
    ca: ca.dir,
    key: exportPkcs8Pem(key),
    csr: encodePem('CERTIFICATE REQUEST', p.csr ?? buildCsr({ subject: DNAME, key })),
  };
  const path = join(cwd, 'out', STATE_FILE);
  writeFileSync(path, JSON.stringify(state) + '\n');
  chmodSync(path, p.mode ?? 0o600);
  return path;
}

/** What cwd/out holds: each name with its content (or what it is, if not a regular file). */
const listing = (cwd: string) =>
  readdirSync(join(cwd, 'out')).map((name) => {
    const p = join(cwd, 'out', name);
    const st = lstatSync(p);
    return [name, st.isFile() ? readFileSync(p, 'utf8') : st.isSymbolicLink() ? `-> ${readlinkSync(p)}` : 'not a file'];
  });

/** Runs the pipeline expecting a refusal; returns its one line, having checked exit 3 and that nothing was signed or changed. */
async function refused(cwd: string, force: boolean, extra: Partial<ClientPipelineDeps> = {}): Promise<string> {
  const before = listing(cwd);
  const signed: Buffer[] = [];
  const e = await runClientPipeline(options(force), deps(cwd, signed, extra)).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(exitStatusOf(e)).toBe(3);
  expect(signed).toEqual([]);
  expect(listing(cwd)).toEqual(before);
  return formatError(e);
}

const line = (why: string) => `certkit: out/${STATE_FILE}: not resuming from this file: ${why} ${HINT}`;

describe('a planted resume state is refused, with --force and without', () => {
  it('one this command left (0600, owned by this user, its own CSR) is resumed: the CA signs that CSR', async () => {
    const cwd = fresh();
    const csr = buildCsr({ subject: DNAME, key: victimKey });
    plant(cwd, { csr });
    const signed: Buffer[] = [];
    const r = await runClientPipeline(options(false), { ...deps(cwd, signed), generateKey: async () => attackerKey });
    expect(r.resumed).toBe(true);
    expect(signed).toEqual([csr]);
  });

  it.each([false, true])('a CSR for another key than the one the state holds (force %s)', async (force) => {
    const cwd = fresh();
    plant(cwd, { csr: buildCsr({ subject: DNAME, key: attackerKey }) });
    expect(await refused(cwd, force)).toBe(line('its CSR is for another key than the one it holds'));
  });

  it.each([false, true])('a CSR for another subject (force %s)', async (force) => {
    const cwd = fresh();
    plant(cwd, { csr: buildCsr({ subject: 'CN=admin,O=certkit', key: victimKey }) });
    expect(await refused(cwd, force)).toBe(line('its CSR asks for another subject than --dname'));
  });

  it('a CSR asking for subject alternative names', async () => {
    const cwd = fresh();
    plant(cwd, { csr: buildCsr({ subject: DNAME, key: victimKey, subjectAltNames: [{ type: 'dns', value: 'bank.example' }] }) });
    expect(await refused(cwd, true)).toBe(line('its CSR asks for subject alternative names, which this command does not'));
  });

  it('a CSR whose signature does not verify', async () => {
    const cwd = fresh();
    const csr = Buffer.from(buildCsr({ subject: DNAME, key: victimKey }));
    csr[csr.length - 1] = csr[csr.length - 1]! ^ 0x01;
    plant(cwd, { csr });
    expect(await refused(cwd, true)).toBe(line('its CSR signature does not verify'));
  });

  it('an RSA key where ec256 is asked for', async () => {
    const cwd = fresh();
    plant(cwd, { key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey });
    expect(await refused(cwd, true)).toBe(line('its key is not an ec256 key'));
  });

  it.each([0o644, 0o640, 0o400, 0o700].map((m) => [m.toString(8), m] as const))('mode %s instead of 0600', async (_, mode) => {
    const cwd = fresh();
    plant(cwd, { mode });
    expect(await refused(cwd, true)).toBe(line(`its mode is ${mode.toString(8).padStart(4, '0')}, not 0600`));
  });

  it(`owned by another user (${isRoot ? 'chown to uid 4242' : 'a uid that is not this one, injected'})`, async () => {
    const cwd = fresh();
    const path = plant(cwd);
    const me = process.geteuid?.() ?? 0;
    if (isRoot) chownSync(path, 4242, 4242);
    const extra = isRoot ? {} : { uid: me + 1 };
    const owner = isRoot ? 4242 : me;
    const uid = isRoot ? me : me + 1;
    expect(await refused(cwd, true, extra)).toBe(line(`it is owned by uid ${owner}, not by this user (uid ${uid})`));
  });

  it('a symbolic link, even to a state this command left', async () => {
    const cwd = fresh();
    const real = plant(cwd);
    const elsewhere = join(cwd, 'elsewhere.json');
    renameSync(real, elsewhere);
    symlinkSync(elsewhere, real);
    expect(await refused(cwd, true)).toBe(line('it is a symbolic link'));
  });

  it('a directory in its place', async () => {
    const cwd = fresh();
    mkdirSync(join(cwd, 'out', STATE_FILE));
    expect(await refused(cwd, true)).toBe(line('it is a directory, not a regular file'));
  });

  it('through the CLI: one line naming the file, exit 3, with --force', async () => {
    const cwd = fresh();
    plant(cwd, { csr: buildCsr({ subject: DNAME, key: attackerKey }) });
    const r = await runCli(['client', '--ca-dir', ca.dir, '--dname', DNAME, '--key-type', 'ec256', '--out', 'out', '--storepass', 'env:SP', '--force'], {
      cwd,
      env: { SP: 'resume-store-pass' },
    });
    expect([r.status, r.stdout, r.stderr]).toEqual([3, '', line('its CSR is for another key than the one it holds') + '\n']);
  });
});

describe('an output directory others can write', () => {
  it.each([0o777, 0o775, 0o757, 0o770].map((m) => [m.toString(8), m] as const))('mode %s is refused before anything is made or asked (exit 7)', async (_, mode) => {
    const cwd = fresh();
    chmodSync(join(cwd, 'out'), mode);
    const signed: Buffer[] = [];
    const e = await runClientPipeline(options(true), deps(cwd, signed)).then(
      () => undefined,
      (err: unknown) => err,
    );
    const shown = (mode & 0o7777).toString(8).padStart(4, '0');
    expect([formatError(e), exitStatusOf(e)]).toEqual([
      `certkit: out: cannot write: others can write this directory (mode ${shown}, no sticky bit) (remove their write permission with chmod go-w, or use a directory only you can write)`,
      7,
    ]);
    expect([signed, readdirSync(join(cwd, 'out'))]).toEqual([[], []]);
  });

  it.each([0o1777, 0o1770, 0o755, 0o700].map((m) => [m.toString(8), m] as const))('mode %s is used', async (_, mode) => {
    const cwd = fresh();
    chmodSync(join(cwd, 'out'), mode);
    const r = await runClientPipeline(options(false), deps(cwd, []));
    expect(r.files).toHaveLength(9);
  });
});
