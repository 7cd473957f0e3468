/**
 * How `--help` is laid out: at most HELP_WIDTH (80) columns, wrapped at word boundaries, and
 * examples as commands on lines of their own.
 *
 * yargs lays the help out with cliui, whose ES build wraps at exactly the column width, in the
 * middle of words and of `--option` names. So certkit asks yargs for the text unwrapped and wraps
 * it here: a line too long for the width continues under its own description column (the options
 * and commands tables), or under its first character (a paragraph). yargs prints examples as a
 * two-column table, command and description side by side; certkit takes them from yargs
 * (`collectExamples`) and prints each command on its own line, its description on the next
 * (`formatExamples`). A command too long for the line is continued with a shell ` \`, and only
 * before an option, so every line can be pasted as it is and no option is cut from its value.
 *
 * The width is the same piped and on a terminal (80), or the terminal's when it is narrower: help
 * reads the same in a pipe, a log, a test and a terminal, and no line is longer than 80 columns.
 */
import type { Argv } from 'yargs';

import type { TextOut } from './command.js';

/** The widest help certkit prints. */
export const HELP_WIDTH = 80;
/** The narrowest: a terminal narrower than this wraps what certkit prints itself. */
const MIN_WIDTH = 40;

/** The width `--help` is laid out for: 80, or the terminal's width when it is narrower. */
export function helpWidth(stdout: TextOut): number {
  const columns = stdout.isTTY === true ? stdout.columns : undefined;
  return columns === undefined || columns <= 0 ? HELP_WIDTH : Math.max(MIN_WIDTH, Math.min(HELP_WIDTH, columns));
}

/** An example as a command declares it: the command line and what it does. */
export type Example = readonly [command: string, description: string];

/** Columns a string takes: code points (certkit's help is text without wide or combining characters). */
const widthOf = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/**
 * Words of `text` for wrapping, each with the spaces before it: a yargs annotation in brackets
 * (`[default: "-"]`, `[required]`) stays one word when it fits in `room`.
 */
function words(text: string, room: number): string[] {
  const out: string[] = [];
  for (const w of text.match(/ *(?:\[[^\]]*\]|\S+)/g) ?? []) {
    if (w.trimStart().startsWith('[') && widthOf(w.trimStart()) > room) out.push(...(w.match(/ *\S+/g) ?? []));
    else out.push(w);
  }
  return out;
}

/**
 * `text` (one line) wrapped to `width`: the first line starts with `head`, later ones with
 * `indent` spaces; lines break only between words. A word longer than the room is left whole.
 */
function fill(head: string, text: string, indent: number, width: number): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  let cur = head;
  let fresh = true; // nothing after the head or indent yet
  for (const w of words(text, width - indent)) {
    const word = w.trimStart();
    if (fresh) {
      cur += word;
      fresh = false;
    } else if (widthOf(cur) + widthOf(w) <= width) {
      cur += w;
    } else {
      lines.push(cur);
      cur = pad + word;
    }
  }
  lines.push(cur);
  return lines;
}

/**
 * A help line too long for `width`, wrapped. A table row (`  --name  Description  [string]`,
 * `  certkit csr  Create ...`) continues under its description; other lines under their first
 * character.
 */
function wrapLine(line: string, width: number): string[] {
  if (widthOf(line) <= width) return [line];
  const lead = /^ */.exec(line)![0].length;
  const column = /^ *\S+(?: \S+)*? {2,}(?=\S)/.exec(line)?.[0].length;
  const indent = column !== undefined && column <= width / 2 ? column : lead;
  return fill(line.slice(0, indent), line.slice(indent), indent, width);
}

/** A help text laid out unwrapped by yargs, wrapped at word boundaries to `width`. */
export function wrapHelp(text: string, width: number): string {
  return text
    .split('\n')
    .flatMap((l) => wrapLine(l, width))
    .join('\n');
}

/** The words of a shell command line: split at spaces outside quotes and `$(...)`. */
export function shellTokens(command: string): string[] {
  const tokens: string[] = [];
  let cur = '';
  let quote: string | undefined;
  let depth = 0;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '$' && command[i + 1] === '(') {
      depth++;
    } else if (c === ')' && depth > 0) {
      depth--;
    } else if (c === ' ' && depth === 0) {
      if (cur !== '') tokens.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  if (cur !== '') tokens.push(cur);
  return tokens;
}

/** Where an example's command line is indented; its continuation lines; its description. */
const COMMAND_INDENT = 2;
const CONTINUATION_INDENT = 4;
const DESCRIPTION_INDENT = 6;
const CONTINUED = ' \\';

/**
 * An example's command as lines of at most `width` columns: whole when it fits, else broken
 * before options (`--name value` stays together), each line but the last ending in ` \`. A part
 * that fits on no line alone is broken between its words instead.
 */
function commandLines(command: string, width: number): string[] {
  const room = width - CONTINUATION_INDENT - CONTINUED.length;
  const groups: string[] = [];
  for (const t of shellTokens(command)) {
    if (groups.length > 0 && !(t.startsWith('-') && t !== '-')) groups[groups.length - 1] += ' ' + t;
    else groups.push(t);
  }
  const parts = groups.flatMap((g) => (widthOf(g) <= room ? [g] : shellTokens(g)));
  const lines: string[] = [];
  let cur = ' '.repeat(COMMAND_INDENT) + parts[0]!;
  parts.slice(1).forEach((p, i) => {
    const last = i === parts.length - 2;
    if (widthOf(cur) + 1 + widthOf(p) <= (last ? width : width - CONTINUED.length)) {
      cur += ' ' + p;
    } else {
      lines.push(cur + CONTINUED);
      cur = ' '.repeat(CONTINUATION_INDENT) + p;
    }
  });
  lines.push(cur);
  return lines;
}

/** The Examples section: each command on its own line(s), its description under it, indented. */
export function formatExamples(examples: readonly Example[], width: number): string {
  const lines = ['Examples:'];
  for (const [command, description] of examples) {
    lines.push(...commandLines(command, width));
    if (description !== '') lines.push(...fill(' '.repeat(DESCRIPTION_INDENT), description, DESCRIPTION_INDENT, width));
  }
  return lines.join('\n');
}

/**
 * Runs `build(y)` and returns what it built with the examples it declared through `.example()`,
 * which are kept from yargs (it would print them as a table): the caller prints them with
 * `formatExamples`. yargs hands one instance to every builder, so `.example` is replaced on it
 * for the builder's run only.
 */
export function collectExamples(y: Argv<any>, build: (y: Argv<any>) => Argv<any>): { built: Argv<any>; examples: Example[] } {
  const examples: Example[] = [];
  const own = y as unknown as { example?: unknown };
  const record = (command: string | readonly (readonly [string, string?])[], description?: string): Argv<any> => {
    if (Array.isArray(command)) for (const [c, d] of command) examples.push([c, d ?? '']);
    else examples.push([command as string, description ?? '']);
    return y;
  };
  own.example = record;
  try {
    return { built: build(y), examples };
  } finally {
    delete own.example;
  }
}
