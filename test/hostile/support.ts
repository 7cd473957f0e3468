/**
 * Shared machinery of the hostile-input suites: the oracle (a value, or a CertkitError whose code
 * maps to an allowed exit status with a one-line message: never another exception), a small DER
 * tree editor that keeps the rest of a structure valid while one part is broken, the layout of a
 * JKS/JCEKS file, and the named-corpus runner.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { CertkitError, exitStatusOf } from '../../src/errors.js';
import { JavaDataReader } from '../../src/keystore/java-data.js';
import { keystoreDigest } from '../../src/keystore/java-keystore-format.js';
import { readSerializedObject } from '../../src/keystore/java-serialization.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const fixture = (path: string): Buffer => readFileSync(join(ROOT, 'fixtures', path));
export const corpusFile = (name: string): Buffer => readFileSync(join(ROOT, 'test', 'hostile', 'corpus', name));

// ---------------------------------------------------------------------------------------------
// The oracle

export type Outcome = { ok: true } | { ok: false; code: string; message: string; exit: number; foreign?: string };

/** Runs `fn` and says how it ended; a non-CertkitError is reported as `foreign`. */
export function outcome(fn: () => unknown): Outcome {
  try {
    fn();
    return { ok: true };
  } catch (e) {
    if (e instanceof CertkitError) return { ok: false, code: e.code, message: e.message, exit: exitStatusOf(e) };
    const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return { ok: false, code: 'FOREIGN', message: text, exit: 1, foreign: e instanceof Error ? (e.stack ?? text) : text };
  }
}

/** `outcome` for functions that may return a promise. */
export async function settle(fn: () => unknown): Promise<Outcome> {
  let value: unknown;
  const o = outcome(() => {
    value = fn();
  });
  if (!o.ok || !(value instanceof Promise)) return o;
  return value.then(
    (): Outcome => ({ ok: true }),
    (e: unknown) =>
      outcome(() => {
        throw e;
      }),
  );
}

/**
 * Undefined when `o` meets the oracle for input parsers: success, or a CertkitError with exit 3 or
 * 4 (or those in `exits`), a message of one line, never empty. Otherwise a description of the failure.
 */
export function oracleProblem(o: Outcome, exits: readonly number[] = [3, 4]): string | undefined {
  if (o.ok) return undefined;
  if (o.foreign !== undefined) return `not a CertkitError: ${o.foreign}`;
  if (!exits.includes(o.exit)) return `${o.code} (exit ${o.exit}): ${o.message}`;
  if (/[\r\n]/.test(o.message)) return `message has a line break: ${JSON.stringify(o.message)}`;
  if (o.message.length < 8) return `message too short: ${JSON.stringify(o.message)}`;
  return undefined;
}

/** Throws (for fast-check) unless `fn` meets the oracle. */
export function assertOracle(fn: () => unknown, exits: readonly number[] = [3, 4], secrets: readonly string[] = []): void {
  const o = outcome(fn);
  const p = oracleProblem(o, exits);
  if (p !== undefined) throw new Error(p);
  if (!o.ok) for (const s of secrets) if (s.length >= 4 && o.message.includes(s)) throw new Error(`secret in message: ${o.message}`);
}

/** Like `outcome` but never reports success for a mutated keystore: integrity must catch it. */
export function mustFail(fn: () => unknown): string | undefined {
  const o = outcome(fn);
  if (o.ok) return 'accepted';
  return oracleProblem(o);
}

// ---------------------------------------------------------------------------------------------
// Named corpus

/** Expected outcome of a named case: [code, message]; a message ending in '…' is a prefix. */
export type Expected = Readonly<Record<string, readonly [code: string, message: string]>>;

/** Exit status DESIGN.md gives each code (as errors.ts maps them). */
export const EXIT_OF: Record<string, number> = {
  USAGE: 2,
  INVALID_INPUT: 3,
  UNSUPPORTED: 3,
  LIMIT_EXCEEDED: 3,
  READ_FAILED: 3,
  VERIFY_FAILED: 3,
  BAD_PASSWORD: 4,
  INTEGRITY: 4,
};

/**
 * Registers one `it` per named case: `parse(input())` must throw a CertkitError with exactly the
 * expected code (whose exit status is one of `exits`) and message. Every case has an expectation
 * and every expectation a case. With CERTKIT_RECORD=1 the outcomes are written to
 * $TMPDIR/certkit-record-SUITE.json instead (to write the tables of new cases), never asserted.
 */
