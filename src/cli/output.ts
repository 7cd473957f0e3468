/**
 * Text output in the shapes people know from keytool (`keytool -list -v`), and the JSON shape of
 * `keystore list --json` (DESIGN.md). Pure: values in, strings out. Aliases, names and algorithm
 * names come from the file: the text shows them through `escapeText`, so each stays on its line
 * and sends the terminal no control sequence; the JSON has them exact (JSON-escaped).
 */
import { escapeText } from '../quote.js';
import type { AlgorithmVerdict } from '../x509/weak-algorithms.js';

/** What the listing shows of one certificate. */
export interface CertView {
  /** Subject DN as keytool prints it ("CN=glue-client, O=Example"). */
  readonly subject: string;
  readonly issuer: string;
  /** Serial number as keytool prints it: lower-case hex, no leading zeros. */
  readonly serial: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Upper-case colon-separated hex, as keytool prints fingerprints. */
  readonly sha1: string;
  readonly sha256: string;
  /** Java's name for the signature algorithm ("SHA256withRSA"), when known. */
  readonly signatureAlgorithm?: string;
  /** keytool's mark for the signature algorithm ("(weak)" after SHA1withRSA), if any. */
  readonly signatureVerdict?: AlgorithmVerdict;
  /** "RSA", "EC". */
  readonly keyAlgorithm?: string;
  /** keytool's "Subject Public Key Algorithm" text ("2048-bit RSA key"), when known. */
  readonly publicKeyDescription?: string;
  /** keytool's mark for the key ("(weak)" after a 1024-bit RSA key), if any. */
  readonly keyVerdict?: AlgorithmVerdict;
  /** X.509 version (1 to 3). */
  readonly version?: number;
}

/** One entry of a listing. */
export interface EntryView {
  readonly alias: string;
  readonly kind: 'private-key' | 'trusted-cert' | 'secret-key';
  readonly created?: Date;
  readonly keyAlgorithm: string | null;
  /** A secret key no password opens: why (`SecretKeyEntry.unreadable`). */
  readonly unreadable?: string;
  readonly chain: readonly CertView[];
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** "00" to "99", for the two-digit fields of dates. */
const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const pad2 = (n: number) => TWO_DIGITS[n] ?? String(n).padStart(2, '0');

/** Java's `Date.toString()` in UTC: "Mon Nov 23 10:41:25 UTC 2026" (keytool's "Valid from"). */
export function javaDateString(d: Date): string {
  return (
    `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad2(d.getUTCDate())} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`
  );
}

/** keytool's medium date ("Nov 3, 2026"), used for "Creation date". */
export function javaMediumDate(d: Date): string {
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`;
}

const ENTRY_TYPE: Record<EntryView['kind'], string> = {
  'private-key': 'PrivateKeyEntry',
  'trusted-cert': 'trustedCertEntry',
  'secret-key': 'SecretKeyEntry',
};

const STORE_TYPE: Record<string, string> = { jks: 'JKS', pkcs12: 'PKCS12', jceks: 'JCEKS' };

const marked = (text: string, verdict: AlgorithmVerdict | undefined) => (verdict === undefined ? text : `${text} (${verdict})`);

/**
 * One certificate's lines, each ending in a newline. The signature of a trusted certificate (a
 * trust anchor: nothing checks its signature) is not marked, as keytool does not mark it.
 */
function certText(c: CertView, trusted: boolean): string {
  let s =
    `Owner: ${escapeText(c.subject)}\nIssuer: ${escapeText(c.issuer)}\nSerial number: ${c.serial}\n` +
    `Valid from: ${javaDateString(c.notBefore)} until: ${javaDateString(c.notAfter)}\n` +
    `Certificate fingerprints:\n\t SHA1: ${c.sha1}\n\t SHA256: ${c.sha256}\n`;
  if (c.signatureAlgorithm !== undefined) s += `Signature algorithm name: ${marked(c.signatureAlgorithm, trusted ? undefined : c.signatureVerdict)}\n`;
  if (c.publicKeyDescription !== undefined) s += `Subject Public Key Algorithm: ${marked(c.publicKeyDescription, c.keyVerdict)}\n`;
  if (c.version !== undefined) s += `Version: ${c.version}\n`;
  return s;
}

const ENTRY_END = '\n\n*******************************************\n*******************************************\n\n\n';

/**
 * The listing as `keytool -list -v` prints it (without the extensions dump), ending in exactly
 * one newline. Built as one string (each line with its newline) rather than joined from arrays:
 * a listing of 1,000 certificates made some 20,000 of them.
 */
export function formatListing(type: string, entries: readonly EntryView[]): string {
  // keytool marks no signature of a certificate the store trusts, also in a chain.
  const trusted = new Set(entries.flatMap((e) => (e.kind === 'trusted-cert' ? e.chain.map((c) => c.sha256) : [])));
  let s = `Keystore type: ${STORE_TYPE[type] ?? type.toUpperCase()}\n\n`;
  s += `Your keystore contains ${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}\n\n`;
  for (const e of entries) {
    s += `Alias name: ${escapeText(e.alias)}\n`;
    if (e.created !== undefined) s += `Creation date: ${javaMediumDate(e.created)}\n`;
    s += `Entry type: ${ENTRY_TYPE[e.kind]}\n`;
    if (e.kind === 'private-key') {
      s += `Certificate chain length: ${e.chain.length}\n`;
      e.chain.forEach((c, i) => {
        s += `Certificate[${i + 1}]:\n` + certText(c, trusted.has(c.sha256));
        if (i < e.chain.length - 1) s += '\n';
      });
    } else if (e.kind === 'trusted-cert') {
      for (const c of e.chain) s += '\n' + certText(c, true);
    } else if (e.keyAlgorithm !== null) {
      s += `Key algorithm: ${escapeText(e.keyAlgorithm)}\n`;
    } else if (e.unreadable !== undefined) {
      s += `Unreadable: ${escapeText(e.unreadable)}\n`;
    }
    s += ENTRY_END;
  }
  // The text always ends in blank lines here: one newline is kept.
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x0a) end--;
  return s.slice(0, end) + '\n';
}

/** `keystore list --json`: exactly DESIGN.md's shape. */
export function listingJson(type: string, entries: readonly EntryView[]): string {
  const doc = {
    type,
    entries: entries.map((e) => ({
      alias: e.alias,
      kind: e.kind,
      // What the store records (JKS, JCEKS); PKCS#12 records no creation date: null.
      created: e.created === undefined ? null : e.created.toISOString(),
      keyAlgorithm: e.keyAlgorithm,
      ...(e.unreadable === undefined ? {} : { unreadable: e.unreadable }),
      chain: e.chain.map((c) => ({
        subject: c.subject,
        issuer: c.issuer,
        serial: c.serial,
        notBefore: c.notBefore.toISOString(),
        notAfter: c.notAfter.toISOString(),
        sha256: c.sha256,
      })),
    })),
  };
  return JSON.stringify(doc, null, 2);
}
