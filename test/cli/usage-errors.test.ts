/**
 * Usage errors as keytool, git and aws CLI users expect them: an unknown option is named before a
 * missing one, with the option it most likely meant; keytool's single dash gets its own hint;
 * every error points at the help of the command the words named; a group alone lists its
 * subcommands (exit 2, stderr, as `git worktree` and `aws s3` do); bare `certkit` prints the
 * help on stdout and exits 2 (git prints its help and exits 1; 2 is certkit's usage status). No
 * stray word is ever repeated: it may be a password.
 */
import { describe, expect, it } from 'vitest';

import type { CertkitCommand } from '../../src/cli/command.js';
import { COMMANDS } from '../../src/cli/main.js';
import { declaredOptions, unknownOptionMessage } from '../../src/cli/unknown-options.js';
import { builtCliExists, runBin, runCli } from '../support/cli.js';

const LIST = declaredOptions({
  key: { debug: 1, version: 1, help: 1, file: 1, storepass: 1, keypass: 1, 'allow-missing-mac': 1, json: 1 },
  alias: { help: ['h'], file: [] },
});

describe('unknownOptionMessage', () => {
  it.each<[string, string[], string[], string | undefined]>([
    ['a typo', ['list', 'x.jks', '--storepas', 'env:P'], ['_', 'storepas', '$0', 'file'], 'unknown option --storepas; did you mean --storepass?'],
    ['a typo with =', ['list', 'x', '--jsn=true'], ['_', 'jsn', 'file'], 'unknown option --jsn; did you mean --json?'],
    ['camelCase typed', ['list', 'x', '--storePass', 'env:P'], ['_', 'storePass', 'file'], 'unknown option --storePass; did you mean --storepass?'],
    ['kebab with its camelCase twin', ['list', 'x', '--allow-missing-mak'], ['_', 'allow-missing-mak', 'allowMissingMak'], 'unknown option --allow-missing-mak; did you mean --allow-missing-mac?'],
    ['nothing close', ['list', 'x', '--frobnicate'], ['_', 'frobnicate'], 'unknown option --frobnicate'],
    ["keytool's single dash", ['list', 'x.jks', '-storepass', 'env:P'], ['_', 's', 't', 'o', 'r', 'e', 'p', 'a', 'file'], 'certkit options take two dashes: --storepass'],
    ['a single dash, no such option', ['list', '-keystore', 'x.jks'], ['_', 'k', 'e', 'y', 's', 't', 'o', 'r'], 'unknown option -keystore'],
    ['one letter', ['list', 'x', '-v'], ['_', 'v', 'file'], 'unknown option -v'],
    ['the first of two, in the order typed', ['list', 'x', '--zzz', '--jsn'], ['_', 'jsn', 'zzz'], 'unknown option --zzz'],
    ['after --, words are not options', ['list', '--', '--jsn'], ['_', 'jsn'], 'unknown option --jsn; did you mean --json?'],
    ['not an option name: not shown', ['list', 'x', '--pass:S3cret'], ['_', 'pass:S3cret'], 'an unknown option (not shown: it is not an option name; quote values that start with -)'],
    ['--no-x is x = false: shown as typed', ['list', 'x', '--no-such-option'], ['_', 'such-option', 'suchOption'], 'unknown option --no-such-option'],
    ['--no-json is json', ['list', 'x', '--no-json'], ['_', 'json', 'file'], undefined],
    ['none', ['list', 'x', '-h'], ['_', 'h', 'help', 'file'], undefined],
  ])('%s', (_name, words, keys, message) => {
    expect(unknownOptionMessage(words, keys, LIST)).toBe(message);
  });
});

/** Every command that runs, by its path. */
function leaves(cmds: readonly CertkitCommand[], parent: readonly string[] = []): string[][] {
  return cmds.flatMap((cmd) => {
    const path = [...parent, cmd.command.split(' ')[0]!];
    return [...(cmd.run === undefined ? [] : [path]), ...leaves(cmd.subcommands ?? [], path)];
  });
}

