/**
 * PEM (RFC 7468) decoding and encoding, and the normalisation the hand-run workflow needs.
 *
 * The strict readers (`decodePem`, `decodePemAll`) accept only the labels certkit knows, with
 * matching BEGIN/END lines and strict base64; text outside blocks ("explanatory text", RFC 7468
 * section 2) is ignored. `normalizePem` is the lenient door for files made by hand: keytool's
 * `NEW CERTIFICATE REQUEST`, `openssl pkcs12 -nodes` "Bag Attributes" lines, CRLF, a UTF-8 BOM,
 * a missing final newline. `readPemOrDer` takes what a user points a command at: PEM or raw DER.
 */
import { CertkitError, invalid } from './errors.js';
import { PEM_LIMITS } from './limits.js';
import { quoteInput } from './quote.js';

/** Labels certkit reads and writes. */
export const PEM_LABELS = [
  'CERTIFICATE',
  'CERTIFICATE REQUEST',
  'PRIVATE KEY',
  'ENCRYPTED PRIVATE KEY',
  'RSA PRIVATE KEY',
  'EC PRIVATE KEY',
  'EC PARAMETERS',
  'PUBLIC KEY',
  'RSA PUBLIC KEY',
  'X509 CRL',
] as const;
export type PemLabel = (typeof PEM_LABELS)[number];

/** Labels other tools write for the same thing, mapped by `normalizePem`. */
const LABEL_ALIASES: Readonly<Record<string, PemLabel>> = {
  'NEW CERTIFICATE REQUEST': 'CERTIFICATE REQUEST', // keytool -certreq
  'X509 CERTIFICATE': 'CERTIFICATE', // RFC 7468 section 5.3 (legacy)
  'X.509 CERTIFICATE': 'CERTIFICATE',
};

/** Bounds on PEM input (src/limits.ts), documented in the README ("Security and reliability"). */
export { PEM_LIMITS };

export interface PemBlock {
  readonly label: string;
  readonly der: Buffer;
  /** RFC 1421 headers (e.g. openssl's legacy `Proc-Type` / `DEK-Info`), in order; usually empty. */
  readonly headers?: ReadonlyArray<readonly [string, string]>;
}

