/**
 * `s3://bucket/prefix/` as the CLI takes it (`--s3`), checked strictly: S3's bucket naming
 * rules for general purpose buckets, and a key prefix without control characters, `.`/`..`
 * segments or empty segments. Anything else is a USAGE error naming the URI.
 */
import { CertkitError } from '../errors.js';
import { MAX_S3_KEY_BYTES } from '../limits.js';
import { quoteInput } from '../quote.js';

export interface S3Location {
  readonly bucket: string;
  /** The key prefix: empty, or ending in `/`. */
  readonly prefix: string;
}

/** S3 limits object keys to 1024 bytes (UTF-8). */
export { MAX_S3_KEY_BYTES };

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IPV4 = /^[0-9]{1,3}(\.[0-9]{1,3}){3}$/;
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

function bad(uri: string, why: string): CertkitError {
  return new CertkitError('USAGE', `--s3 '${quoteInput(uri)}': ${why}`, { hint: 'expected s3://bucket/prefix/' });
}

/** Why `name` is not a valid bucket name, or undefined when it is. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'a bucket name has 3 to 63 characters';
  if (!BUCKET.test(name)) {
    return 'a bucket name has lower-case letters, digits, dots and hyphens, and starts and ends with a letter or digit';
  }
  if (name.includes('..') || name.includes('.-') || name.includes('-.')) return 'a bucket name has no adjacent dots or dot-hyphen pairs';
  if (IPV4.test(name)) return 'a bucket name is not an IP address';
  if (RESERVED_PREFIXES.some((p) => name.startsWith(p))) return 'the bucket name uses a prefix S3 reserves';
  if (RESERVED_SUFFIXES.some((s) => name.endsWith(s))) return 'the bucket name uses a suffix S3 reserves';
  return undefined;
}

/** Checks one key (prefix + name); throws USAGE naming `uri`. */
export function checkS3Key(key: string, uri: string): void {
  if (Buffer.byteLength(key, 'utf8') > MAX_S3_KEY_BYTES) throw bad(uri, `the object key is longer than ${MAX_S3_KEY_BYTES} bytes`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) throw bad(uri, 'the key contains a control character');
  if (key.includes('\\')) throw bad(uri, 'the key contains a backslash');
  const segments = key.split('/');
  const inner = key.endsWith('/') ? segments.slice(0, -1) : segments;
  if (inner.some((s) => s === '')) throw bad(uri, 'the key has an empty path segment (//)');
  if (inner.some((s) => s === '.' || s === '..')) throw bad(uri, "the key has a '.' or '..' segment");
}

/**
 * Parses `s3://bucket`, `s3://bucket/` or `s3://bucket/some/prefix[/]`. A prefix without a
 * trailing slash gets one: artifacts always go *under* the prefix.
 */
export function parseS3Uri(uri: string): S3Location {
  if (!uri.startsWith('s3://')) throw bad(uri, 'not an s3:// URI');
  const rest = uri.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  let prefix = slash < 0 ? '' : rest.slice(slash + 1);
  if (bucket === '') throw bad(uri, 'no bucket name');
  const problem = bucketNameProblem(bucket);
  if (problem !== undefined) throw bad(uri, problem);
  if (prefix !== '' && !prefix.endsWith('/')) prefix += '/';
  if (prefix !== '') checkS3Key(prefix, uri);
  return { bucket, prefix };
}

/** `s3://bucket/key`. */
export function formatS3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}