export function runCorpus<T>(
  suite: string,
  cases: readonly (readonly [string, () => T])[],
  expected: Expected,
  parse: (input: T) => unknown,
  exits: readonly number[] = [3, 4],
): void {
  const names = cases.map(([n]) => n);
  const record = process.env.CERTKIT_RECORD === '1';
  const got: Record<string, [string, string]> = {};
  it(`${suite}: ${names.length} named cases, each with its expected error`, () => {
    expect(new Set(names).size).toBe(names.length);
    if (!record) expect([...names].sort()).toEqual(Object.keys(expected).sort());
  });
  it.each(cases.map(([n, input]) => [n, input] as const))(`${suite}: %s`, async (name, input) => {
    const o = await settle(() => parse(input()));
    if (record) {
      got[name] = o.ok ? ['OK', ''] : [o.code, o.message];
      writeFileSync(join(tmpdir(), `certkit-record-${suite.replace(/[^A-Za-z0-9]+/g, '-')}.json`), JSON.stringify(got, null, 1));
      return;
    }
    expect(o.ok, `${name}: accepted`).toBe(false);
    if (o.ok) return;
    expect(o.foreign, `${name}: not a CertkitError`).toBeUndefined();
    const [code, message] = expected[name] ?? ['?', '?'];
    const prefix = message.endsWith('…');
    expect({ code: o.code, message: prefix ? o.message.slice(0, message.length - 1) : o.message }).toEqual({
      code,
      message: prefix ? message.slice(0, -1) : message,
    });
    expect(exits).toContain(o.exit);
    expect(o.exit).toBe(EXIT_OF[code]);
    expect(o.message).not.toMatch(/[\r\n]/);
  });
}

// ---------------------------------------------------------------------------------------------
// DER tree editing

/** A DER value as a tree; `raw` replaces the whole encoding, `lenRaw` only the length octets. */
export interface DerNode {
  tag: Buffer;
  content: Buffer;
  children?: DerNode[];
  lenRaw?: Buffer;
  raw?: Buffer;
}

/** The DER length octets of `n` (minimal). */
export function derLen(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return Buffer.from([0x80 | out.length, ...out]);
}

/** One TLV with tag byte `tag` around `content`. */
export const tlv = (tag: number, ...content: Uint8Array[]): Buffer => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLen(body.length), body]);
};

/** Parses valid DER (samples only) into a tree; high tag numbers are kept as raw tag bytes. */
export function parseTree(b: Buffer): DerNode {
  const [node, end] = parseAt(b, 0);
  if (end !== b.length) throw new Error('sample has trailing bytes');
  return node;
}

function parseAt(b: Buffer, pos: number): [DerNode, number] {
  let p = pos + 1;
  if ((b[pos]! & 0x1f) === 0x1f) while (b[p++]! & 0x80);
  const tag = b.subarray(pos, p);
  let len = b[p++]!;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p++]!;
  }
  const content = b.subarray(p, p + len);
  const node: DerNode = { tag: Buffer.from(tag), content: Buffer.from(content) };
  if (b[pos]! & 0x20) {
    node.children = [];
    for (let q = 0; q < content.length; ) {
      const [c, e] = parseAt(content, q);
      node.children.push(c);
      q = e;
    }
  }
  return [node, p + len];
}

export function encodeTree(n: DerNode): Buffer {
  if (n.raw !== undefined) return n.raw;
  const content = n.children === undefined ? n.content : Buffer.concat(n.children.map(encodeTree));
  return Buffer.concat([n.tag, n.lenRaw ?? derLen(content.length), content]);
}

function nodeAt(root: DerNode, path: readonly number[]): DerNode {
  let n = root;
  for (const i of path) {
    const c = n.children?.[i];
    if (c === undefined) throw new Error(`no node at ${path.join('.')}`);
    n = c;
  }
  return n;
}

/** Edits a copy of `der`: `fn` changes the node at `path` (or its parent's children); lengths are recomputed above it. */
export function editDer(der: Buffer, path: readonly number[], fn: (node: DerNode, parent: DerNode | undefined, index: number) => void): Buffer {
  const root = parseTree(der);
  const parent = path.length === 0 ? undefined : nodeAt(root, path.slice(0, -1));
  fn(nodeAt(root, path), parent, path.length === 0 ? -1 : path[path.length - 1]!);
  return encodeTree(root);
}