const KNOWN = new Set<string>(PEM_LABELS);
const BEGIN_RE = /^-----BEGIN ([A-Z0-9][A-Z0-9 .#-]*)-----$/;
const END_RE = /^-----END ([A-Z0-9][A-Z0-9 .#-]*)-----$/;
const B64_LINE_RE = /^[A-Za-z0-9+/]*={0,2}$/;
const HEADER_RE = /^([A-Za-z0-9-]+):\s*(.*)$/;

function toText(input: string | Uint8Array): string {
  // Checked before any conversion: a huge byte input is refused without being copied.
  if (input.length > PEM_LIMITS.maxChars) {
    throw new CertkitError('LIMIT_EXCEEDED', `PEM input of ${input.length} characters is more than the ${PEM_LIMITS.maxChars}-character limit`);
  }
  let text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // BOM as a decoded string
  else if (text.startsWith('\u00ef\u00bb\u00bf')) text = text.slice(3); // BOM as latin1 bytes
  return text;
}

/**
 * Strict base64 of the joined body lines; `where` names the block in errors. Each line is looked
 * at once and joined once: work and memory are linear in the body's length, whatever its lines.
 */
function decodeBase64(lines: readonly string[], where: string, firstLine: number): Buffer {
  let padded = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!B64_LINE_RE.test(line)) {
      throw invalid(`${where}: line ${firstLine + i}: not base64`);
    }
    if (padded) throw invalid(`${where}: line ${firstLine + i}: base64 continues after padding`);
    // B64_LINE_RE allows "=" only at the end of a line.
    padded = line.endsWith('=');
  }
  const joined = lines.join('');
  if (joined.length === 0) throw invalid(`${where}: empty body`);
  if (joined.length % 4 !== 0) throw invalid(`${where}: base64 length ${joined.length} is not a multiple of 4 (truncated?)`);
  const der = Buffer.from(joined, 'base64');
  // Reject non-canonical encodings (non-zero padding bits): re-encoding must give the same text.
  if (der.toString('base64') !== joined) throw invalid(`${where}: base64 has non-zero padding bits`);
  return der;
}

interface ScanOptions {
  /** Map label aliases (NEW CERTIFICATE REQUEST, ...) instead of rejecting them. */
  readonly lenient: boolean;
}

function scan(input: string | Uint8Array, opts: ScanOptions): PemBlock[] {
  const text = toText(input);
  const lines = text.split(/\r?\n|\r/);
  const blocks: PemBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!.trim();
    const begin = BEGIN_RE.exec(line);
    if (begin === null) {
      if (line.startsWith('-----END ')) throw invalid(`line ${i + 1}: "${quoteInput(line)}" without a BEGIN line`);
      i++;
      continue;
    }
    const beginLine = i + 1;
    let label = begin[1]!;
    const where = `PEM block ${blocks.length + 1} (${label}, line ${beginLine})`;
    if (!KNOWN.has(label)) {
      const alias = LABEL_ALIASES[label];
      if (alias !== undefined && opts.lenient) label = alias;
      else if (alias !== undefined) {
        throw invalid(`line ${beginLine}: PEM label "${label}" is not standard; expected "${alias}"`, {
          hint: 'normalise the file first (certkit csr --fix for a keytool CSR)',
        });
      } else throw invalid(`line ${beginLine}: unknown PEM label "${label}"`);
    }
    if (blocks.length >= PEM_LIMITS.maxBlocks) {
      throw new CertkitError('LIMIT_EXCEEDED', `more than ${PEM_LIMITS.maxBlocks} PEM blocks`);
    }
    i++;
    // The block's lines between BEGIN and END have indices below this one (PEM_LIMITS.maxLinesPerBlock).
    const lineEnd = Math.min(lines.length, i + PEM_LIMITS.maxLinesPerBlock);
    const headers: Array<[string, string]> = [];
    // RFC 1421 headers: "Name: value" lines then a blank line (openssl legacy encrypted keys).
    if (i < lineEnd && HEADER_RE.test(lines[i]!.trim()) && lines[i]!.includes(':')) {
      while (i < lineEnd) {
        const h = HEADER_RE.exec(lines[i]!.trim());
        if (h === null) break;
        headers.push([h[1]!, h[2]!]);
        i++;
      }
      if (i < lineEnd && lines[i]!.trim() === '') i++;
    }
    const body: string[] = [];
    const bodyStart = i + 1;
    let endLabel: string | undefined;
    while (i < lines.length) {
      const l = lines[i]!.trim();
      i++;
      const end = END_RE.exec(l);
      if (end !== null) {
        endLabel = end[1]!;
        break;
      }
      if (i > lineEnd) {
        throw new CertkitError('LIMIT_EXCEEDED', `${where}: more than ${PEM_LIMITS.maxLinesPerBlock} lines`);
      }
      if (l.startsWith('-----BEGIN ')) throw invalid(`${where}: BEGIN at line ${i} before the END line`);
      if (l !== '') body.push(l);
    }
    if (endLabel === undefined) throw invalid(`${where}: no END line (truncated?)`);
    const endMapped = opts.lenient ? (LABEL_ALIASES[endLabel] ?? endLabel) : endLabel;
    if (endMapped !== label) {
      throw invalid(`${where}: END label "${endLabel}" does not match BEGIN label "${begin[1]}"`);
    }
    const der = decodeBase64(body, where, bodyStart);
    blocks.push(headers.length > 0 ? { label, der, headers } : { label, der });
  }
  return blocks;
}

/**
 * Decodes every PEM block in `text` (strict labels, matching BEGIN/END, strict base64).
 * Text outside blocks is ignored. Throws INVALID_INPUT when there is no block at all.
 */
export function decodePemAll(text: string | Uint8Array): PemBlock[] {
  const blocks = scan(text, { lenient: false });
  if (blocks.length === 0) throw invalid('no PEM block found (expected "-----BEGIN ...-----")');
  return blocks;
}

/**
 * Decodes the one PEM block in `text`. With `label`, the block must carry that label (or, if
 * several blocks are present, exactly one must). Returns its DER.
 */
export function decodePem(text: string | Uint8Array, options: { label?: string } = {}): PemBlock {
  return pickOne(decodePemAll(text), options.label);
}

function pickOne(blocks: readonly PemBlock[], label: string | readonly string[] | undefined): PemBlock {
  const wanted = label === undefined ? undefined : typeof label === 'string' ? [label] : label;
  const matching = wanted === undefined ? blocks : blocks.filter((b) => wanted.includes(b.label));
  const what = wanted === undefined ? 'PEM block' : wanted.map((l) => `"${l}"`).join(' or ') + ' PEM block';
  if (matching.length === 0) {
    throw invalid(`expected a ${what}, found ${blocks.map((b) => `"${b.label}"`).join(', ')}`);
  }
  if (matching.length > 1) throw invalid(`expected one ${what}, found ${matching.length}`);
  return matching[0]!;
}

/** Encodes one PEM block: base64 in 64-column lines, LF line ends, a final newline. */
export function encodePem(label: string, der: Uint8Array, headers?: ReadonlyArray<readonly [string, string]>): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  let out = `-----BEGIN ${label}-----\n`;
  if (headers !== undefined && headers.length > 0) {
    for (const [k, v] of headers) out += `${k}: ${v}\n`;
    out += '\n';
  }
  for (let i = 0; i < b64.length; i += 64) out += b64.slice(i, i + 64) + '\n';
  return out + `-----END ${label}-----\n`;
}

