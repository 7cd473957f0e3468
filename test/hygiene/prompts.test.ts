/**
 * Prompts leak nothing: the sentinel password typed at a prompt (one character at a time, as a
 * terminal in raw mode delivers it, with a backspace and a mismatch on the way) never appears in
 * what the prompt writes, and the terminal is put back (raw mode off, input paused) every time.
 * The terminal is injected: a fake input and a collecting output.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';

import { askPassword, MISMATCH_LINE, type TerminalInput } from '../../src/cli/prompt.js';
import { NEEDLES, SENTINEL_PASSWORD, SENTINEL_WRONG } from './sentinel.js';

/** A terminal that delivers `lines`, one prompt's worth each time it is resumed. */
function fakeTerminal(lines: readonly string[]) {
  const emitter = new EventEmitter();
  const modes: boolean[] = [];
  let pending = [...lines];
  let paused = true;
  const input: TerminalInput = {
    setRawMode: (raw) => modes.push(raw),
    on: (event: string, listener: (chunk: Buffer | string) => void) => emitter.on(event, listener),
    removeListener: (event, listener) => emitter.removeListener(event, listener),
    resume: () => {
      paused = false;
      const line = pending[0];
      pending = pending.slice(1);
      if (line !== undefined) {
        queueMicrotask(() => {
          for (const ch of line) emitter.emit('data', Buffer.from(ch));
        });
      }
    },
    pause: () => void (paused = true),
  };
  const written: string[] = [];
  return { input, output: { write: (s: string) => written.push(s), isTTY: true }, written, modes, paused: () => paused };
}

describe('prompts and the sentinel password', () => {
  it('typed with a backspace and a mismatch first: the password is returned, and nothing written holds it', async () => {
    const t = fakeTerminal([`${SENTINEL_PASSWORD}x\x7f\r`, `${SENTINEL_WRONG}\r`, `${SENTINEL_PASSWORD}\r`, `${SENTINEL_PASSWORD}\r`]);
    expect(await askPassword(t, '--storepass', 'keystore password', true)).toBe(SENTINEL_PASSWORD);
    const text = t.written.join('');
    expect(text).toBe(`Enter keystore password: \nRe-enter new password: \n${MISMATCH_LINE}\nEnter keystore password: \nRe-enter new password: \n`);
    expect(NEEDLES.filter((n) => n.kind === 'password' && Buffer.from(text).includes(n.bytes)).map((n) => n.name)).toEqual([]);
    // Raw mode on and off around each of the four lines; the input left paused.
    expect([t.modes, t.paused()]).toEqual([[true, false, true, false, true, false, true, false], true]);
  });
});
