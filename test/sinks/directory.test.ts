import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CertkitError } from '../../src/errors.js';
import {
  checkArtifacts,
  DirectorySink,
  inFlightTempFiles,
  makeOutputDirectory,
  stageFile,
  writeArtifacts,
  writeFileAtomic,
} from '../../src/sinks/directory.js';
import { tempDir } from '../support/tmp.js';

const root = tempDir('certkit-sink-');
let n = 0;
const fresh = () => {
  const d = join(root, `case-${++n}`);
  mkdirSync(d);
  return d;
};
const mode = (p: string) => statSync(p).mode & 0o777;

async function failure(p: Promise<unknown>): Promise<CertkitError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CertkitError) return e;
    throw e;
  }
  throw new Error('expected a CertkitError');
}

// Modes must come from the code, not from the umask: run everything under umask 000.
let savedUmask = 0;
beforeAll(() => {
  savedUmask = process.umask(0);
});
afterAll(() => {
  process.umask(savedUmask);
});

describe('writeFileAtomic', () => {
  it('writes the bytes with mode 0600 by default, and 0644 when asked, under umask 000', async () => {
    const d = fresh();
    await writeFileAtomic(join(d, 'key.pem'), Buffer.from('secret\n'));
    await writeFileAtomic(join(d, 'cert.pem'), Buffer.from('public\n'), { mode: 0o644 });
    expect(readFileSync(join(d, 'key.pem'), 'utf8')).toBe('secret\n');
    expect(mode(join(d, 'key.pem'))).toBe(0o600);
    expect(readFileSync(join(d, 'cert.pem'), 'utf8')).toBe('public\n');
    expect(mode(join(d, 'cert.pem'))).toBe(0o644);
    expect(readdirSync(d).sort()).toEqual(['cert.pem', 'key.pem']);
  });

  it('refuses to replace an existing file without force: EXISTS naming the path, file untouched, no temp left', async () => {
    const d = fresh();
    writeFileSync(join(d, 'out.jks'), 'original');
    const e = await failure(writeFileAtomic('out.jks', Buffer.from('new'), { cwd: d }));
    expect(e.code).toBe('EXISTS');
    expect(e.file).toBe('out.jks');
    expect(e.hint).toBe('use --force to replace it');
    expect(e.message).toBe('refusing to overwrite an existing file');
    expect(readFileSync(join(d, 'out.jks'), 'utf8')).toBe('original');
    expect(readdirSync(d)).toEqual(['out.jks']);
  });

  it('publishes without ever replacing: of concurrent writers to one path exactly one wins, the rest get EXISTS', async () => {
    const d = fresh();
    const target = join(d, 'raced.key');
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => writeFileAtomic(target, Buffer.from(`writer ${i}\n`))),
    );
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    expect(won).toHaveLength(1);
    for (const r of results) {
      // Every loser was stopped by link(2) itself (all checks ran before any file existed).
      if (r.status === 'rejected') expect([(r.reason as CertkitError).code, ((r.reason as CertkitError).cause as { code?: string })?.code]).toEqual(['EXISTS', 'EEXIST']);
    }
    expect(readFileSync(target, 'utf8')).toBe(`writer ${won[0]}\n`);
    expect(mode(target)).toBe(0o600);
    expect(readdirSync(d)).toEqual(['raced.key']);
  });

  it('replaces with force, and the new file gets the requested mode', async () => {
    const d = fresh();
    writeFileSync(join(d, 'out.p12'), 'original', { mode: 0o644 });
    await writeFileAtomic(join(d, 'out.p12'), Buffer.from('replaced'), { force: true });
    expect(readFileSync(join(d, 'out.p12'), 'utf8')).toBe('replaced');
    expect(mode(join(d, 'out.p12'))).toBe(0o600);
    expect(readdirSync(d)).toEqual(['out.p12']);
  });

  it('never writes through a symlink nor replaces one: WRITE_FAILED with and without force, the link and its target untouched', async () => {
    const d = fresh();
    writeFileSync(join(d, 'elsewhere'), 'victim');
    symlinkSync(join(d, 'elsewhere'), join(d, 'link.key'));
    for (const force of [false, true]) {
      const e = await failure(writeFileAtomic(join(d, 'link.key'), Buffer.from('key'), { force }));
      expect([e.code, e.message]).toEqual(['WRITE_FAILED', 'cannot write: a symbolic link is in the way (only a regular file is ever replaced, with --force)']);
      expect([lstatSync(join(d, 'link.key')).isSymbolicLink(), readFileSync(join(d, 'elsewhere'), 'utf8')]).toEqual([true, 'victim']);
      expect(readdirSync(d).sort()).toEqual(['elsewhere', 'link.key']);
    }
  });

  it.each([
    ['a FIFO', (p: string) => expect(spawnSync('mkfifo', [p]).status).toBe(0)],
    ['a symbolic link', (p: string) => symlinkSync('/proc/self/fd/1', p)], // as /dev/stdout is
    ...(process.getuid?.() === 0 ? [['a character device', (p: string) => expect(spawnSync('mknod', [p, 'c', '1', '3']).status).toBe(0)] as const] : []),
  ] as const)('with force, %s at a target is refused (one artifact or a set), and is still there', async (kind, make) => {
    const d = fresh();
    make(join(d, 'private_key.pem'));
    const before = lstatSync(join(d, 'private_key.pem'));
    const single = await failure(writeFileAtomic(join(d, 'private_key.pem'), Buffer.from('key'), { force: true }));
    const set = await failure(writeArtifacts(d, [{ name: 'private_key.pem', data: Buffer.from('key'), sensitive: true }], { force: true }));
    for (const e of [single, set]) {
      expect([e.code, e.file, e.message]).toEqual([
        'WRITE_FAILED',
        join(d, 'private_key.pem'),
        `cannot write: ${kind} is in the way (only a regular file is ever replaced, with --force)`,
      ]);
    }
    const after = lstatSync(join(d, 'private_key.pem'));
    expect([after.ino, after.mode]).toEqual([before.ino, before.mode]);
    expect(readdirSync(d)).toEqual(['private_key.pem']);
  });

  it('reports a missing directory as WRITE_FAILED naming the path as given', async () => {
    const d = fresh();
    const e = await failure(writeFileAtomic('nope/key.pem', Buffer.from('x'), { cwd: d }));
    expect(e.code).toBe('WRITE_FAILED');
    expect(e.file).toBe('nope/key.pem');
    expect(e.message).toBe('cannot write: the directory does not exist');
    expect(readdirSync(d)).toEqual([]);
  });

  it('reports a path under a regular file as WRITE_FAILED (ENOTDIR)', async () => {
    const d = fresh();
    writeFileSync(join(d, 'plain'), 'x');
    const e = await failure(writeFileAtomic(join(d, 'plain', 'key.pem'), Buffer.from('x')));
    expect(e.code).toBe('WRITE_FAILED');
    expect(e.message).toBe('cannot write: a component of the path is not a directory');
  });

  it('removes its temporary file when publishing fails (a directory in the way, with force)', async () => {
    const d = fresh();
    mkdirSync(join(d, 'target'));
    writeFileSync(join(d, 'target', 'inside'), 'x');
    const e = await failure(writeFileAtomic(join(d, 'target'), Buffer.from('x'), { force: true }));
    expect(e.code).toBe('WRITE_FAILED');
    expect(readdirSync(d)).toEqual(['target']);
    expect(readdirSync(join(d, 'target'))).toEqual(['inside']);
  });

  it('says a directory is in the way without force too (not EXISTS: --force would not help)', async () => {
    const d = fresh();
    mkdirSync(join(d, 'target'));
    const e = await failure(writeFileAtomic(join(d, 'target'), Buffer.from('x')));
    expect(e.code).toBe('WRITE_FAILED');
    expect(e.message).toBe('cannot write: is a directory');
  });

  it.skipIf(process.getuid?.() === 0)('reports a read-only directory as WRITE_FAILED and leaves no temp file', async () => {
    const d = fresh();
    chmodSync(d, 0o500);
    try {
      const e = await failure(writeFileAtomic(join(d, 'key.pem'), Buffer.from('x')));
      expect(e.code).toBe('WRITE_FAILED');
      expect(e.message).toBe('cannot write: permission denied');
      expect(readdirSync(d)).toEqual([]);
    } finally {
      chmodSync(d, 0o700);
    }
  });
});

