/**
 * `--help` at 80 columns: every command's and subcommand's help, piped and on a terminal, has no
 * line over 80 columns, never breaks inside an `--option`, and prints each example's command on
 * lines of its own, broken (with a shell ` \`) only before an option, so that joined it is the
 * command the command file declares. The wrapping and the example layout themselves on fixed text.
 */
import { describe, expect, it } from 'vitest';

import type { CertkitCommand } from '../../src/cli/command.js';
import { formatExamples, helpWidth, shellTokens, wrapHelp, type Example } from '../../src/cli/help-layout.js';
import { COMMANDS } from '../../src/cli/main.js';
import { builtCliExists, runBin, runCli } from '../support/cli.js';
import { havePty, runBinOnPty } from '../support/pty.js';

/** What a command's builder declares: its options and its examples (recorded, nothing parsed). */
function declared(cmd: CertkitCommand): { options: string[]; examples: Example[] } {
  const options: string[] = [];
  const examples: Example[] = [];
  const recorder: unknown = new Proxy(
    {},
    {
      get: (_t, method) => (...args: unknown[]) => {
        if (method === 'option' && typeof args[0] === 'string') options.push(args[0]);
        if (method === 'example') examples.push([args[0] as string, (args[1] as string | undefined) ?? '']);
        return recorder;
      },
    },
  );
  cmd.builder(recorder as never);
  return { options, examples };
}

/** Every command path, groups included (`[]` is certkit itself), with its definition. */
function paths(cmds: readonly CertkitCommand[], parent: readonly string[] = []): { path: string[]; cmd?: CertkitCommand }[] {
  const here = parent.length === 0 ? [{ path: [] as string[] }] : [];
  return [
    ...here,
    ...cmds.flatMap((cmd) => {
      const path = [...parent, cmd.command.split(' ')[0]!];
      return [{ path, cmd }, ...paths(cmd.subcommands ?? [], path).filter((p) => p.path.length > 0)];
    }),
  ];
}

const ALL = paths(COMMANDS);
/** Every option any command declares, yargs's own, and the aws CLI's in an example. */
const KNOWN_OPTIONS = new Set(['debug', 'version', 'help', 'name', 'secret-string', ...ALL.flatMap(({ cmd }) => (cmd === undefined ? [] : declared(cmd).options))]);

/** Code points: what a terminal column holds for this text. */
const columns = (line: string) => [...line].length;

/** The example blocks of a help text: each a command's lines and its description's lines. */
function exampleBlocks(help: string): { command: string[]; description: string[] }[] {
  const at = help.indexOf('\nExamples:\n');
  if (at < 0) return [];
  const blocks: { command: string[]; description: string[] }[] = [];
  for (const line of help.slice(at + '\nExamples:\n'.length).split('\n')) {
    if (line === '') break;
    const last = blocks[blocks.length - 1];
    if (/^ {2}\S/.test(line)) blocks.push({ command: [line], description: [] });
    else if (/^ {4}\S/.test(line) && last !== undefined && last.command[last.command.length - 1]!.endsWith(' \\')) last.command.push(line);
    else if (/^ {6}\S/.test(line) && last !== undefined) last.description.push(line);
    else throw new Error(`not an example line: ${JSON.stringify(line)}`);
  }
  return blocks;
}

/** The checks every help text passes, as [what, the offending lines] pairs (each list empty). */
function layoutProblems(help: string, cmd: CertkitCommand | undefined): [string, unknown][] {
  const lines = help.split('\n');
  const problems: [string, unknown][] = [
    ['lines over 80 columns', lines.filter((l) => columns(l) > 80)],
    ['lines with trailing spaces', lines.filter((l) => / $/.test(l))],
    // A line cut inside an option ends (or starts) with a piece of its name that no command has.
    ['pieces of options', lines.flatMap((l) => [...l.matchAll(/--([a-z][a-z0-9-]*)/g)].map((m) => m[1]!).filter((o) => !KNOWN_OPTIONS.has(o)))],
  ];
  const blocks = exampleBlocks(help);
  const wanted = cmd === undefined ? [] : declared(cmd).examples;
  problems.push([
    'examples other than those declared',
    blocks
      .map((b) => b.command.map((l) => l.trim().replace(/ \\$/, '')).join(' '))
      .filter((c, i) => c !== wanted[i]?.[0])
      .concat(blocks.length === wanted.length ? [] : [`${blocks.length} of ${wanted.length} examples`]),
  ]);
  problems.push([
    'example lines continued elsewhere than before an option',
    blocks.flatMap((b) => b.command.slice(1).filter((l) => !/^ {4}--?[a-z]/.test(l))),
  ]);
  problems.push([
    'descriptions other than those declared',
    blocks.map((b) => b.description.map((l) => l.trim()).join(' ')).filter((d, i) => d !== wanted[i]?.[1]),
  ]);
  return problems;
}

const noProblems = (help: string, cmd: CertkitCommand | undefined) => layoutProblems(help, cmd).map(([what]) => [what, []]);

