/**
 * Asking for a password on a terminal, as keytool does: the prompt on stderr, the terminal in raw
 * mode so nothing typed is echoed, read one character at a time. Backspace (DEL or ^H) removes
 * the last character; Enter ends the line; ^D ends it too (on an empty line: no password); ^C
 * stops the run (INTERRUPTED, exit 130: in raw mode the terminal sends no SIGINT); ^U clears the
 * line. Other control characters are ignored. The terminal is put back as it was in every case.
 *
 * Loaded only when a prompt is needed: `certkit --help` and `keystore list` with a password given
 * never load it.
 */
import { StringDecoder } from 'node:string_decoder';

import { CertkitError } from '../errors.js';
import { MAX_PASSWORD_LINE } from './passwords.js';
import type { TextOut } from './command.js';

/** What a prompt needs of the terminal it reads (process.stdin when it is a TTY). */
export interface TerminalInput {
  setRawMode(raw: boolean): unknown;
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  removeListener(event: 'data' | 'end', listener: (chunk: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

/** Reads one line from `input` without echo, after writing `prompt` (and a space) to `output`. */
export function readHidden(input: TerminalInput, output: TextOut, prompt: string): Promise<string | undefined> {
  const decoder = new StringDecoder('utf8');
  let line = '';
  return new Promise((resolve, reject) => {
    const finish = (settle: () => void) => {
      input.removeListener('data', onData);
      input.removeListener('end', onEnd);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
      settle();
    };
    const onEnd = () => finish(() => resolve(line === '' ? undefined : line));
    const onData = (chunk: Buffer | string) => {
      const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
      for (const ch of text) {
        if (ch === '\r' || ch === '\n') return finish(() => resolve(line));
        if (ch === '\x04') return onEnd();
        if (ch === '\x03') return finish(() => reject(new CertkitError('INTERRUPTED', 'interrupted')));
        if (ch === '\x7f' || ch === '\b') line = Array.from(line).slice(0, -1).join('');
        else if (ch === '\x15') line = '';
        else if (ch >= ' ' && ch !== '\x7f') line += ch;
        if (Buffer.byteLength(line) > MAX_PASSWORD_LINE) {
          return finish(() => reject(new CertkitError('LIMIT_EXCEEDED', `password line longer than ${MAX_PASSWORD_LINE} bytes`)));
        }
      }
    };
    // Echo off before the prompt shows: whatever is typed once it is there is never echoed.
    input.setRawMode(true);
    input.on('data', onData);
    input.on('end', onEnd);
    input.resume();
    output.write(`${prompt} `);
  });
}

/** What keytool says when the second password typed is not the first. */
export const MISMATCH_LINE = "They don't match. Try again";
/** How many times a new password may be typed twice before certkit gives up (keytool's count). */
export const CONFIRM_TRIES = 3;

/**
 * Asks for a password (`label`: "keystore password"); for a new store (`confirm`), twice, again
 * up to {@link CONFIRM_TRIES} times while the two differ. USAGE (naming `option`) when nothing is
 * typed (^D) or the two never match.
 */
export async function askPassword(
  terminal: { readonly input: TerminalInput; readonly output: TextOut },
  option: string,
  label: string,
  confirm: boolean,
): Promise<string> {
  const ask = async (prompt: string) => {
    const typed = await readHidden(terminal.input, terminal.output, prompt);
    if (typed === undefined) throw new CertkitError('USAGE', `${option}: no password typed (end of input)`);
    return typed;
  };
  for (let tries = 0; tries < (confirm ? CONFIRM_TRIES : 1); tries++) {
    const first = await ask(`Enter ${label}:`);
    if (!confirm) return first;
    if ((await ask('Re-enter new password:')) === first) return first;
    terminal.output.write(`${MISMATCH_LINE}\n`);
  }
  throw new CertkitError('USAGE', `${option}: the two passwords typed did not match, ${CONFIRM_TRIES} times`, {
    hint: `give it with ${option} env:VAR or file:PATH instead`,
  });
}