/** Encodes several blocks one after another (a chain, leaf first). */
export function encodePemAll(blocks: ReadonlyArray<Pick<PemBlock, 'label' | 'der' | 'headers'>>): string {
  return blocks.map((b) => encodePem(b.label, b.der, b.headers)).join('');
}

/**
 * Rewrites hand-made PEM into certkit's canonical form: keytool's `NEW CERTIFICATE REQUEST`
 * becomes `CERTIFICATE REQUEST`; `openssl pkcs12 -nodes` "Bag Attributes" / "Key Attributes" /
 * `subject=` / `issuer=` lines and any other text outside blocks are dropped; CRLF, a UTF-8 BOM
 * and a missing final newline are fixed; base64 is re-wrapped at 64 columns. Content is unchanged.
 */
export function normalizePem(text: string | Uint8Array): string {
  const blocks = scan(text, { lenient: true });
  if (blocks.length === 0) throw invalid('no PEM block found (expected "-----BEGIN ...-----")');
  return encodePemAll(blocks);
}

/** Decodes every block leniently (as `normalizePem` does) without re-encoding. */
export function decodePemLenient(text: string | Uint8Array): PemBlock[] {
  const blocks = scan(text, { lenient: true });
  if (blocks.length === 0) throw invalid('no PEM block found (expected "-----BEGIN ...-----")');
  return blocks;
}

/** True when `bytes` looks like PEM text (a BEGIN line somewhere in it) rather than DER. */
export function looksLikePem(bytes: string | Uint8Array): boolean {
  if (typeof bytes === 'string') return bytes.includes('-----BEGIN ');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes('-----BEGIN ');
}

/**
 * Reads what a user hands a command that takes "PEM or DER": raw DER (starts with a SEQUENCE
 * tag) is returned as one block of `expectedLabel` (the first, if a list); PEM is read leniently
 * (`normalizePem` rules) and exactly one block with an expected label must be present.
 */
export function readPemOrDer(bytes: string | Uint8Array, expectedLabel: string | readonly string[]): PemBlock {
  const labels = typeof expectedLabel === 'string' ? [expectedLabel] : expectedLabel;
  if (!looksLikePem(bytes)) return { label: labels[0]!, der: asDer(bytes, labels[0]!) };
  return pickOne(decodePemLenient(bytes), labels);
}

/**
 * Like `readPemOrDer` for inputs that may hold several blocks (a certificate chain): every block
 * with an expected label, in file order; raw DER gives one. Other blocks are ignored; none is an error.
 */
export function readPemOrDerAll(bytes: string | Uint8Array, expectedLabel: string | readonly string[]): PemBlock[] {
  const labels = typeof expectedLabel === 'string' ? [expectedLabel] : expectedLabel;
  if (!looksLikePem(bytes)) return [{ label: labels[0]!, der: asDer(bytes, labels[0]!) }];
  const blocks = decodePemLenient(bytes).filter((b) => labels.includes(b.label));
  if (blocks.length === 0) throw invalid(`no ${labels.map((l) => `"${l}"`).join(' or ')} PEM block found`);
  return blocks;
}

function asDer(bytes: string | Uint8Array, label: string): Buffer {
  if (typeof bytes === 'string') {
    if (bytes.trim() === '') throw invalid('empty input');
    throw invalid(`expected ${label} as PEM or DER, found text without a PEM block`);
  }
  if (bytes.length === 0) throw invalid('empty input');
  if (bytes[0] !== 0x30) {
    throw invalid(`expected ${label} as PEM or DER, found neither (first byte 0x${bytes[0]!.toString(16).padStart(2, '0')})`);
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
