/** How certkit shows text from files and command lines: `escapeText`, `quotePath`, `replaceUnsafe`, `quoteInput`. */
import { describe, expect, it } from 'vitest';

import { MAX_QUOTED_CHARS, escapeText, quoteInput, quotePath, replaceUnsafe } from '../src/quote.js';

describe('escapeText', () => {
  it('shows C0 and C1 controls and DEL as \\n \\r \\t or \\xHH', () => {
    expect(escapeText('a\nb\rc\td\x00e\x07f\x1b[2Jg\x7fh\x85i\x9bj')).toBe('a\\nb\\rc\\td\\x00e\\x07f\\x1b[2Jg\\x7fh\\x85i\\x9bj');
  });
  it('shows bidi formatting characters and line and paragraph separators as \\uHHHH', () => {
    const bidi = '\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069';
    expect(escapeText(`a${bidi}\u2028\u2029b`)).toBe(
      'a\\u061c\\u200e\\u200f\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069\\u2028\\u2029b',
    );
  });
  it('shows lone surrogates, keeps pairs, other non-ASCII text, spaces and backslashes', () => {
    expect(escapeText('\ud800x\udc00 😀 é ü\u00a0\\n')).toBe('\\ud800x\\udc00 😀 é ü\u00a0\\n');
  });
  it('changes nothing the second time', () => {
    const once = escapeText('x\x1b]0;t\x07\u202e\n');
    expect(escapeText(once)).toBe(once);
  });
});

describe('quotePath', () => {
  it('leaves a path of letters, digits and _@%+=:,./- as it is, and ~ or # after the first character', () => {
    expect(['out/keystore.p12', '/tmp/a-b_c@d%e+f=g:h,i.j', 's3://bucket/a/b', 'backup.jks~', 'a#1'].map(quotePath)).toEqual([
      'out/keystore.p12',
      '/tmp/a-b_c@d%e+f=g:h,i.j',
      's3://bucket/a/b',
      'backup.jks~',
      'a#1',
    ]);
  });
  it('puts anything else in single quotes, a quote as \'\\\'\', as ls does', () => {
    expect(['my keys/a.jks', '~/a.jks', '#a', '', "it's", 'é.pem', 'a$b', 'a\\b'].map(quotePath)).toEqual([
      "'my keys/a.jks'",
      "'~/a.jks'",
      "'#a'",
      "''",
      "'it'\\''s'",
      "'é.pem'",
      "'a$b'",
      "'a\\b'",
    ]);
  });
  it("shows unsafe characters outside the quotes as $'...', one run at a time", () => {
    expect(['a\nb.pem', '\x1b]0;x\x07', 'a\r\n', '\u202egnp.exe'].map(quotePath)).toEqual([
      "'a'$'\\n''b.pem'",
      "$'\\x1b'']0;x'$'\\x07'",
      "'a'$'\\r\\n'",
      "$'\\u202e''gnp.exe'",
    ]);
  });
});

describe('replaceUnsafe', () => {
  it('replaces each run of unsafe characters, and nothing else', () => {
    expect(replaceUnsafe('Root\r\nCA\x1b[2J\u202e é', ' ')).toBe('Root CA [2J  é');
  });
});

describe('quoteInput', () => {
  it(`escapes as escapeText and cuts at ${MAX_QUOTED_CHARS} characters, not inside a surrogate pair`, () => {
    expect(quoteInput('a\x1bb')).toBe('a\\x1bb');
    expect(quoteInput('x'.repeat(MAX_QUOTED_CHARS + 1))).toBe('x'.repeat(MAX_QUOTED_CHARS) + '…');
    expect(quoteInput('x'.repeat(MAX_QUOTED_CHARS - 1) + '😀')).toBe('x'.repeat(MAX_QUOTED_CHARS - 1) + '…');
  });
});
