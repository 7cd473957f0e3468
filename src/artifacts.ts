/**
 * Identity -> named artifacts: everything `certkit client` writes, built in memory (no I/O),
 * named as the Glue/MSK guide names them:
 *
 * | format       | file                         | holds                                              | sensitive |
 * |--------------|------------------------------|----------------------------------------------------|-----------|
 * | `jks`        | `kafka.client.keystore.jks`  | JKS, one PrivateKeyEntry, storepass/keypass apart   | yes       |
 * | `p12`        | `keystore.p12`               | PKCS#12, modern profile, store password             | yes       |
 * | `cert`       | `client_cert.pem`            | leaf then chain, PEM                               | no        |
 * | `key`        | `private_key.pem`            | PKCS#8 PEM, no Bag Attributes                      | yes       |
 * | `csr`        | `csr.pem`                    | `CERTIFICATE REQUEST` PEM                          | no        |
 * | `ca`         | `ca.pem`                     | the root (trust anchor), PEM                       | no        |
 * | `secret`     | `redshift-secret.json`       | `{"certificate","privateKey"}`                     | yes       |
 * | `properties` | `client.properties`          | Kafka Java client SSL settings with the passwords  | yes       |
 */
import { CertkitError } from './errors.js';
import { exportPkcs8Der, exportPkcs8Pem, type KeyObject } from './keys.js';
import { writeKeyStore } from './keystore/keystore.js';
import type { PreparedPkcs12 } from './keystore/pkcs12-write.js';
import { encodePem } from './pem.js';
import { certificateChainPem, redshiftSecret, redshiftSecretJson } from './redshift.js';
import type { Artifact } from './sinks/directory.js';

export type { Artifact } from './sinks/directory.js';

/** Format names `--formats` takes, in the order artifacts are produced. */
export const ARTIFACT_FORMATS = ['jks', 'p12', 'cert', 'key', 'csr', 'ca', 'secret', 'properties'] as const;
export type ArtifactFormat = (typeof ARTIFACT_FORMATS)[number];

/** The file each format is written to. */
export const ARTIFACT_FILES: Readonly<Record<ArtifactFormat, string>> = {
  jks: 'kafka.client.keystore.jks',
  p12: 'keystore.p12',
  cert: 'client_cert.pem',
  key: 'private_key.pem',
  csr: 'csr.pem',
  ca: 'ca.pem',
  secret: 'redshift-secret.json',
  properties: 'client.properties',
};

const SENSITIVE: Readonly<Record<ArtifactFormat, boolean>> = {
  jks: true,
  p12: true,
  cert: false,
  key: true,
  csr: false,
  ca: false,
  secret: true,
  properties: true,
};

const CONTENT_TYPES: Readonly<Record<ArtifactFormat, string>> = {
  jks: 'application/octet-stream',
  p12: 'application/x-pkcs12',
  cert: 'application/x-pem-file',
  key: 'application/x-pem-file',
  csr: 'application/x-pem-file',
  ca: 'application/x-pem-file',
  secret: 'application/json',
  properties: 'text/plain; charset=utf-8',
};

const FORMAT_ALIASES: Readonly<Record<string, ArtifactFormat>> = {
  jks: 'jks',
  keystore: 'jks',
  p12: 'p12',
  pkcs12: 'p12',
  pfx: 'p12',
  cert: 'cert',
  pem: 'cert',
  chain: 'cert',
  key: 'key',
  csr: 'csr',
  ca: 'ca',
  secret: 'secret',
  redshift: 'secret',
  properties: 'properties',
  'client-properties': 'properties',
  ...Object.fromEntries(Object.entries(ARTIFACT_FILES).map(([f, file]) => [file, f as ArtifactFormat])),
};

/**
 * Parses `--formats` (comma separated, repeatable): format names, a few aliases (`pem` = `cert`,
 * `pkcs12` = `p12`, `redshift` = `secret`) or the file names themselves. `all` means every format.
 * Returns the formats in canonical order without duplicates; USAGE for anything unknown.
 */
export function parseFormats(values: string | readonly string[]): ArtifactFormat[] {
  const items = (typeof values === 'string' ? [values] : values)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim().toLowerCase())
    .filter((v) => v !== '');
  if (items.length === 0) throw new CertkitError('USAGE', '--formats is empty', { hint: `choose from ${ARTIFACT_FORMATS.join(', ')}` });
  const chosen = new Set<ArtifactFormat>();
  for (const item of items) {
    if (item === 'all') {
      for (const f of ARTIFACT_FORMATS) chosen.add(f);
      continue;
    }
    const f = FORMAT_ALIASES[item];
    if (f === undefined) {
      throw new CertkitError('USAGE', `unknown format "${item}" in --formats`, { hint: `choose from ${ARTIFACT_FORMATS.join(', ')}, or all` });
    }
    chosen.add(f);
  }
  return ARTIFACT_FORMATS.filter((f) => chosen.has(f));
}

/** What the artifacts are made of: the issued identity and the passwords protecting it. */
export interface Identity {
  /** The private key. */
  readonly key: KeyObject;
  /** The end-entity certificate, DER. */
  readonly leaf: Buffer;
  /** The issuing chain, DER, leaf's issuer first (as the issuer returned it). */
  readonly chain: readonly Buffer[];
  /** The certification request that was signed, DER. */
  readonly csrDer: Buffer;
  /** The trust anchor (root CA certificate), DER: `ca.pem`. */
  readonly caCert: Buffer;
}

