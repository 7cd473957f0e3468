/**
 * Naming an unknown option the way a person can act on: before any other usage error (yargs
 * checks required options first, so `keystore list x.jks --storepas env:P` used to say
 * "Missing required argument: storepass"), with the option it most likely meant
 * ("unknown option --storepas; did you mean --storepass?"), and keytool's single-dash habit
 * recognised ("certkit options take two dashes: --storepass"; yargs read `-storepass` as nine
 * one-letter options).
 *
 * Only option names are shown, and only what looks like one: a word of letters, digits and dashes.
 */

/** What the command being parsed declares. */
export interface DeclaredOptions {
  /** Every name yargs may put in the parsed arguments for a declared option: keys, aliases, camelCase forms. */
  readonly keys: ReadonlySet<string>;
  /** The long option names, in the order declared (what a suggestion may name). */
  readonly long: readonly string[];
}

/** `--allow-missing-mac` as yargs-parser also names it: `allowMissingMac`. */
const camelCase = (name: string) => name.replace(/-+([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The declared options of yargs's `getOptions()`: its keys and aliases. */
export function declaredOptions(options: { key: Record<string, unknown>; alias: Record<string, readonly string[]> }): DeclaredOptions {
  const names = [...Object.keys(options.key), ...Object.values(options.alias).flat()];
  return {
    keys: new Set(names.flatMap((n) => [n, camelCase(n)])),
    long: Object.keys(options.key).filter((k) => k.length > 1),
  };
}

/** Levenshtein distance, for the suggestion (names are short: no need to be clever). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The declared long option closest to `name` (case aside), if one is close enough to be meant. */
function closest(name: string, long: readonly string[]): string | undefined {
  const typed = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of long) {
    const d = distance(typed, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.min(2, Math.floor(typed.length / 3)) ? best : undefined;
}

const OPTION_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;

function unknown(dashes: string, name: string, declared: DeclaredOptions): string {
  if (!OPTION_NAME.test(name)) return 'an unknown option (not shown: it is not an option name; quote values that start with -)';
  const meant = closest(name, declared.long);
  return `unknown option ${dashes}${name}${meant === undefined ? '' : `; did you mean --${meant}?`}`;
}

/**
 * The message for the first unknown option in `words` (the command line as typed), or undefined
 * when yargs parsed none (`parsedKeys`: the keys of its parsed arguments).
 */
export function unknownOptionMessage(words: readonly string[], parsedKeys: readonly string[], declared: DeclaredOptions): string | undefined {
  const unknownKeys = new Set(parsedKeys.filter((k) => k !== '_' && k !== '$0' && !declared.keys.has(k)));
  if (unknownKeys.size === 0) return undefined;
  for (const word of words) {
    if (word === '--') break;
    const long = /^--([^=]+)/.exec(word)?.[1];
    if (long !== undefined) {
      // yargs reads `--no-x` as x = false: the key is `x`, the word as typed is shown.
      const key = long.startsWith('no-') && !unknownKeys.has(long) ? long.slice(3) : long;
      if (unknownKeys.has(key) || unknownKeys.has(camelCase(key))) return unknown('--', long, declared);
      continue;
    }
    const short = /^-([^-=][^=]*)/.exec(word)?.[1];
    if (short === undefined || !unknownKeys.has(short[0]!)) continue;
    if (short.length > 1 && declared.long.includes(short)) return `certkit options take two dashes: --${short}`;
    return unknown('-', short, declared);
  }
  const [first] = unknownKeys;
  return unknown(first!.length > 1 ? '--' : '-', first!, declared);
}
