/**
 * The key `certkit client` starts generating before yargs loads: which command lines start one,
 * and that only the exact spec yargs parsed takes it, once.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { peekKeyType, startEarlyKey, takeEarlyKey } from '../../src/cli/early-key.js';

/** How many keys early-key.ts asked node:crypto for (the real generateKeyPair runs). */
const generated = { count: 0 };
// early-key.ts fetches node:crypto with process.getBuiltinModule when it generates (not at import).
const realGetBuiltinModule = process.getBuiltinModule.bind(process);
vi.spyOn(process, 'getBuiltinModule').mockImplementation(((id: string) => {
  const mod = realGetBuiltinModule(id);
  if (id !== 'node:crypto') return mod;
  const real = mod as typeof import('node:crypto');
  return {
    ...real,
    generateKeyPair: (...args: Parameters<typeof real.generateKeyPair>) => {
      generated.count++;
      return (real.generateKeyPair as (...a: unknown[]) => void)(...args);
    },
  };
}) as typeof process.getBuiltinModule);
afterAll(() => vi.restoreAllMocks());

describe('peekKeyType', () => {
  it('reads client --key-type in both spellings, defaults to rsa2048, ignores other commands', () => {
    expect([
      peekKeyType(['client']),
      peekKeyType(['client', '--ca-arn', 'arn', '--key-type', 'ec256']),
      peekKeyType(['client', '--key-type=ec384', '--out', 'x']),
      peekKeyType(['client', '--key-type', 'rsa2048', '--key-type', 'rsa4096']),
      peekKeyType(['keygen', '--key-type', 'ec256']),
      peekKeyType(['keystore', 'list', 'client']),
      peekKeyType([]),
    ]).toEqual(['rsa2048', 'ec256', 'ec384', 'rsa4096', undefined, undefined, undefined]);
  });

  it('starts nothing for help, version, unknown key types or a dangling --key-type', () => {
    expect([
      peekKeyType(['client', '--help']),
      peekKeyType(['client', '-h']),
      peekKeyType(['client', '--version']),
      peekKeyType(['client', '--key-type', 'dsa1024']),
      peekKeyType(['client', '--key-type']),
      peekKeyType(['client', '--key-type', '__proto__']),
    ]).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('stops reading at --', () => {
    expect(peekKeyType(['client', '--', '--key-type', 'ec256'])).toBe('rsa2048');
  });
});

describe('startEarlyKey / takeEarlyKey', () => {
  it('hands the started key to the matching spec once', async () => {
    startEarlyKey(['client', '--key-type', 'ec256']);
    expect(takeEarlyKey('rsa2048')).toBe(undefined);
    const key = await takeEarlyKey('ec256');
    expect([key?.type, key?.asymmetricKeyType, key?.asymmetricKeyDetails?.namedCurve]).toEqual(['private', 'ec', 'prime256v1']);
    expect(takeEarlyKey('ec256')).toBe(undefined);
  });

  it('generates RSA with the exponent keys.ts uses, and a new start replaces an untaken key', async () => {
    startEarlyKey(['client', '--key-type', 'ec384']);
    startEarlyKey(['client']);
    expect(takeEarlyKey('ec384')).toBe(undefined);
    const key = await takeEarlyKey('rsa2048');
    expect([key?.asymmetricKeyType, key?.asymmetricKeyDetails?.modulusLength, key?.asymmetricKeyDetails?.publicExponent]).toEqual([
      'rsa',
      2048,
      65537n,
    ]);
  });

  it('a second start for the same spec keeps the key already started (bin starts it, then main)', async () => {
    const before = generated.count;
    startEarlyKey(['client', '--key-type', 'ec256']);
    startEarlyKey(['client', '--key-type=ec256', '--out-dir', 'x']);
    expect(generated.count - before).toBe(1);
    const key = await takeEarlyKey('ec256');
    expect(key?.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(takeEarlyKey('ec256')).toBe(undefined);
    // Once taken, a new start generates a new key.
    startEarlyKey(['client', '--key-type', 'ec256']);
    expect(generated.count - before).toBe(2);
    await takeEarlyKey('ec256');
  });

  it('a command line that is not a client run clears an earlier key', () => {
    startEarlyKey(['client', '--key-type', 'ec256']);
    startEarlyKey(['keystore', 'list', 'x.jks']);
    expect(takeEarlyKey('ec256')).toBe(undefined);
  });
});
