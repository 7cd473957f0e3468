/**
 * The passwords a command cannot do without (a keystore's, a new store's), as keytool treats
 * them: one not given is asked for on a terminal, without echo, and a new store's twice; off a
 * terminal nothing waits for input that is not coming, and the missing options are the usual
 * usage error (exit 2), all named at once.
 */
import { CertkitError } from '../errors.js';
import type { CliContext } from './command.js';
import { promptLabel } from './passwords.js';

/** One required password option: its name, its source as given (undefined: not given), and whether it protects a new store. */
export interface RequiredPassword {
  readonly option: string;
  readonly spec: string | undefined;
  readonly newStore?: boolean;
  /** May be left out (a passwordless PKCS#12 has none): off a terminal, then the empty password. */
  readonly optional?: boolean;
}

/**
 * Before any is resolved: off a terminal, USAGE naming every required password not given
 * ("Missing required arguments: srcstorepass, deststorepass"), as for any missing option.
 */
export function checkRequiredPasswords(ctx: CliContext, wanted: readonly RequiredPassword[]): void {
  const missing = wanted.filter((w) => w.spec === undefined && w.optional !== true).map((w) => w.option.replace(/^--/, ''));
  if (missing.length === 0 || ctx.passwords.terminal?.() !== undefined) return;
  throw new CertkitError('USAGE', `Missing required argument${missing.length === 1 ? '' : 's'}: ${missing.join(', ')}`, {
    hint: "see 'certkit --help'",
  });
}

/** The password: from its source when given, else asked for on the terminal (twice for a new store). */
export async function requiredPassword(ctx: CliContext, w: RequiredPassword): Promise<string> {
  if (w.spec !== undefined) return ctx.password(w.spec, w.option);
  const terminal = ctx.passwords.terminal?.();
  if (terminal === undefined) {
    if (w.optional === true) return '';
    checkRequiredPasswords(ctx, [w]);
  }
  const { askPassword } = await import('./prompt.js');
  return askPassword(terminal!, w.option, promptLabel(w.option), w.newStore === true);
}
