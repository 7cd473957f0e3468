/**
 * Running bin/certkit with its stdout (and stdin) on a pseudo-terminal of a chosen size, as a
 * person at a terminal runs it: python3's pty module opens the pair, sets the window size on it
 * before the child starts (so the child reads those columns on its first look), and reads the
 * terminal until the child has closed it. stderr stays a pipe, so the two are told apart.
 */
import { spawnSync } from 'node:child_process';

import { BIN } from './cli.js';
import { tool } from './tools.js';

const RUNNER = `
import fcntl, os, struct, subprocess, sys, termios
cols, argv = int(sys.argv[1]), sys.argv[2:]
master, slave = os.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', 50, cols, 0, 0))
child = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=subprocess.PIPE, start_new_session=True)
os.close(slave)
out = b''
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:  # EIO: every descriptor of the terminal's other end is closed
        break
    if not chunk:
        break
    out += chunk
err = child.stderr.read()
status = child.wait()
sys.stdout.buffer.write(struct.pack('>iI', status, len(out)) + out + err)
`;

export interface PtyResult {
  status: number;
  /** What the terminal showed, with the terminal's CRLF line ends turned back into LF. */
  stdout: string;
  stderr: string;
}

/** True when python3 (for its pty module) is here; throws with CI=true if it is not. */
export function havePty(): boolean {
  return tool('python3') !== undefined;
}

/** Runs `bin/certkit args` with stdout on a terminal `columns` wide. */
export function runBinOnPty(args: readonly string[], columns: number, env: Record<string, string> = {}): PtyResult {
  const r = spawnSync(tool('python3')!, ['-c', RUNNER, String(columns), process.execPath, BIN, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
  });
  if (r.error !== undefined) throw r.error;
  if (r.status !== 0) throw new Error(`pty runner failed (${r.status}): ${r.stderr.toString()}`);
  const status = r.stdout.readInt32BE(0);
  const length = r.stdout.readUInt32BE(4);
  return {
    status,
    stdout: r.stdout.subarray(8, 8 + length).toString('utf8').replaceAll('\r\n', '\n'),
    stderr: r.stdout.subarray(8 + length).toString('utf8'),
  };
}
