/**
 * Every example printed by every command's `--help` parses: each is run in process through the
 * real parser (options, checks, strictness) with the command's handler swapped for a recorder,
 * so nothing is read, written or sent. Catches options that cannot take `-` (yargs reads a
 * lone `-` as a positional unless the option has `nargs: 1`): `sign --out -` and
 * `redshift-secret --out -` used to exit 2 with "Unknown argument: -". Then those two for real.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import type { CertkitCommand } from '../../src/cli/command.js';
import { COMMANDS } from '../../src/cli/main.js';
import { initLocalCa } from '../../src/issuers/local-ca.js';
import { exportPkcs8Pem, generateKeyPair } from '../../src/keys.js';
import { encodePem } from '../../src/pem.js';
import { buildCsr } from '../../src/x509/csr.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

/** Splits a shell command line into words: '…' and "…" quoting, `$VAR` replaced by `VAR-value`, `~` kept. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else cur += c;
    } else if (c === '"' || c === "'") {
      if (quote === c) quote = undefined;
      else if (quote === undefined) {
        quote = c;
        cur ??= '';
      } else cur += c;
    } else if (c === '$' && /[A-Z_]/.test(line[i + 1] ?? '')) {
      const name = /^[A-Z_][A-Z0-9_]*/.exec(line.slice(i + 1))![0];
      cur = (cur ?? '') + `${name}-value`;
      i += name.length;
    } else if (quote === undefined && c === ' ') {
      if (cur !== undefined) words.push(cur);
      cur = undefined;
    } else cur = (cur ?? '') + c;
  }
  if (cur !== undefined) words.push(cur);
  return words;
}

/** Every command path (`['keystore', 'list']`...) with its definition. */
function leaves(cmds: readonly CertkitCommand[], parent: readonly string[] = []): { path: string[]; cmd: CertkitCommand }[] {
  return cmds.flatMap((cmd) => {
    const path = [...parent, cmd.command.split(' ')[0]!];
    return [...(cmd.run === undefined ? [] : [{ path, cmd }]), ...leaves(cmd.subcommands ?? [], path)];
  });
}

/**
 * The `certkit …` invocations in a help text's Examples section (also inside `$(certkit …)`): each
 * example's command is on a line of its own, indented two spaces, continued with ` \` on lines
 * indented four; its description follows, indented six.
 */
function examplesOf(help: string): string[] {
  const section = help.slice(help.indexOf('Examples:') + 'Examples:'.length);
  const found: string[] = [];
  let command: string | undefined;
  for (const line of section.split('\n')) {
    if (command !== undefined) command += ' ' + line.trim();
    else if (/^ {2}\S/.test(line)) command = line.trim();
    else continue;
    if (command.endsWith(' \\')) {
      command = command.slice(0, -2);
      continue;
    }
    const inner = /\$\((certkit [^)]*)\)/.exec(command);
    if (inner) found.push(inner[1]!);
    else if (command.startsWith('certkit ') || command === 'certkit') found.push(command);
    command = undefined;
  }
  return found;
}

const ALL = leaves(COMMANDS);
const originalRuns = new Map(ALL.map(({ cmd }) => [cmd, cmd.run]));
afterAll(() => {
  for (const [cmd, run] of originalRuns) (cmd as { run?: CertkitCommand['run'] }).run = run;
});

describe('every --help example parses', () => {
  it('has examples for every command, and each parses into its own command with no usage error', async () => {
    const ran: string[] = [];
    for (const { path, cmd } of ALL) {
      (cmd as { run?: CertkitCommand['run'] }).run = async () => {
        ran.push(path.join(' '));
      };
    }
    const parsed: string[] = [];
    for (const { path } of ALL) {
      const help = await runCli([...path, '--help']);
      expect([path.join(' '), help.status, help.stderr]).toEqual([path.join(' '), 0, '']);
      const examples = examplesOf(help.stdout);
      expect([path.join(' '), examples.length > 0]).toEqual([path.join(' '), true]);
      for (const example of examples) {
        const argv = shellWords(example).slice(1);
        ran.length = 0;
        const r = await runCli(argv, { env: {} });
        expect([example, r.status, r.stderr]).toEqual([example, 0, '']);
        expect([example, ran]).toEqual([example, [path.join(' ')]]);
        parsed.push(example);
      }
    }
    for (const { cmd } of ALL) (cmd as { run?: CertkitCommand['run'] }).run = originalRuns.get(cmd);
    console.log(`help examples: ${parsed.length} examples of ${ALL.length} commands parsed`);
    expect(parsed).toContain('certkit sign --csr csr.pem --ca-dir ~/.certkit-ca --validity 1y --out -');
  });
});

describe('--out - writes to stdout (it used to be refused: "Unknown argument: -", exit 2)', () => {
  const dir = tempDir('certkit-out-dash-');

  it('certkit sign --out - prints the chain; certkit redshift-secret --out - prints the JSON', async () => {
    mkdirSync(join(dir, 'ca'));
    const ca = await initLocalCa('ca', { cwd: dir, keyType: 'ec256' });
    const { privateKey } = await generateKeyPair('ec256');
    writeFileSync(join(dir, 'csr.pem'), encodePem('CERTIFICATE REQUEST', buildCsr({ subject: 'CN=dash', key: privateKey })));
    writeFileSync(join(dir, 'key.pem'), exportPkcs8Pem(privateKey));
    const s = await runCli(['sign', '--csr', 'csr.pem', '--ca-dir', 'ca', '--out', '-'], { cwd: dir, env: {} });
    expect([s.status, s.stderr]).toEqual([0, '']);
    const pems = s.stdout.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\n/g) ?? [];
    expect(pems).toHaveLength(2);
    expect(s.stdout).toBe(pems.join(''));
    expect(pems[1]).toBe(encodePem('CERTIFICATE', ca.cert));
    writeFileSync(join(dir, 'chain.pem'), s.stdout);

    const r = await runCli(['redshift-secret', '--cert', 'chain.pem', '--key', 'key.pem', '--out', '-'], { cwd: dir, env: {} });
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(JSON.parse(r.stdout)).toEqual({ certificate: s.stdout, privateKey: exportPkcs8Pem(privateKey) });
  });

  it('an option still given no value is a usage error naming it (exit 2)', async () => {
    const r = await runCli(['sign', '--csr', 'csr.pem', '--out'], { cwd: dir, env: {} });
    expect([r.status, r.stderr]).toEqual([2, "certkit: Not enough arguments following: out (see 'certkit sign --help')\n"]);
  });
});