export interface BuildArtifactsOptions {
  /** The keystore entry's alias. */
  readonly alias: string;
  readonly storePassword: string;
  /** The JKS key password (PKCS#12 keys use the store password, as keytool does). */
  readonly keyPassword: string;
  /** Which artifacts to build (default: all of them). */
  readonly formats?: readonly ArtifactFormat[];
  /** `ssl.keystore.location` in client.properties (default: the JKS file name, relative). */
  readonly keystoreLocation?: string;
  /** Random source for the keystores' salts (tests inject one for reproducible bytes). */
  readonly randomBytes?: (n: number) => Buffer;
  /** Clock for the JKS entry's creation date. */
  readonly now?: () => Date;
  /** Secrets `prepareArtifacts` derived ahead with these same options. */
  readonly prepared?: PreparedArtifacts;
}

/** The password-derived parts of the artifacts, made before the certificate exists. */
export interface PreparedArtifacts {
  /** The PKCS#12 keystore's ciphers and MAC key (when `p12` is among the formats). */
  readonly p12?: PreparedPkcs12;
}

/**
 * Derives, ahead of the identity, what the artifacts need from the passwords alone: the PKCS#12
 * keystore's PBKDF2 keys (on libuv's thread pool) and its MAC key (in slices that leave the event
 * loop free). The pipeline runs it while the certificate is being issued, then hands the result
 * to `buildArtifacts` as `prepared`, which then only encrypts and MACs.
 */
export async function prepareArtifacts(options: Omit<BuildArtifactsOptions, 'prepared'>): Promise<PreparedArtifacts> {
  const formats = options.formats ?? ARTIFACT_FORMATS;
  if (!formats.includes('p12')) return {};
  const { preparePkcs12 } = await import('./keystore/pkcs12-write.js');
  const p12 = await preparePkcs12({
    storePassword: options.storePassword,
    profile: 'modern',
    keyEntries: 1,
    ...(options.randomBytes === undefined ? {} : { randomBytes: options.randomBytes }),
  });
  return { p12 };
}

/**
 * Escapes a value for a Java `.properties` file: backslash, line breaks, and a leading space or
 * `#`/`!` would otherwise change its meaning. Non-ASCII is written as `\uXXXX` (ISO-8859-1 files).
 */
export function escapePropertiesValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    const code = value.charCodeAt(i);
    if (c === '\\') out += '\\\\';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c === '\f') out += '\\f';
    else if (i === 0 && (c === ' ' || c === '#' || c === '!')) out += `\\${c}`;
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return out;
}

/** The Kafka Java client settings for SSL with this keystore (`client.properties`). */
export function clientProperties(keystoreLocation: string, storePassword: string, keyPassword: string): string {
  return [
    '# Kafka Java client settings for mutual TLS with the keystore certkit wrote.',
    '# Holds the keystore passwords: keep this file private (mode 0600).',
    'security.protocol=SSL',
    `ssl.keystore.location=${escapePropertiesValue(keystoreLocation)}`,
    'ssl.keystore.type=JKS',
    `ssl.keystore.password=${escapePropertiesValue(storePassword)}`,
    `ssl.key.password=${escapePropertiesValue(keyPassword)}`,
    '',
  ].join('\n');
}

/**
 * Builds the chosen artifacts (default all) in canonical order. Pure apart from the keystores'
 * random salts (injectable): nothing is written anywhere.
 */
export async function buildArtifacts(identity: Identity, options: BuildArtifactsOptions): Promise<Artifact[]> {
  const formats = options.formats ?? ARTIFACT_FORMATS;
  const fullChain = [identity.leaf, ...identity.chain];
  const ksOptions = {
    storePassword: options.storePassword,
    ...(options.randomBytes === undefined ? {} : { randomBytes: options.randomBytes }),
    ...(options.now === undefined ? {} : { now: options.now }),
  };
  const entry = {
    kind: 'private-key' as const,
    alias: options.alias,
    key: exportPkcs8Der(identity.key),
    chain: fullChain,
    ...(options.now === undefined ? {} : { created: options.now() }),
  };
  const out: Artifact[] = [];
  for (const format of ARTIFACT_FORMATS) {
    if (!formats.includes(format)) continue;
    let data: Buffer;
    switch (format) {
      case 'jks':
        data = await writeKeyStore([entry], 'jks', { ...ksOptions, keyPassword: options.keyPassword });
        break;
      case 'p12': {
        const prepared = options.prepared?.p12;
        data =
          prepared === undefined
            ? await writeKeyStore([entry], 'pkcs12', { ...ksOptions, profile: 'modern' })
            : (await import('./keystore/pkcs12-write.js')).writePkcs12([entry], { ...ksOptions, profile: 'modern', prepared });
        break;
      }
      case 'cert':
        data = Buffer.from(certificateChainPem(identity.leaf, identity.chain), 'utf8');
        break;
      case 'key':
        data = Buffer.from(exportPkcs8Pem(identity.key), 'utf8');
        break;
      case 'csr':
        data = Buffer.from(encodePem('CERTIFICATE REQUEST', identity.csrDer), 'utf8');
        break;
      case 'ca':
        data = Buffer.from(encodePem('CERTIFICATE', identity.caCert), 'utf8');
        break;
      case 'secret':
        data = Buffer.from(redshiftSecretJson(redshiftSecret(identity.key, identity.leaf, identity.chain)), 'utf8');
        break;
      case 'properties':
        data = Buffer.from(
          clientProperties(options.keystoreLocation ?? ARTIFACT_FILES.jks, options.storePassword, options.keyPassword),
          'utf8',
        );
        break;
    }
    out.push({ name: ARTIFACT_FILES[format], data, sensitive: SENSITIVE[format], contentType: CONTENT_TYPES[format] });
  }
  return out;
}
