/**
 * Key generation started before the CLI framework loads.
 *
 * `certkit client` spends its first ~150 ms loading yargs and parsing; an RSA-2048 key takes
 * 0.2 s (with a tail to 0.7 s) on libuv's thread pool, where it does not compete with module
 * loading on the main thread. `startEarlyKey(argv)` peeks at the raw arguments (only for
 * `client`, reading only `--key-type`) and starts generating at once; the command takes the key
 * with `takeEarlyKey(spec)`, which answers only for exactly the spec yargs parsed, so a peek
 * that misreads the arguments costs a discarded key, never a wrong one. A key is taken at most
 * once. This module imports nothing: node:crypto (3 to 7 ms to load) is fetched only when a key
 * is generated, so other commands' start-up does not pay for it here.
 */
import type { KeyObject } from 'node:crypto';

type Params = readonly ['rsa', { modulusLength: number; publicExponent: number }] | readonly ['ec', { namedCurve: string }];

/** The same parameters as `generateKeyPair` in keys.ts. */
const PARAMS: Readonly<Record<string, Params>> = {
  rsa2048: ['rsa', { modulusLength: 2048, publicExponent: 65537 }],
  rsa3072: ['rsa', { modulusLength: 3072, publicExponent: 65537 }],
  rsa4096: ['rsa', { modulusLength: 4096, publicExponent: 65537 }],
  ec256: ['ec', { namedCurve: 'P-256' }],
  ec384: ['ec', { namedCurve: 'P-384' }],
};

/** `certkit client`'s default key type (its `--key-type` default). */
const DEFAULT_SPEC = 'rsa2048';

let early: { readonly spec: string; readonly key: Promise<KeyObject> } | undefined;

/**
 * The key type a `certkit client` command line asks for, or undefined when `argv` is not a
 * client run that will generate a key (another command, help, version, an unknown key type).
 */
export function peekKeyType(argv: readonly string[]): string | undefined {
  if (argv[0] !== 'client') return undefined;
  let spec = DEFAULT_SPEC;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a === '--help' || a === '-h' || a === '--version') return undefined;
    if (a === '--key-type') spec = argv[++i] ?? '';
    else if (a.startsWith('--key-type=')) spec = a.slice('--key-type='.length);
  }
  return Object.hasOwn(PARAMS, spec) ? spec : undefined;
}

/**
 * Starts generating the key a `certkit client` command line will need (see the module comment).
 * An untaken key already started for the same spec is kept; any other is dropped.
 */
export function startEarlyKey(argv: readonly string[]): void {
  const spec = peekKeyType(argv);
  // The executable starts the key before it loads main(), which starts it again: keep the first.
  if (spec !== undefined && early?.spec === spec) return;
  early = undefined;
  if (spec === undefined) return;
  const [type, options] = PARAMS[spec]!;
  const { generateKeyPair } = process.getBuiltinModule('node:crypto');
  const key = new Promise<KeyObject>((resolve, reject) => {
    const done = (err: Error | null, _pub: KeyObject, priv: KeyObject) => (err ? reject(err) : resolve(priv));
    if (type === 'rsa') generateKeyPair('rsa', options, done);
    else generateKeyPair('ec', options, done);
  });
  key.catch(() => undefined); // a failure shows when the key is taken; never unhandled
  early = { spec, key };
}

/** The early key for `spec`, once; undefined if none was started for exactly that spec. */
export function takeEarlyKey(spec: string): Promise<KeyObject> | undefined {
  if (early === undefined || early.spec !== spec) return undefined;
  const { key } = early;
  early = undefined;
  return key;
}
