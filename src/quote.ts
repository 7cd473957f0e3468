/**
 * Text from files and command lines (aliases, names, paths, values) as certkit shows it on a
 * terminal or in a log. One rule everywhere, `escapeText`: characters that move the cursor, end a
 * line, start an escape sequence or reorder the text shown (C0 and C1 controls, DEL, Unicode bidi
 * formatting, line and paragraph separators, lone surrogates) are shown as visible escapes (`\n`,
 * `\x1b`, `\u202e`). A hostile alias or subject can then neither forge output lines, nor retitle
 * or clear the terminal, nor make text read backwards. `--json` output is JSON-escaped instead.
 */

/** Longest quoted text, in UTF-16 code units, before it is cut with "…". */
export const MAX_QUOTED_CHARS = 120;

// C0 controls, DEL, C1 controls, bidi marks, embeddings, overrides and isolates (U+061C,
// U+200E-F, U+202A-E, U+2066-9), line and paragraph separators, and lone UTF-16 surrogates.
const UNSAFE =
  '[\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069\\u2028\\u2029]' +
  '|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';
const UNSAFE_CHAR = new RegExp(UNSAFE, 'g');
const UNSAFE_RUN = new RegExp(`(?:${UNSAFE})+`, 'g');
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return NAMED[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

/**
 * `text` with every unsafe character (see above) shown as an escape: `\n`, `\r`, `\t`, `\xHH`
 * below U+0100, `\uHHHH` above (the escapes of bash's `$'...'`). Other text, backslashes
 * included, is unchanged, so escaping twice changes nothing.
 */
export function escapeText(text: string): string {
  return text.replace(UNSAFE_CHAR, escapeChar);
}

/** `text` with each run of unsafe characters replaced by `by` (an alias made from a certificate's CN). */
export function replaceUnsafe(text: string, by: string): string {
  return text.replace(UNSAFE_RUN, by);
}

/** User-supplied text inside an error message: `escapeText`, cut to MAX_QUOTED_CHARS ("…" marks the cut). */
export function quoteInput(text: string): string {
  let s = text;
  if (s.length > MAX_QUOTED_CHARS) {
    s = s.slice(0, MAX_QUOTED_CHARS);
    // Do not end on half a surrogate pair.
    if (/[\ud800-\udbff]$/.test(s)) s = s.slice(0, -1);
    s += '…';
  }
  return escapeText(s);
}

// Needs no quotes in a shell: coreutils' shell-escape set ("~" and "#" only after the first character).
const PLAIN_PATH = /^[A-Za-z0-9_@%+=:,./-][A-Za-z0-9_@%+=:,./~#-]*$/;

const singleQuoted = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

/**
 * A path (or S3 URI, ARN) as `ls` and `stat` show a file name (coreutils' shell-escape quoting):
 * as it is when it holds only letters, digits and `_@%+=:,./-`; otherwise in single quotes, with
 * unsafe characters outside them as `$'\n'`. The result is one line and, pasted into a shell, the
 * same path: `'my keys/a.jks'`, `'a'$'\n''b.pem'`.
 */
export function quotePath(path: string): string {
  if (PLAIN_PATH.test(path)) return path;
  let out = '';
  let from = 0;
  for (const m of path.matchAll(UNSAFE_RUN)) {
    if (m.index > from) out += singleQuoted(path.slice(from, m.index));
    out += `$'${escapeText(m[0])}'`;
    from = m.index + m[0].length;
  }
  return from < path.length || out === '' ? out + singleQuoted(path.slice(from)) : out;
}