/** The node at `path`, as its DER bytes. */
export const derAt = (der: Buffer, path: readonly number[]): Buffer => encodeTree(nodeAt(parseTree(der), path));
/** Replaces the node at `path` with `bytes` (any bytes). */
export const replaceAt = (der: Buffer, path: readonly number[], bytes: Buffer): Buffer => editDer(der, path, (n) => void (n.raw = bytes));
/** Replaces the contents of the (primitive) node at `path`. */
export const contentAt = (der: Buffer, path: readonly number[], content: Buffer): Buffer =>
  editDer(der, path, (n) => {
    delete n.children;
    n.content = content;
  });
/** Sets the tag byte of the node at `path`. */
export const tagAt = (der: Buffer, path: readonly number[], tag: number | Buffer): Buffer =>
  editDer(der, path, (n) => void (n.tag = typeof tag === 'number' ? Buffer.from([tag]) : tag));
/** Sets the raw length octets of the node at `path` (its contents stay as they are). */
export const lenAt = (der: Buffer, path: readonly number[], len: number[]): Buffer => editDer(der, path, (n) => void (n.lenRaw = Buffer.from(len)));
/** Removes the node at `path`. */
export const removeAt = (der: Buffer, path: readonly number[]): Buffer => editDer(der, path, (_n, p, i) => void p!.children!.splice(i, 1));
/** Inserts `bytes` (any bytes) before the node at `path` (or at the end when index = length). */
export function insertAt(der: Buffer, path: readonly number[], bytes: Buffer): Buffer {
  const root = parseTree(der);
  const parent = nodeAt(root, path.slice(0, -1));
  parent.children!.splice(path[path.length - 1]!, 0, { tag: Buffer.alloc(0), content: Buffer.alloc(0), raw: bytes });
  return encodeTree(root);
}
/** Appends `bytes` inside the node at `path`, after its contents. */
export const appendInside = (der: Buffer, path: readonly number[], bytes: Buffer): Buffer =>
  editDer(der, path, (n) => {
    if (n.children !== undefined) n.children.push({ tag: Buffer.alloc(0), content: Buffer.alloc(0), raw: bytes });
    else n.content = Buffer.concat([n.content, bytes]);
  });

/** Wraps `inner` in `depth` SEQUENCEs. */
export function nest(inner: Buffer, depth: number, tag = 0x30): Buffer {
  let b = inner;
  for (let i = 0; i < depth; i++) b = tlv(tag, b);
  return b;
}

/** Offsets of every length octet of every TLV in valid DER `der` (recursing into constructed values). */
export function derLengthOffsets(der: Buffer): number[] {
  const out: number[] = [];
  const walk = (pos: number, end: number): void => {
    while (pos < end) {
      let p = pos + 1;
      if ((der[pos]! & 0x1f) === 0x1f) while (der[p++]! & 0x80);
      const first = der[p]!;
      const n = first & 0x80 ? (first & 0x7f) + 1 : 1;
      for (let i = 0; i < n; i++) out.push(p + i);
      let len = first & 0x80 ? 0 : first;
      for (let i = 1; i < n; i++) len = len * 256 + der[p + i]!;
      const cs = p + n;
      if (der[pos]! & 0x20) walk(cs, cs + len);
      pos = cs + len;
    }
  };
  walk(0, der.length);
  return out;
}

/** Bytes with byte `i` set to `v`. */
export function setByte(b: Uint8Array, i: number, v: number): Buffer {
  const c = Buffer.from(b);
  c[i] = v;
  return c;
}

/** An OBJECT IDENTIFIER TLV from dotted text, arcs of any size (BigInt). */
export function oidTlv(dotted: string): Buffer {
  const arcs = dotted.split('.').map((a) => BigInt(a));
  const first = arcs[0]! * 40n + arcs[1]!;
  const bytes: number[] = [];
  for (const arc of [first, ...arcs.slice(2)]) {
    const groups: number[] = [];
    let v = arc;
    do {
      groups.unshift(Number(v & 0x7fn));
      v >>= 7n;
    } while (v > 0n);
    groups.forEach((g, i) => bytes.push(i < groups.length - 1 ? g | 0x80 : g));
  }
  return tlv(0x06, Buffer.from(bytes));
}

// ---------------------------------------------------------------------------------------------
// JKS / JCEKS layout