describe('through the CLI: exit 2, one line on stderr, nothing on stdout', () => {
  it.each([
    // The unknown option first, although --storepass (required) is missing too.
    [['keystore', 'list', 'x.jks', '--storepas', 'env:P'], "unknown option --storepas; did you mean --storepass? (see 'certkit keystore list --help')"],
    [['keystore', 'list', 'x.jks', '-storepass', 'env:P'], "certkit options take two dashes: --storepass (see 'certkit keystore list --help')"],
    // yargs said "Not enough non-option arguments: got 0, need at least 1": -keystore took x.jks as its value.
    [['keystore', 'list', '-keystore', 'x.jks'], "unknown option -keystore (see 'certkit keystore list --help')"],
    [['keystore', 'convert', 'a.jks', 'b.p12', '-deststoretype', 'pkcs12'], "certkit options take two dashes: --deststoretype (see 'certkit keystore convert --help')"],
    [['--bogus'], "unknown option --bogus (see 'certkit --help')"],
    [['keystore', '--bogus'], "unknown option --bogus (see 'certkit keystore --help')"],
    [['keystore', 'convert', 'x.jks', 'y.p12', '--srcstorepass', 'env:A'], "Missing required argument: deststorepass (see 'certkit --help')"],
    [['keystor'], "unknown command; did you mean keystore? (see 'certkit --help')"],
    [['keystore', 'lst'], "unknown command; did you mean list? (see 'certkit keystore --help')"],
    [['keystore'], "'certkit keystore' needs a subcommand: list, create, convert or export (see 'certkit keystore --help')"],
    [['truststore'], "'certkit truststore' needs a subcommand: create (see 'certkit truststore --help')"],
    [['pca'], "'certkit pca' needs a subcommand: issue or fetch (see 'certkit pca --help')"],
    [['keystore', 'zzzzzz'], "unknown command: the subcommands of 'certkit keystore' are list, create, convert and export (see 'certkit keystore --help')"],
    [['zzzzzz'], "unknown command (see 'certkit --help')"],
    // An option without its value: yargs's message, which names the option only.
    [['keystore', 'list', 'x.jks', '--storepass', '-S3cret', '--bogus'], "Not enough arguments following: storepass (see 'certkit keystore list --help')"],
  ] as const)('%j', async (args, line) => {
    expect(await runCli(args)).toEqual({ status: 2, stdout: '', stderr: `certkit: ${line}\n` });
  });

  it("every command's usage errors point at its own --help", async () => {
    const lines = [];
    for (const path of leaves(COMMANDS)) lines.push((await runCli([...path, '--no-such-option'])).stderr);
    expect(lines).toEqual(leaves(COMMANDS).map((p) => `certkit: unknown option --no-such-option (see 'certkit ${p.join(' ')} --help')\n`));
  });

  it('--help wins over an unknown option, as before', async () => {
    const r = await runCli(['keystore', 'list', '--bogus', '--help']);
    expect([r.status, r.stderr, r.stdout.split('\n')[0]]).toEqual([0, '', 'certkit keystore list <file>']);
  });

  it('never repeats a stray word, also next to an unknown option', async () => {
    for (const args of [
      ['keystore', 'list', 'x.jks', 'S3cret-w0rd', '--storepass', 'env:P'],
      ['keystore', 'S3cret-w0rd'],
      ['S3cret-w0rd', '--bogus'],
      ['keystore', 'list', 'x.jks', '--storepass', '-S3cret-w0rd'],
    ]) {
      const r = await runCli(args, { env: { P: 'x' } });
      expect([r.status, r.stderr.includes('S3cret'), r.stdout]).toEqual([2, false, '']);
    }
  });
});

describe('bare certkit', () => {
  it('prints the help on stdout, as --help does, and exits 2', async () => {
    const help = await runCli(['--help']);
    expect(await runCli([])).toEqual({ status: 2, stdout: help.stdout, stderr: '' });
    expect(help.stdout.split('\n')[0]).toBe('certkit <command> [options]');
  });

  it.skipIf(!builtCliExists())('as a process too', () => {
    const help = runBin(['--help']);
    expect(runBin([])).toEqual({ status: 2, stdout: help.stdout, stderr: '' });
    expect(runBin(['keystore'])).toEqual({
      status: 2,
      stdout: '',
      stderr: "certkit: 'certkit keystore' needs a subcommand: list, create, convert or export (see 'certkit keystore --help')\n",
    });
  });
});
