/**
 * Case generators for the named DER corpus: the classes of malformed DER behind the known CVEs in
 * JS PKI parsers (node-forge, asn1js, pkijs), applied to one real-tool sample of each format.
 * Each generator returns [name, input] pairs; the corpus files pair them with the exact error.
 */
import {
  appendInside,
  contentAt,
  derAt,
  derLen,
  insertAt,
  lenAt,
  nest,
  oidTlv,
  parseTree,
  pathOf,
  pseudoRandom,
  removeAt,
  replaceAt,
  setByte,
  tagAt,
  tlv,
} from './support.js';

export type Mutation = readonly [name: string, input: () => Buffer];

const NULL = Buffer.from([0x05, 0x00]);

/** Generic mutations of a DER sample whose top level is a SEQUENCE of at least two values. */
export function genericDer(s: Buffer): Mutation[] {
  const root = parseTree(s);
  const outerLen = root.content.length;
  const hdr = s.length - outerLen;
  const lenBytes = derLen(outerLen);
  const firstPrimitive = pathOf(s, 0x02); // the first INTEGER
  const hasOid = s.includes(0x06) && (() => {
    try {
      pathOf(s, 0x06);
      return true;
    } catch {
      return false;
    }
  })();
  // Formats without an OID (PKCS#1) get the OID cases in place of their first INTEGER.
  const firstOid = hasOid ? pathOf(s, 0x06) : firstPrimitive;
  const oidName = hasOid ? 'first OID' : 'an OID in place of the first INTEGER';
  const withOid = (content: Buffer) => replaceAt(s, firstOid, tlv(0x06, content));
  const smallNode = (() => {
    // The first node with a short length: its length written in long form is non-minimal.
    for (let i = 0; ; i++) {
      const p = pathOf(s, hasOid ? 0x06 : 0x02, i);
      if (derAt(s, p)[1]! < 0x80) return p;
    }
  })();
  return [
    ['empty input', () => Buffer.alloc(0)],
    ['a lone SEQUENCE tag', () => Buffer.from([0x30])],
    ['a long-form length cut short', () => Buffer.from([0x30, 0x82, 0x01])],
    ['only the outer header', () => s.subarray(0, hdr)],
    ['truncated to half', () => s.subarray(0, s.length >> 1)],
    ['last byte missing', () => s.subarray(0, s.length - 1)],
    ['outer length one more than the bytes', () => lenAt(s, [], [...derLen(outerLen + 1)])],
    ['outer length one less (a trailing byte inside)', () => lenAt(s, [], [...derLen(outerLen - 1)])],
    ['outer length 2^31-1', () => lenAt(s, [], [0x84, 0x7f, 0xff, 0xff, 0xff])],
    ['outer length 2^32-1', () => lenAt(s, [], [0x84, 0xff, 0xff, 0xff, 0xff])],
    ['outer length in 5 octets', () => lenAt(s, [], [0x85, 0x00, 0x00, 0x00, (outerLen >> 8) & 0xff, outerLen & 0xff])],
    ['outer length indefinite (BER) with end-of-contents', () => Buffer.concat([lenAt(s, [], [0x80]), Buffer.from([0, 0])])],
    ['outer length non-minimal (leading zero octet)', () => lenAt(s, [], [0x80 | lenBytes.length, 0x00, ...lenBytes.subarray(1)])],
    ['a short length written in long form', () => lenAt(s, smallNode, [0x81, derAt(s, smallNode)[1]!])],
    ['trailing zero byte', () => Buffer.concat([s, Buffer.from([0])])],
    ['trailing end-of-contents octets', () => Buffer.concat([s, Buffer.from([0, 0])])],
    ['16 trailing 0xff bytes', () => Buffer.concat([s, Buffer.alloc(16, 0xff)])],
    ['a second copy appended', () => Buffer.concat([s, s])],
    ['outer tag SET', () => tagAt(s, [], 0x31)],
    ['outer tag OCTET STRING', () => tagAt(s, [], 0x04)],
    ['outer tag 0x00 (end-of-contents)', () => tagAt(s, [], 0x00)],
    ['outer tag SEQUENCE in primitive form', () => tagAt(s, [], 0x10)],
    ['outer tag in non-minimal high-tag-number form', () => tagAt(s, [], Buffer.from([0x3f, 0x10]))],
    ['outer tag number of 5 octets', () => tagAt(s, [], Buffer.from([0x3f, 0x81, 0x80, 0x80, 0x80, 0x01]))],
    ['an empty SEQUENCE', () => Buffer.from([0x30, 0x00])],
    ['a SEQUENCE of one NULL', () => tlv(0x30, NULL)],
    ['wrapped in 33 SEQUENCEs (nesting past the limit)', () => nest(s, 33)],
    ['wrapped in one extra SEQUENCE', () => nest(s, 1)],
    ['40 nested indefinite-length SEQUENCEs', () => Buffer.concat([Buffer.from(Array(40).fill([0x30, 0x80]).flat()), Buffer.alloc(80)])],
    ['1000 nested SEQUENCEs around a NULL', () => nest(NULL, 1000)],
    ['first value removed', () => removeAt(s, [0])],
    ['last value removed', () => removeAt(s, [root.children!.length - 1])],
    ['first two values swapped', () => insertAt(removeAt(s, [0]), [1], derAt(s, [0]))],
    ['an extra NULL appended inside', () => appendInside(s, [], NULL)],
    ['first value length 0x00', () => lenAt(s, [0], [0x00])],
    ['first value length 0x7f', () => lenAt(s, [0], [0x7f])],
    ['first value length 0x80 (indefinite)', () => lenAt(s, [0], [0x80])],
    ['first value length 0x81 (one octet follows)', () => lenAt(s, [0], [0x81])],
    ['first value length 0xff (127 octets follow)', () => lenAt(s, [0], [0xff])],
    ['first value length 2^32-1', () => lenAt(s, [0], [0x84, 0xff, 0xff, 0xff, 0xff])],
    ['all contents bytes zero', () => Buffer.concat([s.subarray(0, hdr), Buffer.alloc(outerLen)])],
    ['all contents bytes 0xff', () => Buffer.concat([s.subarray(0, hdr), Buffer.alloc(outerLen, 0xff)])],
    ['pseudo-random contents under a valid header', () => Buffer.concat([s.subarray(0, hdr), pseudoRandom(outerLen)])],
    ['first contents byte flipped', () => setByte(s, hdr, s[hdr]! ^ 0xff)],
    ['PEM text given where DER is expected', () => Buffer.from(`-----BEGIN X-----\n${s.toString('base64')}\n-----END X-----\n`)],
    [`${oidName} with a 2^200 arc`, () => replaceAt(s, firstOid, oidTlv(`1.2.${2n ** 200n}`))],
    [`${oidName} with a non-minimal arc (leading 0x80)`, () => withOid(Buffer.from([0x2a, 0x80, 0x01]))],
    [`${oidName} empty`, () => withOid(Buffer.alloc(0))],
    [`${oidName} ending inside an arc`, () => withOid(Buffer.from([0x2a, 0x86]))],
    ['first INTEGER empty', () => contentAt(s, firstPrimitive, Buffer.alloc(0))],
    ['first INTEGER 2^31', () => contentAt(s, firstPrimitive, Buffer.from([0x00, 0x80, 0x00, 0x00, 0x00]))],
    ['first INTEGER -1', () => contentAt(s, firstPrimitive, Buffer.from([0xff]))],
    ['first INTEGER of 200 bytes', () => contentAt(s, firstPrimitive, Buffer.concat([Buffer.from([0x7f]), Buffer.alloc(199, 0xff)]))],
  ];
}
