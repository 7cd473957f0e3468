import { describe, expect, it } from 'vitest';
import { CertkitError } from '../../src/errors.js';
import { quoteInput } from '../../src/quote.js';
import { parseS3Uri } from '../../src/sinks/s3-uri.js';

describe('parseS3Uri', () => {
  it.each([
    ['s3://bucket/certs/', 'bucket', 'certs/'],
    ['s3://bucket/certs', 'bucket', 'certs/'],
    ['s3://bucket', 'bucket', ''],
    ['s3://bucket/', 'bucket', ''],
    ['s3://my.glue-bucket.01/a/b/c/', 'my.glue-bucket.01', 'a/b/c/'],
    ['s3://abc/ünïcode prefix/', 'abc', 'ünïcode prefix/'],
  ])('%s', (uri, bucket, prefix) => {
    expect(parseS3Uri(uri)).toEqual({ bucket, prefix });
  });

  it.each([
    ['bucket/certs/', 'not an s3:// URI'],
    ['S3://bucket/', 'not an s3:// URI'],
    ['s3:///certs/', 'no bucket name'],
    ['s3://ab/', 'a bucket name has 3 to 63 characters'],
    [`s3://${'a'.repeat(64)}/`, 'a bucket name has 3 to 63 characters'],
    ['s3://Bucket/', 'a bucket name has lower-case letters, digits, dots and hyphens, and starts and ends with a letter or digit'],
    ['s3://bucket_1/', 'a bucket name has lower-case letters, digits, dots and hyphens, and starts and ends with a letter or digit'],
    ['s3://-bucket/', 'a bucket name has lower-case letters, digits, dots and hyphens, and starts and ends with a letter or digit'],
    ['s3://bucket-/', 'a bucket name has lower-case letters, digits, dots and hyphens, and starts and ends with a letter or digit'],
    ['s3://my..bucket/', 'a bucket name has no adjacent dots or dot-hyphen pairs'],
    ['s3://my.-bucket/', 'a bucket name has no adjacent dots or dot-hyphen pairs'],
    ['s3://192.168.1.1/', 'a bucket name is not an IP address'],
    ['s3://xn--bucket/', 'the bucket name uses a prefix S3 reserves'],
    ['s3://sthree-bucket/', 'the bucket name uses a prefix S3 reserves'],
    ['s3://bucket-s3alias/', 'the bucket name uses a suffix S3 reserves'],
    ['s3://bucket//certs/', 'the key has an empty path segment (//)'],
    ['s3://bucket/a//b/', 'the key has an empty path segment (//)'],
    ['s3://bucket/../etc/', "the key has a '.' or '..' segment"],
    ['s3://bucket/a/./b', "the key has a '.' or '..' segment"],
    ['s3://bucket/a\u0000b/', 'the key contains a control character'],
    ['s3://bucket/a\nb/', 'the key contains a control character'],
    ['s3://bucket/a\\b/', 'the key contains a backslash'],
    [`s3://bucket/${'k'.repeat(1024)}/`, 'the object key is longer than 1024 bytes'],
  ])('refuses %j', (uri, why) => {
    let e: unknown;
    try {
      parseS3Uri(uri);
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(CertkitError);
    expect([(e as CertkitError).code, (e as CertkitError).message, (e as CertkitError).hint]).toEqual([
      'USAGE', `--s3 '${quoteInput(uri)}': ${why}`, 'expected s3://bucket/prefix/',
    ]);
  });
});