/** Offsets of the fields of a JKS/JCEKS file (valid samples only). */
export interface JavaLayout {
  count: number;
  entries: {
    tag: number;
    tagAt: number;
    aliasLenAt: number;
    dateAt: number;
    keyLenAt?: number;
    keyAt?: number;
    chainLenAt?: number;
    /** Per certificate: type-length, length, DER offsets. */
    certs: { typeLenAt: number; lenAt: number; derAt: number; len: number }[];
    end: number;
  }[];
  digestAt: number;
}

export function javaLayout(b: Buffer): JavaLayout {
  const r = new JavaDataReader(b);
  r.i32('magic');
  const version = r.i32('version');
  const count = r.i32('count');
  const entries: JavaLayout['entries'] = [];
  const cert = () => {
    const typeLenAt = r.position;
    if (version === 2) r.utf('type');
    const lenAt = r.position;
    const len = r.i32('len');
    const derAt = r.position;
    r.skip(len, 'cert');
    return { typeLenAt, lenAt, derAt, len };
  };
  for (let i = 0; i < count; i++) {
    const tagAt = r.position;
    const tag = r.i32('tag');
    const aliasLenAt = r.position;
    r.utf('alias');
    const dateAt = r.position;
    r.i64('date');
    const e: JavaLayout['entries'][number] = { tag, tagAt, aliasLenAt, dateAt, certs: [], end: 0 };
    if (tag === 1) {
      e.keyLenAt = r.position;
      const kl = r.i32('keylen');
      e.keyAt = r.position;
      r.skip(kl, 'key');
      e.chainLenAt = r.position;
      const n = r.i32('chain');
      for (let c = 0; c < n; c++) e.certs.push(cert());
    } else if (tag === 2) {
      e.certs.push(cert());
    } else {
      readSerializedObject(r);
    }
    e.end = r.position;
    entries.push(e);
  }
  return { count, entries, digestAt: r.position };
}

/** Offsets of every byte of every count and length field of a JKS/JCEKS file. */
export function javaLengthOffsets(b: Buffer): number[] {
  const l = javaLayout(b);
  const out = [8, 9, 10, 11];
  const span = (at: number, n: number) => {
    for (let i = 0; i < n; i++) out.push(at + i);
  };
  for (const e of l.entries) {
    span(e.aliasLenAt, 2);
    if (e.keyLenAt !== undefined) span(e.keyLenAt, 4);
    if (e.chainLenAt !== undefined) span(e.chainLenAt, 4);
    for (const c of e.certs) {
      if (c.typeLenAt !== c.lenAt) span(c.typeLenAt, 2);
      span(c.lenAt, 4);
    }
  }
  return out;
}

/** Recomputes a JKS/JCEKS file's integrity digest over its (edited) body, so deeper checks are reached. */
export function reseal(b: Buffer, password: string): Buffer {
  const body = b.subarray(0, b.length - 20);
  return Buffer.concat([body, keystoreDigest(password, body)]);
}

/** A copy of `b` with `bytes` written at `at`. */
export function patch(b: Buffer, at: number, bytes: number[] | Buffer): Buffer {
  const c = Buffer.from(b);
  Buffer.from(bytes).copy(c, at);
  return c;
}

/** A copy of `b` with the 32-bit big-endian `v` written at `at`. */
export const patchI32 = (b: Buffer, at: number, v: number): Buffer => {
  const c = Buffer.from(b);
  c.writeUInt32BE(v >>> 0, at);
  return c;
};

/** `b` with `n` bytes spliced out at `at`, or `ins` spliced in. */
export function splice(b: Buffer, at: number, remove: number, ins: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([b.subarray(0, at), ins, b.subarray(at + remove)]);
}

/** The path of the `nth` node (depth-first, pre-order) whose tag byte is `tag`. */
export function pathOf(der: Buffer, tag: number, nth = 0): number[] {
  let seen = 0;
  const walk = (n: DerNode, path: number[]): number[] | undefined => {
    if (n.tag.length === 1 && n.tag[0] === tag && seen++ === nth) return path;
    for (const [i, c] of (n.children ?? []).entries()) {
      const p = walk(c, [...path, i]);
      if (p !== undefined) return p;
    }
    return undefined;
  };
  const p = walk(parseTree(der), []);
  if (p === undefined) throw new Error(`no node with tag ${tag.toString(16)} #${nth}`);
  return p;
}

/** A deterministic byte stream (xorshift), for "random" cases that must not change between runs. */
export function pseudoRandom(n: number, seed = 0x9e3779b9): Buffer {
  const out = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
