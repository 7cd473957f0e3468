/**
 * User-supplied text quoted inside an error message. certkit prints every error as one line, so
 * line breaks, other control characters and lone surrogates are escaped (`\n`, `\u0000`), and long
 * text is cut short: a hostile value can neither forge log lines nor fill the terminal.
 */

/** Longest quoted text, in UTF-16 code units, before it is cut with "…". */
export const MAX_QUOTED_CHARS = 120;

// Control characters, line and paragraph separators, and lone UTF-16 surrogates (not characters).
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` with control characters escaped and cut to MAX_QUOTED_CHARS ("…" marks the cut). */
export function quoteInput(text: string): string {
  let s = text;
  if (s.length > MAX_QUOTED_CHARS) {
    s = s.slice(0, MAX_QUOTED_CHARS);
    // Do not end on half a surrogate pair.
    if (/[\ud800-\udbff]$/.test(s)) s = s.slice(0, -1);
    s += '…';
  }
  return s.replace(CONTROL, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
