/**
 * Secret files are 0600 from their first byte under any umask (000, 022, 077), also when --force
 * replaces an existing 0644 file: the temporary file is created 0600 (its mode read with fstat
 * right after open), and the inode published at the target is that same inode (rename/link, never
 * a copy), so no name ever points at a secret more open than 0600. In process (the library, with a
 * recording FsOps) and as a real process under `umask`.
 */
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ARTIFACT_FILES } from '../../src/artifacts.js';
import { createLocalCaIssuer, initLocalCa, type LocalCa } from '../../src/issuers/local-ca.js';
import { runClientPipeline } from '../../src/pipeline.js';
import { writeFileAtomic } from '../../src/sinks/directory.js';
import { builtCliExists, runBin } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { CRASH_DNAME, FaultyFs, OUTPUTS } from './support.js';

const root = tempDir('certkit-crash-modes-');
let n = 0;
const fresh = () => {
  const d = join(root, `case-${++n}`);
  mkdirSync(d);
  return d;
};
const mode = (p: string) => statSync(p).mode & 0o777;
const UMASKS = [0o000, 0o022, 0o077] as const;
const SECRET_NAMES = new Set<string>([ARTIFACT_FILES.jks, ARTIFACT_FILES.p12, ARTIFACT_FILES.key, ARTIFACT_FILES.secret, ARTIFACT_FILES.properties]);

let saved = 0;
let ca: LocalCa;
beforeAll(async () => {
  saved = process.umask();
  ca = await initLocalCa(join(root, 'ca'));
});
afterAll(() => {
  process.umask(saved);
});

describe.each(UMASKS.map((u) => [u.toString(8).padStart(3, '0'), u] as const))('under umask %s', (_name, umask) => {
  it('a new secret file: the temp is created 0600, and that inode is published with mode 0600', async () => {
    process.umask(umask);
    const d = fresh();
    const fs = new FaultyFs();
    await writeFileAtomic(join(d, 'key.pem'), Buffer.from('secret\n'), { fs });
    expect(fs.temps).toHaveLength(1);
    expect(fs.temps[0]!.modeAtCreate).toBe(0o600);
    const st = statSync(join(d, 'key.pem'));
    expect(st.ino).toBe(fs.temps[0]!.ino);
    expect(st.mode & 0o7777).toBe(0o600);
    expect(readFileSync(join(d, 'key.pem'), 'utf8')).toBe('secret\n');
  });

  it('--force over an existing 0644 file: a new inode, created 0600, replaces it (never the old 0644 inode with new bytes)', async () => {
    process.umask(umask);
    const d = fresh();
    const target = join(d, 'keystore.p12');
    writeFileSync(target, 'old public bytes');
    chmodSync(target, 0o644);
    const oldIno = statSync(target).ino;
    const fs = new FaultyFs();
    await writeFileAtomic(target, Buffer.from('new secret bytes'), { force: true, fs });
    expect(fs.temps[0]!.modeAtCreate).toBe(0o600);
    const st = statSync(target);
    expect(st.ino).toBe(fs.temps[0]!.ino);
    expect(st.ino).not.toBe(oldIno);
    expect(st.mode & 0o7777).toBe(0o600);
    expect(readFileSync(target, 'utf8')).toBe('new secret bytes');
  });

  it('a public file is created no wider than 0644 and ends exactly 0644', async () => {
    process.umask(umask);
    const d = fresh();
    const fs = new FaultyFs();
    await writeFileAtomic(join(d, 'cert.pem'), Buffer.from('public\n'), { mode: 0o644, fs });
    expect(fs.temps[0]!.modeAtCreate).toBe(0o644 & ~umask);
    expect(mode(join(d, 'cert.pem'))).toBe(0o644);
  });

  it('certkit client (library, local CA), fresh and then --force over 0644 copies: secrets 0600 from creation, public 0644, directory 0700', async () => {
    process.umask(umask);
    const cwd = fresh();
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const run = async (force: boolean, fs: FaultyFs) =>
      runClientPipeline(
        { dname: CRASH_DNAME, keyType: 'ec256', validity: '30d', alias: 'client', outDir: 'out', force, storePassword: 's3cret-store' },
        { issuer: async () => createLocalCaIssuer(ca), caDir: ca.dir, cwd, generateKey: async () => key, fs },
      );
    for (const force of [false, true]) {
      if (force) for (const name of OUTPUTS) chmodSync(join(cwd, 'out', name), 0o644);
      const fs = new FaultyFs();
      await run(force, fs);
      expect(mode(join(cwd, 'out'))).toBe(0o700);
      const byName = new Map(fs.temps.map((t) => [t.path.replace(/^.*\/\.(.+)\.tmp-[0-9a-f]+$/, '$1'), t]));
      for (const name of OUTPUTS) {
        const secret = SECRET_NAMES.has(name);
        const t = byName.get(name)!;
        expect([name, t.modeAtCreate & ~(secret ? 0o600 : 0o644)]).toEqual([name, 0]);
        if (secret) expect([name, t.modeAtCreate]).toEqual([name, 0o600]);
        const st = statSync(join(cwd, 'out', name));
        expect([name, st.mode & 0o7777, st.ino]).toEqual([name, secret ? 0o600 : 0o644, t.ino]);
      }
      expect(byName.get('.certkit-state.json')!.modeAtCreate).toBe(0o600);
    }
  });
});

describe.skipIf(!builtCliExists())('as a real process (bin/certkit) under umask', () => {
  it.each(UMASKS.map((u) => [u.toString(8).padStart(3, '0'), u] as const))('umask %s: keygen writes 0600; --force over a 0644 file leaves 0600', (_name, umask) => {
    const d = fresh();
    const r = runBin(['keygen', '--key-type', 'ec256', '--out', 'client.key'], { cwd: d, umask });
    expect([r.status, r.stderr]).toEqual([0, 'certkit: wrote client.key (EC P-256)\n']);
    expect(mode(join(d, 'client.key'))).toBe(0o600);
    chmodSync(join(d, 'client.key'), 0o644);
    const again = runBin(['keygen', '--key-type', 'ec256', '--out', 'client.key', '--force'], { cwd: d, umask });
    expect(again.status).toBe(0);
    expect(mode(join(d, 'client.key'))).toBe(0o600);
  });
});
