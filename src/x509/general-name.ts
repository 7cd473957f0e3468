/**
 * Subject alternative names (the GeneralName forms certkit reads and writes), in the
 * `DNS:host,IP:10.0.0.1,email:a@b,URI:https://x` syntax openssl and keytool's `-ext san=` use.
 *
 *   GeneralName ::= CHOICE { rfc822Name [1] IA5String, dNSName [2] IA5String,
 *                            uniformResourceIdentifier [6] IA5String, iPAddress [7] OCTET STRING, ... }
 */
import { invalid } from '../errors.js';
import { children, tlv } from './tlv.js';
import { quoteInput } from '../quote.js';

export interface SubjectAltName {
  readonly type: 'dns' | 'ip' | 'email' | 'uri' | 'other';
  /** The name; for `other`, the GeneralName's tag number and hex ("[0] 3003..."). */
  readonly value: string;
}

/**
 * node:net's isIP, fetched when a name is parsed or encoded rather than imported: loading node:net
 * costs ~3 ms, and reading certificates (a keystore listing) decodes SANs without it.
 */
const isIP = (s: string): number => process.getBuiltinModule('node:net').isIP(s);

const TAG = { email: 0x81, dns: 0x82, uri: 0x86, ip: 0x87 } as const;

/** Formats as openssl and keytool show SANs in options: "DNS:host", "IP:10.0.0.1". */
export function formatSubjectAltName(san: SubjectAltName): string {
  const prefix = { dns: 'DNS', ip: 'IP', email: 'email', uri: 'URI', other: 'othername' }[san.type];
  return `${prefix}:${san.value}`;
}

/**
 * Parses "DNS:a.example,IP:10.0.0.1,email:x@y,URI:spiffe://..." (prefixes case-insensitive; a
 * bare value is an IP if it looks like one, else a DNS name). Throws INVALID_INPUT.
 */
export function parseSubjectAltNames(text: string): SubjectAltName[] {
  const out: SubjectAltName[] = [];
  for (const part of text.split(',')) {
    const p = part.trim();
    if (p === '') continue;
    const m = /^([A-Za-z0-9]+):(.*)$/.exec(p);
    const kind = m?.[1]?.toLowerCase();
    const value = (m === null || kind === undefined || !['dns', 'ip', 'email', 'uri'].includes(kind) ? p : m[2]!).trim();
    const type = (kind !== undefined && ['dns', 'ip', 'email', 'uri'].includes(kind) ? kind : isIP(value) ? 'ip' : 'dns') as SubjectAltName['type'];
    out.push(checkSan({ type, value }));
  }
  if (out.length === 0) throw invalid(`no subject alternative name in "${quoteInput(text)}"`);
  return out;
}

function checkSan(san: SubjectAltName): SubjectAltName {
  // eslint-disable-next-line no-control-regex
  const ascii = /^[\x21-\x7e]+$/;
  switch (san.type) {
    case 'ip':
      if (isIP(san.value) === 0) throw invalid(`"${quoteInput(san.value)}" is not an IP address`);
      return san;
    case 'dns':
      if (!/^(\*\.)?[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\.?$/.test(san.value) || san.value.length > 253) {
        throw invalid(`"${quoteInput(san.value)}" is not a DNS name`);
      }
      return san;
    case 'email':
      if (!ascii.test(san.value) || !san.value.includes('@')) throw invalid(`"${quoteInput(san.value)}" is not an email address`);
      return san;
    case 'uri':
      if (!ascii.test(san.value) || !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(san.value)) throw invalid(`"${quoteInput(san.value)}" is not a URI`);
      return san;
    default:
      throw invalid(`cannot encode a subject alternative name of type ${san.type}`);
  }
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  // IPv6: expand "::".
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const parse = (s: string | undefined) => (s === undefined || s === '' ? [] : s.split(':'));
  let groups = parse(head);
  let tailGroups = parse(tail);
  // Embedded IPv4 at the end.
  const fix = (g: string[]) => {
    const l = g[g.length - 1];
    if (l !== undefined && l.includes('.')) {
      const b = l.split('.').map(Number);
      g.splice(g.length - 1, 1, ((b[0]! << 8) | b[1]!).toString(16), ((b[2]! << 8) | b[3]!).toString(16));
    }
    return g;
  };
  if (tail === undefined) groups = fix(groups);
  else tailGroups = fix(tailGroups);
  const zeros = tail === undefined ? [] : new Array<string>(8 - groups.length - tailGroups.length).fill('0');
  const all = [...groups, ...zeros, ...tailGroups];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

function ipText(b: Buffer): string {
  if (b.length === 4) return [...b].join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  return groups.join(':');
}

/** Encodes GeneralNames (a SEQUENCE of GeneralName) for a SAN extension. */
export function encodeGeneralNames(sans: readonly SubjectAltName[]): Buffer {
  return tlv(
    0x30,
    ...sans.map((s0) => {
      const s = checkSan(s0);
      if (s.type === 'ip') return tlv(TAG.ip, ipBytes(s.value));
      return tlv(TAG[s.type as 'dns' | 'email' | 'uri'], Buffer.from(s.value, 'ascii'));
    }),
  );
}

/** Decodes GeneralNames contents (the SEQUENCE's TLV `bytes` are checked DER). */
export function decodeGeneralNames(seqContent: Buffer, what: string): SubjectAltName[] {
  return children(seqContent, what).map((g) => {
    const ascii = () => {
      for (const b of g.content) if (b > 0x7f) throw invalid(`${what}: non-ASCII byte in an IA5String name`);
      return g.content.toString('latin1');
    };
    switch (g.tag) {
      case TAG.email:
        return { type: 'email', value: ascii() };
      case TAG.dns:
        return { type: 'dns', value: ascii() };
      case TAG.uri:
        return { type: 'uri', value: ascii() };
      case TAG.ip:
        if (g.content.length !== 4 && g.content.length !== 16) throw invalid(`${what}: IP address of ${g.content.length} bytes`);
        return { type: 'ip', value: ipText(g.content) };
      default:
        return { type: 'other', value: `[${g.tag & 0x1f}] ${g.content.toString('hex')}` };
    }
  });
}
