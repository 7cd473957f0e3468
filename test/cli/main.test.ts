/** The CLI frame: help, version, usage errors, error lines, --debug, lazy loading; in process and as bin/certkit. */
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { main } from '../../src/cli/main.js';
import { BIN, builtCliExists, ROOT, runBin, runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

const dir = tempDir('certkit-cli-main-');
const CHAIN = join(ROOT, 'fixtures/jks/rsa2048-chain2-storepass-ne-keypass.jks');
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const COMMANDS = [
  ['keystore', 'list'],
  ['keystore', 'convert'],
  ['keystore', 'export'],
  ['keystore', 'create'],
  ['truststore', 'create'],
  ['keygen'],
  ['csr'],
];

describe('help and version', () => {
  it('--help lists the commands on stdout and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    for (const c of ['keystore', 'truststore', 'keygen', 'csr']) expect(r.stdout).toMatch(new RegExp(`^  certkit ${c}\\b`, 'm'));
  });

  it.each(COMMANDS)('%s %s --help has examples, and they take passwords from env: or file:', async (...cmd) => {
    const r = await runCli([...cmd.filter((c) => c !== undefined), '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Examples:');
    const examples = r.stdout.slice(r.stdout.indexOf('Examples:'));
    const passwordOptions = [...examples.matchAll(/--(?:\w+pass|passin|passout)\s+(\S+)/g)].map((m) => m[1]!);
    for (const p of passwordOptions) expect(p).toMatch(/^(env|file):/);
  });

  it('--version prints the package version', async () => {
    expect(await runCli(['--version'])).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
  });
});

describe('usage errors: exit 2, one line, nothing on stdout', () => {
  it.each([
    [['keygen', '--out', 'x', '--bogus'], "certkit: unknown option --bogus (see 'certkit keygen --help')"],
    [['keystore', 'convert', 'a.jks', 'b.p12', '--srcstorepass', 'env:A'], "certkit: Missing required argument: deststorepass (see 'certkit --help')"],
    [['keystore'], "certkit: 'certkit keystore' needs a subcommand: list, create, convert or export (see 'certkit keystore --help')"],
    [['keystore', 'list', 'a.jks', '--storepass', 'env:A', '--storepass', 'env:B'], "certkit: --storepass was given more than once (see 'certkit keystore list --help')"],
    [['keygen', '--out', 'x', '--key-type', 'dsa'], 'certkit: unknown key type "dsa" (expected one of rsa2048, rsa3072, rsa4096, ec256, ec384)'],
    [['keystore', 'convert', 'a', 'b.p12', '--srcstorepass', 'env:A', '--deststorepass', 'env:B', '--deststoretype', 'jceks'],
      'certkit: Invalid values: Argument: deststoretype, Given: "jceks", Choices: "jks", "pkcs12" (see \'certkit keystore convert --help\')'],
  ] as const)('%j', async (args, line) => {
    const r = await runCli(args, { cwd: dir });
    expect(r).toEqual({ status: 2, stdout: '', stderr: line + '\n' });
  });
});

describe('errors', () => {
  it('a bug (a non-certkit error) exits 1 with one line; --debug adds the stack', async () => {
    const broken = {
      write: () => {
        throw new TypeError('stdout exploded');
      },
    };
    const io = (out: typeof broken) => ({ stdout: out, stderr: { write: (s: string) => void errs.push(s) }, stdin: '', env: { SP: 'chain-storepass' }, cwd: dir });
    let errs: string[] = [];
    expect(await main(['keystore', 'list', CHAIN, '--storepass', 'env:SP'], io(broken))).toBe(1);
    expect(errs.join('')).toBe('certkit: internal error: stdout exploded (this is a bug; rerun with --debug and report it)\n');
    errs = [];
    expect(await main(['keystore', 'list', CHAIN, '--storepass', 'env:SP', '--debug'], io(broken))).toBe(1);
    const lines = errs.join('').split('\n');
    expect(lines[0]).toBe('certkit: internal error: stdout exploded (this is a bug; rerun with --debug and report it)');
    expect(lines[1]).toBe('TypeError: stdout exploded');
    expect(lines[2]).toMatch(/^ {4}at /);
  });

  it('a certkit error prints no stack without --debug, and a stack with its cause chain with --debug', async () => {
    const args = ['keystore', 'list', 'missing.jks', '--storepass', 'env:SP'];
    const plain = await runCli(args, { cwd: dir, env: { SP: 'x' } });
    expect(plain).toEqual({ status: 3, stdout: '', stderr: 'certkit: missing.jks: cannot read: no such file\n' });
    const debug = await runCli([...args, '--debug'], { cwd: dir, env: { SP: 'x' } });
    expect(debug.status).toBe(3);
    const lines = debug.stderr.split('\n');
    expect(lines[0]).toBe('certkit: missing.jks: cannot read: no such file');
    expect(lines[1]).toBe('CertkitError: cannot read: no such file');
    expect(debug.stderr).toMatch(/\nCaused by: Error: ENOENT: no such file or directory/);
  });
});

describe.skipIf(!builtCliExists())('bin/certkit as a process', () => {
  it('runs, and its exit statuses are the documented ones', () => {
    expect(runBin(['--version'])).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
    expect(runBin(['keystore', 'list', CHAIN, '--storepass', 'env:SP'], { env: { SP: 'wrong' } })).toEqual({
      status: 4,
      stdout: '',
      stderr: `certkit: ${CHAIN}: keystore password was incorrect, or the file is corrupt (integrity digest does not match)\n`,
    });
    expect(runBin(['nonsense']).status).toBe(2);
  });

  it.each([['--help'], ['--version'], ['keygen', '--out', 'k.pem'], ['client']])(
    'in a working directory that was deleted, %s is one line and exit 3 (no stack trace)',
    (...args) => {
      const gone = join(dir, `gone-${args[0]}`);
      const r = spawnSync('sh', ['-c', 'mkdir "$0" && cd "$0" && rmdir "$0" && exec "$@"', gone, process.execPath, BIN, ...args], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '' },
        timeout: 60_000,
      });
      expect([r.status, r.stdout, r.stderr]).toEqual([
        3,
        '',
        'certkit: the working directory no longer exists (cd to a directory that exists and run certkit again)\n',
      ]);
    },
  );

  it('exits quietly (0, nothing on stderr) when the reader of stdout goes away early', () => {
    // head exits before node has started, so certkit's write meets a closed pipe (EPIPE).
    const r = spawnSync('bash', ['-c', '"$0" "$1" --help 2>"$2" | head -c 0; echo "${PIPESTATUS[0]}"; cat "$2"', process.execPath, BIN, join(dir, 'epipe.err')], {
      encoding: 'utf8',
    });
    expect(r.stdout).toBe('0\n');
  });

  it('reads passwords from real stdin, one line per option, in order', () => {
    const out = join(dir, 'stdin.p12');
    const r = runBin(['keystore', 'convert', CHAIN, out, '--srcstorepass', 'stdin', '--srckeypass', 'stdin', '--deststorepass', 'stdin'], {
      stdin: 'chain-storepass\nchain-keypass\nnew-p12-pass\n',
    });
    expect(r).toEqual({ status: 0, stdout: '', stderr: `certkit: wrote ${out} (PKCS12, 1 entry from JKS)\n` });
    const l = runBin(['keystore', 'list', out, '--storepass', 'stdin', '--json'], { stdin: 'new-p12-pass\n' });
    expect(JSON.parse(l.stdout).entries[0].alias).toBe('client');
  });

  it('writes keys and keystores 0600 under umask 000', () => {
    const key = join(dir, 'umask.key');
    const p12 = join(dir, 'umask.p12');
    expect(runBin(['keygen', '--key-type', 'ec256', '--out', key], { umask: 0 }).status).toBe(0);
    expect(runBin(['keystore', 'convert', CHAIN, p12, '--srcstorepass', 'env:SP', '--srckeypass', 'env:KP', '--deststorepass', 'env:SP'], {
      umask: 0,
      env: { SP: 'chain-storepass', KP: 'chain-keypass' },
    }).status).toBe(0);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(statSync(p12).mode & 0o777).toBe(0o600);
  });

  it('never shows a password given on the command line, and says once that it is visible', () => {
    const out = join(dir, 'nopw.p12');
    const r = runBin(['keystore', 'convert', CHAIN, out, '--srcstorepass', 'pass:chain-storepass', '--srckeypass', 'chain-keypass', '--deststorepass', 'Sup3r-S3cret']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(
      'certkit: note: a password given on the command line can be seen by other users and is kept in shell history; prefer env:VAR, file:PATH or stdin\n' +
        `certkit: wrote ${out} (PKCS12, 1 entry from JKS)\n`,
    );
    const bad = runBin(['keystore', 'list', out, '--storepass', 'Wrong-S3cret']);
    expect(bad.status).toBe(4);
    for (const text of [r.stdout, r.stderr, bad.stdout, bad.stderr]) {
      for (const pw of ['chain-storepass', 'chain-keypass', 'Sup3r-S3cret', 'Wrong-S3cret']) expect(text).not.toContain(pw);
    }
  });

  it('--help and a JKS listing load no AWS SDK code: which bundle files each one loads', () => {
    // The bundle's files are scripts its loader compiles through node:vm (scripts/bundle.mjs): a
    // hook (run with --import) wraps vm.Script and appends each compiled file's name to a list;
    // esbuild's metafile says which sources went into each bundle file.
    const meta = JSON.parse(readFileSync(join(ROOT, 'dist/bin/meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
    const hook =
      "import vm from 'node:vm'; import { appendFileSync } from 'node:fs'; import { syncBuiltinESMExports } from 'node:module'; const S = vm.Script; " +
      'vm.Script = class extends S { constructor(src, o) { super(src, o); appendFileSync(process.env.CERTKIT_TEST_LOADED, String(o?.filename) + "\\n"); } }; ' +
      'syncBuiltinESMExports();';
    const sourcesLoadedBy = (name: string, args: string[]): string[] => {
      const list = join(dir, `${name}.loaded`);
      const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(hook)}`, BIN, ...args], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', SP: 'chain-storepass', CERTKIT_TEST_LOADED: list },
      });
      expect([r.status, r.stderr]).toEqual([0, '']);
      const files = readFileSync(list, 'utf8').trim().split('\n').map((f) => relative(ROOT, f));
      // A bundle file's sources; the yargs loader's input `vm-cached:FILE` stands for FILE's sources.
      const sourcesOf = (f: string): string[] =>
        Object.keys(meta.outputs[f]?.inputs ?? {}).flatMap((s) => (s.startsWith('vm-cached:') ? sourcesOf(s.slice('vm-cached:'.length)) : [s]));
      return files.flatMap(sourcesOf);
    };
    const help = sourcesLoadedBy('help', ['--help']);
    const list = sourcesLoadedBy('list', ['keystore', 'list', CHAIN, '--storepass', 'env:SP']);
    /** The package of each node_modules source (the innermost node_modules/ in its path). */
    const packages = (sources: string[]) =>
      [...new Set(sources.flatMap((s) => /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(s)?.[1] ?? []))].sort();
    expect(packages(help)).toEqual(['cliui', 'escalade', 'y18n', 'yargs', 'yargs-parser']);
    // The listing: yargs's packages, and no AWS SDK (@aws-sdk, @smithy) nor pkijs; whether the JKS
    // reader needs asn1js is the reader's business.
    expect(packages(list).filter((p) => !/^(asn1js|@peculiar\/utils)$/.test(p))).toEqual(['cliui', 'escalade', 'y18n', 'yargs', 'yargs-parser']);
    // The hook sees the lazily loaded parts: the JKS reader is in the listing's files, not in --help's.
    expect([help.includes('src/keystore/jks.ts'), list.includes('src/keystore/jks.ts')]).toEqual([false, true]);
  });

  it('with stdout and stderr piped, --help and a JKS listing load none of the built-ins they do not need', () => {
    // Node's own modules each run loads beyond those of `node -e 0` (process.moduleLoadList, read
    // by a --require hook at exit). Piped stdio is how scripts and the benchmark run certkit: Node's
    // stream for a pipe is a net.Socket (node:net and the streams, ~5 ms), which stdio.ts does
    // without; node:fs/promises (~3 ms) is for commands that write files; node:tty for a terminal.
    const list = join(dir, 'builtins.txt');
    const hook = join(dir, 'builtins-hook.cjs');
    writeFileSync(
      hook,
      `const before = new Set(process.moduleLoadList);\nprocess.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(list)}, process.moduleLoadList.filter((m) => !before.has(m)).join('\\n')));\n`,
    );
    const builtinsLoadedBy = (args: string[], bin = BIN): string[] => {
      const r = spawnSync(process.execPath, ['--require', hook, bin, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', SP: 'chain-storepass' } });
      expect([r.status, r.stderr]).toEqual([0, '']);
      return readFileSync(list, 'utf8').split('\n').filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length));
    };
    const help = builtinsLoadedBy(['--help']);
    const listing = builtinsLoadedBy(['keystore', 'list', CHAIN, '--storepass', 'env:SP']);
    // --help: the loader's node:vm, nothing else.
    expect(help).toEqual(['vm']);
    // Also from a package root whose name has a dot (an unpacked `certkit-0.1.0`, mktemp's
    // `tmp.x1y2`): yargs then looked for package.json from the parent, failed an assertion, and
    // node:assert's error colours built process.stderr.
    const unpacked = join(dir, 'certkit-0.1.0');
    for (const part of ['bin', 'dist', 'package.json']) cpSync(join(ROOT, part), join(unpacked, part), { recursive: true });
    expect(builtinsLoadedBy(['--help'], join(unpacked, 'bin/certkit'))).toEqual(['vm']);
    // The listing: node:vm and node:crypto (which brings the streams with it), but no socket, no
    // terminal and no fs/promises.
    expect([listing.includes('vm'), listing.includes('crypto')]).toEqual([true, true]);
    expect(listing.filter((m) => ['net', 'tty', 'fs/promises', 'internal/fs/promises', 'readline'].includes(m))).toEqual([]);
  });

  it('compiles every script of the bundle with the code cache the build made, and V8 takes it', () => {
    // A hook (run with --import) wraps node:vm's Script and reports, for each script compiled,
    // whether a cache was given and whether V8 rejected it (a rejected cache still works, only slower).
    const hook =
      "import vm from 'node:vm'; import { syncBuiltinESMExports } from 'node:module'; const S = vm.Script; " +
      'vm.Script = class extends S { constructor(src, o) { super(src, o); ' +
      'process.stderr.write(`${String(o?.filename).replace(/.*\\//, "")} cache given: ${o.cachedData !== undefined}, rejected: ${this.cachedDataRejected}\\n`); } }; ' +
      'syncBuiltinESMExports();';
    const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(hook)}`, BIN, '--version'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect([r.status, r.stdout]).toEqual([0, `${pkg.version}\n`]);
    const lines = r.stderr.trim().split('\n');
    // The entry, main and yargs among them (names without esbuild's content hash)...
    const names = lines.map((l) => l.split(' ')[0]!.replace(/-[A-Z0-9]{8}\.cjs$/, '.cjs'));
    expect(['cli.cjs', 'main.cjs', 'yargs.cjs'].filter((n) => names.includes(n))).toEqual(['cli.cjs', 'main.cjs', 'yargs.cjs']);
    // ...and every one compiled with its cache, taken.
    expect(lines.filter((l) => !/^[\w-]+\.cjs cache given: true, rejected: false$/.test(l))).toEqual([]);
  });
});
