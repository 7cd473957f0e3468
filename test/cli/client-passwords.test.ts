/**
 * `certkit client` and its passwords (in process, the local CA): every combination of
 * --storepass and --keypass, with and without client.properties, as text and as --json. Each
 * generated password is shown once, by name, and opens what it names; a given one is never shown
 * and never claimed when it was not given; "also in client.properties" only when that file was
 * written. A --force run that replaces an earlier keystore or client.properties under new
 * passwords says so on stderr (and in the JSON's warnings).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { main } from '../../src/cli/main.js';
import { readKeyStore } from '../../src/keystore/keystore.js';
import { tempDir } from '../support/tmp.js';

const SP = 'given-Store-pass-1';
const KP = 'given-Key-pass-2';
const env = { SP, KP };

function collector() {
  const chunks: string[] = [];
  return { write: (s: string) => chunks.push(s), text: () => chunks.join(''), isTTY: false };
}

async function client(cwd: string, args: string[]) {
  const stdout = collector();
  const stderr = collector();
  const status = await main(['client', '--key-type', 'ec256', ...args], { stdout, stderr, stdin: '', env, cwd });
  return { status, stdout: stdout.text(), stderr: stderr.text() };
}

type Source = 'generated' | '--storepass' | '--keypass';
const CASES: readonly { name: string; args: string[]; store: Source; key: Source }[] = [
  { name: 'none given', args: [], store: 'generated', key: 'generated' },
  { name: 'only --storepass', args: ['--storepass', 'env:SP'], store: '--storepass', key: '--storepass' },
  { name: 'only --keypass', args: ['--keypass', 'env:KP'], store: 'generated', key: '--keypass' },
  { name: 'both', args: ['--storepass', 'env:SP', '--keypass', 'env:KP'], store: '--storepass', key: '--keypass' },
];
const FORMATS = [
  { formats: 'jks,properties', properties: true },
  { formats: 'jks', properties: false },
] as const;
const GENERATED = /^[A-Za-z0-9]{24}$/;

describe('certkit client: the passwords in the summary', () => {
  const cwd = tempDir('certkit-client-passwords-');
  let n = 0;
  beforeAll(async () => {
    const made = collector();
    expect(await main(['ca', 'init', '--key-type', 'ec256'], { stdout: made, stderr: made, stdin: '', env: {}, cwd })).toBe(0);
  });

  /** Opens the JKS with the two passwords: the store, then the key under its own password. */
  async function opens(out: string, storePassword: string, keyPassword: string): Promise<string[]> {
    const store = await readKeyStore(readFileSync(join(cwd, out, 'kafka.client.keystore.jks')), { storePassword, keyPassword });
    return store.entries.map((e) => `${e.alias} ${e.kind} ${e.kind === 'private-key' && e.key !== undefined ? 'key' : 'no key'}`);
  }

  describe.each(FORMATS)('--formats $formats', ({ formats, properties }) => {
    it.each(CASES)('text, $name: each generated password once by name, each given one by its option', async ({ args, store, key }) => {
      const out = `t${++n}`;
      const r = await client(cwd, ['--out', out, '--formats', formats, ...args]);
      expect([r.status, r.stderr]).toEqual([0, '']);
      const section = r.stdout.slice(r.stdout.indexOf('Passwords:'));
      const lines = section.slice(0, section.indexOf('\n\n') < 0 ? undefined : section.indexOf('\n\n')).trimEnd().split('\n');
      const storeValue = lines[1]!.slice('  keystore password (storepass)  '.length);
      const keyValue = lines[2]!.slice('  key password (keypass)         '.length);
      const generated = [store, key].filter((s) => s === 'generated').length;
      const trailer =
        generated === 0
          ? []
          : properties
            ? [`  The generated password${generated === 1 ? ' is' : 's are'} shown only this once; also in ${out}/client.properties (mode 0600).`]
            : [`  The generated password${generated === 1 ? ' is' : 's are'} shown only this once and written to no file (client.properties is not in --formats): save ${generated === 1 ? 'it' : 'them'} now.`];
      expect(lines).toEqual([
        'Passwords:',
        `  keystore password (storepass)  ${store === 'generated' ? storeValue : '(given with --storepass; not shown)'}`,
        `  key password (keypass)         ${key === 'generated' ? keyValue : key === '--keypass' ? '(given with --keypass; not shown)' : '(the keystore password, given with --storepass; not shown)'}`,
        ...trailer,
      ]);
      const storePassword = store === 'generated' ? storeValue : SP;
      const keyPassword = key === 'generated' ? keyValue : key === '--keypass' ? KP : SP;
      for (const [source, value] of [[store, storeValue], [key, keyValue]] as const) {
        if (source === 'generated') {
          expect(value).toMatch(GENERATED);
          expect(r.stdout.split(value)).toHaveLength(2); // shown exactly once
        }
      }
      if (store === 'generated' && key === 'generated') expect(storeValue).not.toBe(keyValue);
      expect(r.stdout).not.toContain(SP);
      expect(r.stdout).not.toContain(KP);
      // What the summary shows (or the user gave) opens the keystore and its key.
      expect(await opens(out, storePassword, keyPassword)).toEqual(['client private-key key']);
      if (properties) {
        expect(readFileSync(join(cwd, out, 'client.properties'), 'utf8')).toContain(`ssl.keystore.password=${storePassword}\nssl.key.password=${keyPassword}\n`);
      }
    });

    it.each(CASES)('--json, $name: the generated passwords and where each came from', async ({ args, store, key }) => {
      const out = `j${++n}`;
      const r = await client(cwd, ['--out', out, '--formats', formats, '--json', ...args]);
      expect([r.status, r.stderr]).toEqual([0, '']);
      const doc = JSON.parse(r.stdout) as { passwords?: Record<string, string>; passwordSources: Record<string, string>; files: string[]; warnings?: unknown };
      expect(doc.passwordSources).toEqual({ storePassword: store, keyPassword: key });
      const shown = Object.keys(doc.passwords ?? {});
      expect(shown).toEqual([...(store === 'generated' ? ['storePassword'] : []), ...(key === 'generated' ? ['keyPassword'] : [])]);
      for (const value of Object.values(doc.passwords ?? {})) {
        expect(value).toMatch(GENERATED);
        expect(r.stdout.split(value)).toHaveLength(2);
      }
      expect(doc.files).toEqual([`${out}/kafka.client.keystore.jks`, ...(properties ? [`${out}/client.properties`] : []), `${out}/certkit.json`]);
      expect(doc.warnings).toBeUndefined();
      expect(r.stdout).not.toContain(SP);
      expect(r.stdout).not.toContain(KP);
      const storePassword = doc.passwords?.storePassword ?? SP;
      const keyPassword = doc.passwords?.keyPassword ?? (key === '--keypass' ? KP : SP);
      expect(await opens(out, storePassword, keyPassword)).toEqual(['client private-key key']);
    });
  });

  it('--force over an earlier keystore and client.properties under new passwords: a warning on stderr and in the JSON', async () => {
    const warning = (files: string, which: string) =>
      `certkit: warning: new passwords: --force replaced ${files} of an earlier run, under ${which}; ` +
      'update the Glue connection and every client that used the old ones\n';
    const first = await client(cwd, ['--out', 'again', '--formats', 'jks,properties']);
    expect(first.status, first.stderr).toBe(0);

    const generated = await client(cwd, ['--out', 'again', '--formats', 'jks,p12,properties', '--force']);
    expect([generated.status, generated.stderr]).toEqual([0, warning('again/kafka.client.keystore.jks, again/client.properties', 'newly generated passwords')]);

    const onlyKey = await client(cwd, ['--out', 'again', '--formats', 'p12', '--force', '--keypass', 'env:KP', '--json']);
    const text = warning('again/keystore.p12', 'a newly generated keystore password');
    expect([onlyKey.status, onlyKey.stderr]).toEqual([0, text]);
    expect((JSON.parse(onlyKey.stdout) as { warnings: string[] }).warnings).toEqual([text.slice('certkit: warning: '.length, -1)]);

    // Passwords given, or nothing of an earlier run replaced: nothing to say.
    const given = await client(cwd, ['--out', 'again', '--formats', 'jks,properties', '--force', '--storepass', 'env:SP']);
    expect([given.status, given.stderr]).toEqual([0, '']);
    const keyOnly = await client(cwd, ['--out', 'again', '--formats', 'cert,key', '--force']);
    expect([keyOnly.status, keyOnly.stderr]).toEqual([0, '']);
    const fresh = await client(cwd, ['--out', 'fresh', '--formats', 'jks,properties', '--force']);
    expect([fresh.status, fresh.stderr]).toEqual([0, '']);
  });
});
