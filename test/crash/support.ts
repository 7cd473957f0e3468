/**
 * Shared by the crash suites (no tests here):
 * - `FaultyFs`: an `FsOps` over the real file system that counts every call by step and fails one
 *   chosen call (step + ordinal) with a chosen errno, once; it also records, for every temporary
 *   file, the mode and inode it had right after creation;
 * - `checkOutputs`: the crash oracle for a `certkit client` output directory: every file is an
 *   output that is complete and valid (parsed with the library readers) or byte-equal to its
 *   previous version, the resume state, or (only where allowed) a hidden `.name.tmp-*` leftover
 *   or the lock of a killed run.
 */
import { X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { open as openP } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { expect } from 'vitest';

import { ARTIFACT_FILES, clientProperties } from '../../src/artifacts.js';
import { importPrivateKey } from '../../src/keys.js';
import { readKeyStore } from '../../src/keystore/keystore.js';
import { decodePem } from '../../src/pem.js';
import { parseRecord, RECORD_FILE } from '../../src/record.js';
import { STATE_FILE } from '../../src/pipeline.js';
import { nodeFsOps, type FsFile, type FsOps } from '../../src/sinks/directory.js';
import { LOCK_FILE } from '../../src/sinks/directory-lock.js';
import { parseCsr } from '../../src/x509/csr-parse.js';

/** The file-system steps of one atomic write, as the fault matrix names them. */
export const STEPS = [
  'mkdir',
  'chmod',
  'open',
  'fchmod',
  'write',
  'fsync',
  'close',
  'link',
  'rename',
  'unlink',
  'dir-open',
  'dir-fsync',
] as const;
export type Step = (typeof STEPS)[number];

/** Every output `certkit client` writes (all formats), plus the record. */
export const OUTPUTS: readonly string[] = [...Object.values(ARTIFACT_FILES), RECORD_FILE];

/** The subject every crash run asks for. */
export const CRASH_DNAME = 'CN=crash-client';

/** A hidden temporary file of the directory sink. */
export const TEMP_NAME = /^\.[^/]+\.tmp-[0-9a-f]{12}$/;

export interface TempCreated {
  readonly path: string;
  /** Mode right after open(O_CREAT|O_EXCL), before fchmod. */
  readonly modeAtCreate: number;
  readonly ino: number;
}

function errno(code: string, step: Step, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected at ${step}, ${path}`), { code, errno: -1, syscall: step, path });
}

/** FsOps over node:fs/promises that fails the `ordinal`-th call of `step` (1-based) with `code`, once. */
export class FaultyFs implements FsOps {
  readonly counts = new Map<Step, number>();
  readonly temps: TempCreated[] = [];
  /** Set when the fault fired. */
  fired: { step: Step; path: string } | undefined;

  /** Per step, the calls on `fault.file` (or its temporary file) so far. */
  private readonly fileCounts = new Map<Step, number>();

  /**
   * Fails the `ordinal`-th call of `step` with errno `code`; with `file`, the `ordinal`-th call of
   * `step` on that output or its temporary file (the artifacts are staged concurrently, so which
   * file the n-th write or fsync belongs to is not fixed).
   */
  constructor(private readonly fault?: { step: Step; ordinal: number; code: string; file?: string }) {}

  private hit(step: Step, path: string): void {
    const n = (this.counts.get(step) ?? 0) + 1;
    this.counts.set(step, n);
    const file = this.fault?.file;
    let ordinal = n;
    if (file !== undefined) {
      const name = basename(path);
      if (name !== file && !name.startsWith(`.${file}.tmp-`)) return;
      ordinal = (this.fileCounts.get(step) ?? 0) + 1;
      this.fileCounts.set(step, ordinal);
    }
    if (this.fault !== undefined && this.fault.step === step && this.fault.ordinal === ordinal) {
      this.fired = { step, path };
      throw errno(this.fault.code, step, path);
    }
  }

  async open(path: string, flags: number, mode?: number): Promise<FsFile> {
    const isTemp = /\.tmp-[0-9a-f]+$/.test(path);
    this.hit(isTemp ? 'open' : 'dir-open', path);
    const fh = await (mode === undefined ? openP(path, flags) : openP(path, flags, mode));
    if (isTemp) {
      const st = await fh.stat();
      this.temps.push({ path, modeAtCreate: st.mode & 0o7777, ino: st.ino });
    }
    const self = this;
    return {
      async chmod(m: number) {
        self.hit('fchmod', path);
        await fh.chmod(m);
      },
      async writeFile(data: Uint8Array) {
        self.hit('write', path);
        await fh.writeFile(data);
      },
      async sync() {
        self.hit(isTemp ? 'fsync' : 'dir-fsync', path);
        await fh.sync();
      },
      async close() {
        try {
          self.hit('close', path);
        } finally {
          await fh.close(); // the descriptor is released even when the call "fails"
        }
      },
    };
  }
  async link(a: string, b: string): Promise<void> {
    this.hit('link', b);
    await nodeFsOps.link(a, b);
  }
  async rename(a: string, b: string): Promise<void> {
    this.hit('rename', b);
    await nodeFsOps.rename(a, b);
  }
  async unlink(p: string): Promise<void> {
    this.hit('unlink', p);
    await nodeFsOps.unlink(p);
  }
  lstat(p: string) {
    return nodeFsOps.lstat(p);
  }
  stat(p: string) {
    return nodeFsOps.stat(p);
  }
  async mkdir(p: string, mode: number) {
    this.hit('mkdir', p);
    return nodeFsOps.mkdir(p, mode);
  }
  rmdir(p: string) {
    return nodeFsOps.rmdir(p); // only on the way out of a run that stopped early: not a step faults are injected at
  }
  readdir(p: string) {
    return nodeFsOps.readdir(p); // listing the directory for stale temp files: not a step faults are injected at
  }
  async chmod(p: string, m: number) {
    this.hit('chmod', p);
    await nodeFsOps.chmod(p, m);
  }
}

export interface Expected {
  readonly storePassword: string;
  readonly keyPassword: string;
  /** Absolute keystore path client.properties names. */
  readonly keystoreLocation: string;
  /** Bytes of the previous complete version, by name (a --force rerun may leave these). */
  readonly previous?: ReadonlyMap<string, Buffer>;
  /** Hidden temp leftovers and the lock are allowed (after SIGKILL only). */
  readonly allowTemps?: boolean;
}

export interface OutputState {
  /** Outputs present, each complete and valid or equal to its previous version. */
  readonly present: string[];
  /** Present outputs that are the previous version, byte for byte. */
  readonly previous: string[];
  readonly temps: string[];
  /** The resume state is there (complete: it parses, with a key and a CSR). */
  state: boolean;
  /** The output directory's lock is there (only a SIGKILLed run leaves it). */
  lock: boolean;
}

/** Parses one output completely; throws (an assertion) when it is partial or invalid. */
export async function validateOutput(name: string, data: Buffer, exp: Expected): Promise<void> {
  const text = data.toString('utf8');
  switch (name) {
    case ARTIFACT_FILES.jks:
    case ARTIFACT_FILES.p12: {
      const jks = name === ARTIFACT_FILES.jks;
      const ks = await readKeyStore(data, { storePassword: exp.storePassword, ...(jks ? { keyPassword: exp.keyPassword } : {}) });
      expect(ks.type).toBe(name === ARTIFACT_FILES.jks ? 'jks' : 'pkcs12');
      expect(ks.entries).toHaveLength(1);
      const entry = ks.entries[0]!;
      expect(entry.kind).toBe('private-key');
      if (entry.kind !== 'private-key') return;
      expect(entry.chain.length).toBe(2);
      const leaf = new X509Certificate(entry.chain[0]!);
      expect(leaf.checkPrivateKey(importPrivateKey(entry.key!))).toBe(true);
      return;
    }
    case ARTIFACT_FILES.cert: {
      const blocks = decodeAll(text, 'CERTIFICATE');
      expect(blocks).toHaveLength(2);
      const [leaf, ca] = blocks.map((b) => new X509Certificate(b));
      expect(leaf!.verify(ca!.publicKey)).toBe(true);
      return;
    }
    case ARTIFACT_FILES.ca:
      expect(new X509Certificate(decodePem(text, { label: 'CERTIFICATE' }).der).ca).toBe(true);
      return;
    case ARTIFACT_FILES.key:
      expect(['rsa', 'ec']).toContain(importPrivateKey(text).asymmetricKeyType);
      expect(text.endsWith('-----END PRIVATE KEY-----\n')).toBe(true);
      return;
    case ARTIFACT_FILES.csr:
      expect(parseCsr(decodePem(text, { label: 'CERTIFICATE REQUEST' }).der).subjectText).toBe(CRASH_DNAME);
      return;
    case ARTIFACT_FILES.secret: {
      const j = JSON.parse(text) as { certificate: string; privateKey: string };
      expect(Object.keys(j).sort()).toEqual(['certificate', 'privateKey']);
      const leaf = new X509Certificate(decodeAll(j.certificate, 'CERTIFICATE')[0]!);
      expect(leaf.checkPrivateKey(importPrivateKey(j.privateKey))).toBe(true);
      return;
    }
    case ARTIFACT_FILES.properties:
      expect(text).toBe(clientProperties(exp.keystoreLocation, exp.storePassword, exp.keyPassword));
      return;
    case RECORD_FILE:
      expect(parseRecord(data).certificate.sha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      return;
    default:
      throw new Error(`unexpected output ${name}`);
  }
}

function decodeAll(text: string, label: string): Buffer[] {
  const out: Buffer[] = [];
  const re = /-----BEGIN ([A-Z ]+)-----[\s\S]*?-----END \1-----\n?/g;
  for (const m of text.matchAll(re)) {
    expect(m[1]).toBe(label);
    out.push(decodePem(m[0], { label: label as 'CERTIFICATE' }).der);
  }
  expect(out.map((d) => d.length).every((n) => n > 0)).toBe(true);
  return out;
}

/** The crash oracle for an output directory (see the file comment). */
export async function checkOutputs(dir: string, exp: Expected): Promise<OutputState> {
  const result: OutputState = { present: [], previous: [], temps: [], state: false, lock: false };
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return result; // the directory itself was never made
  }
  for (const name of names) {
    const data = readFileSync(join(dir, name));
    if (TEMP_NAME.test(name)) {
      result.temps.push(name);
      continue;
    }
    if (name === LOCK_FILE) {
      expect(Object.keys(JSON.parse(data.toString('utf8')) as object)).toEqual(['pid', 'startedAt']);
      result.lock = true;
      continue;
    }
    if (name === STATE_FILE) {
      const s = JSON.parse(data.toString('utf8')) as { key: string; csr: string };
      importPrivateKey(s.key);
      decodePem(s.csr, { label: 'CERTIFICATE REQUEST' });
      result.state = true;
      continue;
    }
    expect(OUTPUTS, `unexpected file ${name}`).toContain(name);
    result.present.push(name);
    const prev = exp.previous?.get(name);
    if (prev !== undefined && prev.equals(data)) {
      result.previous.push(name);
      continue;
    }
    try {
      await validateOutput(name, data, exp);
    } catch (e) {
      throw new Error(`${name} is neither the previous version nor complete and valid: ${(e as Error).message}`);
    }
  }
  if (exp.allowTemps !== true) expect([result.temps, result.lock], 'temporary files or the lock left behind').toEqual([[], false]);
  return result;
}

/** True when every output is present, all from the same run (the key in every file matches the certificate). */
export function sameIdentity(dir: string): void {
  const key = importPrivateKey(readFileSync(join(dir, ARTIFACT_FILES.key), 'utf8'));
  const leafPem = readFileSync(join(dir, ARTIFACT_FILES.cert), 'utf8');
  const leaf = new X509Certificate(decodeAll(leafPem, 'CERTIFICATE')[0]!);
  expect(leaf.checkPrivateKey(key)).toBe(true);
  const record = parseRecord(readFileSync(join(dir, RECORD_FILE)));
  expect(record.certificate.sha256).toBe(leaf.fingerprint256);
}