describe('stageFile', () => {
  it('writes the file under its temporary name only; publish puts it at its path with its mode', async () => {
    const d = fresh();
    const staged = await stageFile(join(d, 'state.json'), Buffer.from('{"v":1}\n'), { mode: 0o600 });
    const [tmp] = readdirSync(d);
    expect(tmp).toMatch(/^\.state\.json\.tmp-[0-9a-f]{12}$/);
    expect(readFileSync(join(d, tmp!), 'utf8')).toBe('{"v":1}\n');
    expect(mode(join(d, tmp!))).toBe(0o600);
    expect(inFlightTempFiles()).toEqual([join(d, tmp!)]);
    await staged.publish();
    expect(readdirSync(d)).toEqual(['state.json']);
    expect([readFileSync(join(d, 'state.json'), 'utf8'), mode(join(d, 'state.json'))]).toEqual(['{"v":1}\n', 0o600]);
    expect(inFlightTempFiles()).toEqual([]);
    await staged.discard(); // nothing once published
    expect(readdirSync(d)).toEqual(['state.json']);
    expect((await failure(staged.publish())).code).toBe('INTERNAL');
  });

  it('discard removes the staged file and leaves what was at the path', async () => {
    const d = fresh();
    writeFileSync(join(d, 'state.json'), 'previous');
    const staged = await stageFile(join(d, 'state.json'), Buffer.from('next'), { force: true });
    expect(readdirSync(d)).toHaveLength(2);
    await staged.discard();
    expect(readdirSync(d)).toEqual(['state.json']);
    expect(readFileSync(join(d, 'state.json'), 'utf8')).toBe('previous');
    expect(inFlightTempFiles()).toEqual([]);
    expect((await failure(staged.publish())).code).toBe('INTERNAL');
  });

  it('without force, refuses an existing file before staging anything', async () => {
    const d = fresh();
    writeFileSync(join(d, 'state.json'), 'previous');
    const e = await failure(stageFile(join(d, 'state.json'), Buffer.from('next')));
    expect([e.code, e.file]).toEqual(['EXISTS', join(d, 'state.json')]);
    expect(readdirSync(d)).toEqual(['state.json']);
  });
});

