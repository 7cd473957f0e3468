#!/usr/bin/env python3
"""Runs a command on a pseudo-terminal, for tests of what certkit does on a terminal.

    python3 pty-run.py COMMAND [ARG...]

The command gets a new pty as its controlling terminal, for stdin, stdout and stderr alike
(so isatty() is true for all three, echo is on, ^C is the terminal's interrupt character).
Everything it writes to the terminal is copied, byte for byte, to this script's stdout; what
this script reads on its stdin is typed into the terminal (the test writes a password, or
"\\x03" for ^C). When the command has exited and its output is drained, the last line on this
script's stderr is "exit N" (N as a shell reports it: 128 + the signal for a signal).
"""
import os
import pty
import select
import sys


def main() -> int:
    argv = sys.argv[1:]
    if not argv:
        sys.stderr.write("usage: pty-run.py COMMAND [ARG...]\n")
        return 2
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    reading_stdin = True
    while True:
        watched = [fd] + ([0] if reading_stdin else [])
        ready, _, _ = select.select(watched, [], [])
        if 0 in ready:
            data = os.read(0, 4096)
            if data:
                os.write(fd, data)
            else:
                reading_stdin = False  # the test closed our stdin: the terminal stays open
        if fd in ready:
            try:
                data = os.read(fd, 4096)
            except OSError:  # EIO: every process holding the terminal has closed it
                data = b""
            if not data:
                break
            os.write(1, data)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    sys.stderr.write(f"exit {code if code >= 0 else 128 - code}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
