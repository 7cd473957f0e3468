/**
 * The command-line password notice and the help texts:
 * - a password given on the command line (pass: or bare) prints the notice exactly once, however
 *   many options carry one, mixed pass: and bare included; env:, file: and stdin print none;
 * - every command's --help (found by walking the "Commands:" lists from the root) shows examples
 *   whose password options all use env:, file: or stdin, never pass: or a bare value.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { COMMAND_LINE_PASSWORD_NOTICE } from '../../src/cli/passwords.js';
import { exportPkcs8Der } from '../../src/keys.js';
import { writeKeyStore } from '../../src/keystore/keystore.js';
import { buildCertificate } from '../../src/x509/cert-builder.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { SENTINEL_PASSWORD } from './sentinel.js';

const root = tempDir('certkit-notices-');
const count = (stderr: string) => stderr.split(COMMAND_LINE_PASSWORD_NOTICE).length - 1;
const P = SENTINEL_PASSWORD;

beforeAll(async () => {
  mkdirSync(join(root, 'ks'));
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const now = Date.now();
  const cert = buildCertificate({
    subject: 'CN=notice',
    publicKey,
    signingKey: privateKey,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 86_400_000),
  });
  const store = await writeKeyStore([{ kind: 'private-key', alias: 'a', key: exportPkcs8Der(privateKey), chain: [cert] }], 'jks', { storePassword: P });
  writeFileSync(join(root, 'ks', 'in.jks'), store);
  writeFileSync(join(root, 'ks', 'pw.txt'), `${P}\n${P}\n`);
});

describe('the command-line password notice', () => {
  it.each([
    ['four pass: options', ['--srcstorepass', `pass:${P}`, '--deststorepass', `pass:${P}`, '--srckeypass', `pass:${P}`, '--destkeypass', `pass:${P}`], 1],
    ['four bare passwords', ['--srcstorepass', P, '--deststorepass', P, '--srckeypass', P, '--destkeypass', P], 1],
    ['pass: and bare mixed with env: and file:', ['--srcstorepass', `pass:${P}`, '--deststorepass', P, '--srckeypass', 'env:PW', '--destkeypass', 'file:pw.txt'], 1],
    ['env: and file: only', ['--srcstorepass', 'env:PW', '--deststorepass', 'file:pw.txt', '--destkeypass', 'file:pw.txt'], 0],
    ['stdin only', ['--srcstorepass', 'stdin', '--deststorepass', 'stdin'], 0],
  ] as const)('%s', async (_name, opts, expected) => {
    const out = `out-${Math.random().toString(16).slice(2)}.p12`;
    const r = await runCli(['keystore', 'convert', 'in.jks', out, ...opts], { cwd: join(root, 'ks'), env: { PW: P }, stdin: `${P}\n${P}\n` });
    expect([r.status, count(r.stderr), r.stderr.includes(P)]).toEqual([0, expected, false]);
    const wrote = `certkit: wrote ${out} (PKCS12, 1 entry from JKS)\n`;
    if (expected === 1) {
      expect(r.stderr).toBe(`${COMMAND_LINE_PASSWORD_NOTICE}\n${wrote}`);
      expect(COMMAND_LINE_PASSWORD_NOTICE).toMatch(/env:VAR, file:PATH or stdin$/);
    } else expect(r.stderr).toBe(wrote);
  });
});

/** Every command path, by walking the Commands: sections of the help texts. */
async function commandPaths(prefix: readonly string[] = []): Promise<string[][]> {
  const r = await runCli([...prefix, '--help']);
  expect(r.status).toBe(0);
  const section = r.stdout.split(/\n\s*\n/).find((s) => s.startsWith('Commands:'));
  if (section === undefined) return [[...prefix]];
  const paths: string[][] = prefix.length > 0 ? [[...prefix]] : [];
  for (const line of section.split('\n').slice(1)) {
    const m = line.match(/^\s+certkit (\S+(?: \S+)*?)(?: <|\s{2,}|$)/);
    if (m === null) continue;
    const path = m[1]!.split(' ');
    const sub = path[path.length - 1]!;
    paths.push(...(await commandPaths([...prefix, sub])));
  }
  return paths;
}

const PASSWORD_OPTION = /--(storepass|keypass|srcstorepass|deststorepass|srckeypass|destkeypass|passin|passout)[ =](\S+)/g;

describe('--help examples use env:, file: or stdin for passwords', () => {
  it('every command, every example', async () => {
    const paths = await commandPaths();
    const names = paths.map((p) => p.join(' '));
    for (const must of ['client', 'keystore list', 'keystore create', 'keystore convert', 'keystore export', 'truststore create', 'keygen', 'csr', 'sign', 'redshift-secret', 'verify', 'ca init', 'pca issue']) {
      expect(names).toContain(must);
    }
    let examples = 0;
    let withPasswords = 0;
    const bad: string[] = [];
    for (const p of [[], ...paths]) {
      const r = await runCli([...p, '--help']);
      const section = r.stdout.split(/\n\s*\n/).find((s) => s.startsWith('Examples:'));
      for (const line of section?.split('\n').slice(1) ?? []) {
        examples++;
        if (/\bpass:/.test(line)) bad.push(line.trim());
        const uses = [...line.matchAll(PASSWORD_OPTION)];
        if (uses.length > 0) withPasswords++;
        for (const u of uses) if (!/^(env:[A-Z_][A-Z0-9_]*|file:\S+|stdin)$/.test(u[2]!)) bad.push(`${u[0]} in: ${line.trim()}`);
      }
    }
    console.log(`help: ${paths.length} commands, ${examples} examples, ${withPasswords} with passwords, all env:/file:/stdin`);
    expect(bad).toEqual([]);
    expect(withPasswords).toBeGreaterThanOrEqual(10);
  });
});