describe('makeOutputDirectory', () => {
  it('creates the missing directories 0700; its undo removes exactly those, deepest first', async () => {
    const d = fresh();
    const undo = await makeOutputDirectory('a/b/c', { cwd: d });
    expect([mode(join(d, 'a/b/c')), statSync(join(d, 'a/b/c')).isDirectory()]).toEqual([0o700, true]);
    await undo();
    expect(readdirSync(d)).toEqual([]);
  });

  it('leaves a directory that was there, and one that is no longer empty', async () => {
    const d = fresh();
    mkdirSync(join(d, 'a'));
    const undo = await makeOutputDirectory(join(d, 'a', 'b', 'c'));
    writeFileSync(join(d, 'a', 'b', 'other'), 'x');
    await undo();
    expect([readdirSync(join(d, 'a')), readdirSync(join(d, 'a', 'b'))]).toEqual([['b'], ['other']]);
    const kept = await makeOutputDirectory(join(d, 'a'));
    await kept();
    expect(readdirSync(d)).toEqual(['a']);
  });

  it('a file in the way is WRITE_FAILED naming the directory as given', async () => {
    const d = fresh();
    writeFileSync(join(d, 'out'), 'x');
    const e = await failure(makeOutputDirectory('out', { cwd: d }));
    expect([e.code, e.file]).toEqual(['WRITE_FAILED', 'out']);
  });
});

describe('writeArtifacts', () => {
  const artifacts = [
    { name: 'kafka.client.keystore.jks', data: Buffer.from('jks'), sensitive: true },
    { name: 'client_cert.pem', data: Buffer.from('cert'), sensitive: false },
    { name: 'private_key.pem', data: Buffer.from('key'), sensitive: true },
  ];

  it('creates the directory 0700 and writes each artifact with its mode, returning the paths', async () => {
    const d = join(fresh(), 'certs');
    const written = await writeArtifacts(d, artifacts);
    expect(written).toEqual(artifacts.map((a) => join(d, a.name)));
    expect(mode(d)).toBe(0o700);
    expect(mode(join(d, 'kafka.client.keystore.jks'))).toBe(0o600);
    expect(mode(join(d, 'client_cert.pem'))).toBe(0o644);
    expect(mode(join(d, 'private_key.pem'))).toBe(0o600);
    expect(readFileSync(join(d, 'private_key.pem'), 'utf8')).toBe('key');
    expect(readdirSync(d).sort()).toEqual(['client_cert.pem', 'kafka.client.keystore.jks', 'private_key.pem']);
  });

  it('writes nothing when any target exists without force, naming it', async () => {
    const d = fresh();
    writeFileSync(join(d, 'private_key.pem'), 'old key');
    const e = await failure(writeArtifacts('.', artifacts, { cwd: d }));
    expect(e.code).toBe('EXISTS');
    expect(e.file).toBe('private_key.pem');
    expect(readdirSync(d)).toEqual(['private_key.pem']);
    expect(readFileSync(join(d, 'private_key.pem'), 'utf8')).toBe('old key');
  });

  it('replaces every target with force', async () => {
    const d = fresh();
    writeFileSync(join(d, 'private_key.pem'), 'old key');
    await writeArtifacts(d, artifacts, { force: true });
    expect(readFileSync(join(d, 'private_key.pem'), 'utf8')).toBe('key');
    expect(mode(join(d, 'private_key.pem'))).toBe(0o600);
  });

  it('rejects artifact names that are not plain file names', async () => {
    const d = fresh();
    const e = await failure(writeArtifacts(d, [{ name: '../escape', data: Buffer.from('x'), sensitive: true }]));
    expect(e.code).toBe('INTERNAL');
    expect(readdirSync(d)).toEqual([]);
  });

  it('checkArtifacts and DirectorySink.check fail on an existing target without writing; a file as the directory is WRITE_FAILED', async () => {
    const d = fresh();
    writeFileSync(join(d, 'client_cert.pem'), 'old');
    expect((await failure(checkArtifacts(d, artifacts))).code).toBe('EXISTS');
    const sink = new DirectorySink(d);
    expect(sink.description).toBe(d);
    expect((await failure(sink.check(artifacts))).file).toBe(join(d, 'client_cert.pem'));
    await new DirectorySink(d, { force: true }).check(artifacts);
    expect(readdirSync(d)).toEqual(['client_cert.pem']);
    writeFileSync(join(d, 'file'), 'x');
    const e = await failure(writeArtifacts(join(d, 'file'), artifacts));
    expect(e.code).toBe('WRITE_FAILED');
    expect(e.message).toBe('cannot write: a component of the path is not a directory');
  });
});