describe('the layout on fixed text', () => {
  it('wraps a table row under its description and a paragraph under its first column, at word boundaries', () => {
    const row = '      --allow-missing-mac  Accept a PKCS#12 file without an integrity MAC (openssl -nomac); stores with a MAC are still checked  [boolean] [default: false]';
    expect(wrapHelp(row, 80).split('\n')).toEqual([
      '      --allow-missing-mac  Accept a PKCS#12 file without an integrity MAC',
      '                           (openssl -nomac); stores with a MAC are still checked',
      '                           [boolean] [default: false]',
    ]);
    expect(wrapHelp('Passwords: pass:TEXT, env:VAR, file:PATH (first line), stdin (one line per option, in order)', 40).split('\n')).toEqual([
      'Passwords: pass:TEXT, env:VAR, file:PATH',
      '(first line), stdin (one line per',
      'option, in order)',
    ]);
    // A line that fits is left as it is, two spaces and all.
    expect(wrapHelp('  certkit ca  Manage the local development CA', 80)).toBe('  certkit ca  Manage the local development CA');
  });

  it('keeps a bracketed annotation whole when it fits, and breaks one that cannot', () => {
    expect(wrapHelp('  --sse  S3 server-side encryption and some more words  [string] [choices: "AES256", "aws:kms"]', 60).split('\n')).toEqual([
      '  --sse  S3 server-side encryption and some more words',
      '         [string] [choices: "AES256", "aws:kms"]',
    ]);
    expect(wrapHelp('  --x  d  [choices: "one", "two", "three", "four", "five"]', 30).split('\n')).toEqual([
      '  --x  d  [choices: "one",',
      '       "two", "three", "four",',
      '       "five"]',
    ]);
  });

  it('prints an example command on its own lines, continued only before options, its description under it', () => {
    const examples: Example[] = [
      ['certkit keystore list a.jks --storepass env:SP', 'as keytool -list -v'],
      ['certkit ca init --ca-dir ~/.certkit-ca --key-type ec256 --dname "CN=Team dev CA,O=Example"', 'an EC CA somewhere else, described at some length to need two lines'],
    ];
    expect(formatExamples(examples, 60).split('\n')).toEqual([
      'Examples:',
      '  certkit keystore list a.jks --storepass env:SP',
      '      as keytool -list -v',
      '  certkit ca init --ca-dir ~/.certkit-ca --key-type ec256 \\',
      '    --dname "CN=Team dev CA,O=Example"',
      '      an EC CA somewhere else, described at some length to',
      '      need two lines',
    ]);
    // An option whose value fits on no line is split from it, still at a space between words.
    expect(formatExamples([['certkit pca fetch --certificate-arn arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/ID', '']], 60).split('\n')).toEqual([
      'Examples:',
      '  certkit pca fetch --certificate-arn \\',
      '    arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/ID',
    ]);
    expect(shellTokens('aws x --secret-string "$(certkit redshift-secret --cert a b)" --name \'a b\'')).toEqual([
      'aws',
      'x',
      '--secret-string',
      '"$(certkit redshift-secret --cert a b)"',
      '--name',
      "'a b'",
    ]);
  });

  it('is 80 columns piped, and on a terminal the terminal width up to 80 (never under 40)', () => {
    expect([helpWidth({ write: () => true }), helpWidth({ write: () => true, isTTY: false, columns: 200 })]).toEqual([80, 80]);
    expect([120, 80, 72, 20, 0].map((c) => helpWidth({ write: () => true, isTTY: true, columns: c }))).toEqual([80, 80, 72, 40, 80]);
  });
});

describe('every --help, in process (stdout not a terminal)', () => {
  it.each(ALL.map(({ path, cmd }) => [path.join(' ') || '(certkit)', path, cmd] as const))('%s', async (_name, path, cmd) => {
    const r = await runCli([...path, '--help']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(layoutProblems(r.stdout, cmd)).toEqual(noProblems(r.stdout, cmd));
    if (cmd?.run !== undefined) expect(exampleBlocks(r.stdout).length).toBeGreaterThan(0);
  });
});

describe.skipIf(!builtCliExists() || !havePty())('bin/certkit --help piped and on a terminal', () => {
  it.each(ALL.map(({ path, cmd }) => [path.join(' ') || '(certkit)', path, cmd] as const))('%s', (_name, path, cmd) => {
    const piped = runBin([...path, '--help']);
    expect([piped.status, piped.stderr]).toEqual([0, '']);
    expect(layoutProblems(piped.stdout, cmd)).toEqual(noProblems(piped.stdout, cmd));
    // A terminal of 80 columns shows exactly what a pipe gets; a wider one too (80 is the most).
    const tty80 = runBinOnPty([...path, '--help'], 80);
    expect(tty80).toEqual({ status: 0, stdout: piped.stdout, stderr: '' });
    expect(runBinOnPty([...path, '--help'], 200).stdout).toBe(piped.stdout);
  });

  it('a terminal narrower than 80 gets narrower help', () => {
    const r = runBinOnPty(['keystore', 'list', '--help'], 60);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').filter((l) => columns(l) > 60)).toEqual([]);
    expect(r.stdout).toContain('\n      --allow-missing-mac  Accept a PKCS#12 file without an\n');
  });
});
