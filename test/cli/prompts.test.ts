/**
 * Passwords asked for on a terminal, as keytool asks: the built CLI on a pseudo-terminal
 * (test/support/pty-run.py), each prompt awaited as it appears, the keys typed, nothing echoed,
 * the exact exit status. Off a terminal nothing waits: a missing password is a usage error at once.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { readKeyStore } from '../../src/keystore/keystore.js';
import { MISMATCH_LINE } from '../../src/cli/prompt.js';
import { builtCliExists, ROOT, runBin, runCli } from '../support/cli.js';
import { certkitOnPty, havePty } from '../support/pty-session.js';
import { tempDir } from '../support/tmp.js';

const STOREPASS = 'ec256-pass';
const NEW = 'n3w-Pässwörd';

describe.skipIf(!havePty() || !builtCliExists())('prompts on a terminal (built CLI on a pty)', () => {
  const cwd = tempDir('certkit-prompts-');
  beforeAll(() => {
    copyFileSync(join(ROOT, 'fixtures/jks/ec256.jks'), join(cwd, 'in.jks'));
    const r = runBin(['keystore', 'export', 'in.jks', '--storepass', `env:SP`, '--cert-out', 'ca.pem'], { cwd, env: { SP: STOREPASS } });
    expect(r.status, r.stderr).toBe(0);
  });
  /** The terminal's text with its line ends as \n. */
  const shown = (s: string) => s.replaceAll('\r\n', '\n');

  it('keystore list without --storepass: "Enter keystore password:", typed without echo, then the listing', async () => {
    const pty = certkitOnPty(['keystore', 'list', 'in.jks'], { cwd });
    await pty.waitFor('Enter keystore password: ');
    pty.type(`${STOREPASS}\r`);
    const { status, output } = await pty.done;
    expect(status, output).toBe(0);
    expect(shown(output).startsWith('Enter keystore password: \nKeystore type: JKS\n\nYour keystore contains 1 entry\n')).toBe(true);
    expect(output).not.toContain(STOREPASS);
  });

  it('backspace removes what was typed; a wrong password is exit 4 and the prompt does not show it', async () => {
    const pty = certkitOnPty(['keystore', 'list', 'in.jks'], { cwd });
    await pty.waitFor('Enter keystore password: ');
    pty.type(`${STOREPASS}xy\x7f\x7f\r`);
    expect((await pty.done).status).toBe(0);
    const wrong = certkitOnPty(['keystore', 'list', 'in.jks'], { cwd });
    await wrong.waitFor('Enter keystore password: ');
    wrong.type('not-it\r');
    const { status, output } = await wrong.done;
    expect([status, shown(output)]).toEqual([
      4,
      'Enter keystore password: \ncertkit: in.jks: keystore password was incorrect, or the file is corrupt (integrity digest does not match)\n',
    ]);
  });

  it('truststore create: a new store\'s password twice, a mismatch refused as keytool does, then it is made', async () => {
    const pty = certkitOnPty(['truststore', 'create', '--cert', 'ca.pem', '--out', 'trust.p12'], { cwd });
    let at = await pty.waitFor('Enter keystore password: ');
    pty.type(`${NEW}\r`);
    at = await pty.waitFor('Re-enter new password: ', at);
    pty.type(`${NEW}!\r`);
    at = await pty.waitFor(`${MISMATCH_LINE}\r\nEnter keystore password: `, at);
    pty.type(`${NEW}\r`);
    await pty.waitFor('Re-enter new password: ', at);
    pty.type(`${NEW}\r`);
    const { status, output } = await pty.done;
    expect(status, output).toBe(0);
    expect(shown(output)).toMatch(
      new RegExp(`^Enter keystore password: \nRe-enter new password: \n${MISMATCH_LINE}\nEnter keystore password: \nRe-enter new password: \ncertkit: wrote trust\\.p12 \\(PKCS12, 1 trusted certificate: '.+'\\)\n$`),
    );
    expect(output).not.toContain(NEW);
    const store = await readKeyStore(readFileSync(join(cwd, 'trust.p12')), { storePassword: NEW });
    expect(store.entries.map((e) => e.kind)).toEqual(['trusted-cert']);
  });

  it('three mismatches: one clear error, exit 2, nothing written', async () => {
    const pty = certkitOnPty(['keystore', 'convert', 'in.jks', 'out.p12', '--srcstorepass', 'env:SP'], { cwd, env: { SP: STOREPASS } });
    let at = 0;
    for (let i = 0; i < 3; i++) {
      at = await pty.waitFor('Enter destination keystore password: ', at);
      pty.type('first\r');
      at = await pty.waitFor('Re-enter new password: ', at);
      pty.type('second\r');
    }
    const { status, output } = await pty.done;
    expect([status, shown(output).split('\n').slice(-2)]).toEqual([
      2,
      ['certkit: --deststorepass: the two passwords typed did not match, 3 times (give it with --deststorepass env:VAR or file:PATH instead)', ''],
    ]);
    expect(shown(output).split(MISMATCH_LINE).length).toBe(4);
  });

  it('keystore convert without either password: the source once, the destination twice', async () => {
    const pty = certkitOnPty(['keystore', 'convert', 'in.jks', 'both.p12'], { cwd });
    let at = await pty.waitFor('Enter source keystore password: ');
    pty.type(`${STOREPASS}\r`);
    at = await pty.waitFor('Enter destination keystore password: ', at);
    pty.type(`${NEW}\r`);
    await pty.waitFor('Re-enter new password: ', at);
    pty.type(`${NEW}\r`);
    const { status, output } = await pty.done;
    expect([status, shown(output).split('\n').slice(-2)]).toEqual([0, ['certkit: wrote both.p12 (PKCS12, 1 entry from JKS)', '']]);
    expect((await readKeyStore(readFileSync(join(cwd, 'both.p12')), { storePassword: NEW })).entries).toHaveLength(1);
  });

  it('--storepass stdin on a terminal is asked for, without echo', async () => {
    const pty = certkitOnPty(['keystore', 'list', 'in.jks', '--storepass', 'stdin', '--json'], { cwd });
    await pty.waitFor('Enter keystore password: ');
    pty.type(`${STOREPASS}\r`);
    const { status, output } = await pty.done;
    expect([status, JSON.parse(shown(output).slice('Enter keystore password: \n'.length)).type]).toEqual([0, 'jks']);
    expect(output).not.toContain(STOREPASS);
  });

  it('^C at a prompt: "certkit: interrupted", exit 130; ^D on an empty line: no password, exit 2', async () => {
    const c = certkitOnPty(['keystore', 'list', 'in.jks'], { cwd });
    await c.waitFor('Enter keystore password: ');
    c.type('abc\x03');
    expect(await c.done).toEqual({ status: 130, output: 'Enter keystore password: \r\ncertkit: interrupted\r\n' });
    const d = certkitOnPty(['keystore', 'list', 'in.jks'], { cwd });
    await d.waitFor('Enter keystore password: ');
    d.type('\x04');
    expect(await d.done).toEqual({ status: 2, output: 'Enter keystore password: \r\ncertkit: --storepass: no password typed (end of input)\r\n' });
  });
});

describe('off a terminal nothing waits for a password', () => {
  it('a missing required password is the usual usage error at once (exit 2), all of them named', async () => {
    // A store being read may have no password (a passwordless PKCS#12): only a new store's is required.
    expect(await runCli(['keystore', 'convert', 'a.jks', 'b.p12'])).toEqual({
      status: 2,
      stdout: '',
      stderr: "certkit: Missing required argument: deststorepass (see 'certkit --help')\n",
    });
    expect((await runCli(['truststore', 'create', '--cert', 'ca.pem', '--out', 't.p12'])).stderr).toBe("certkit: Missing required argument: storepass (see 'certkit --help')\n");
  });

  it.skipIf(!builtCliExists())('as a real process with a pipe for stdin: the same, and no prompt written', () => {
    const r = runBin(['keystore', 'create', '--key', 'k.pem', '--cert', 'c.pem', '--out', 'x.p12']);
    expect([r.status, r.stdout, r.stderr]).toEqual([2, '', "certkit: Missing required argument: storepass (see 'certkit --help')\n"]);
  });
});
