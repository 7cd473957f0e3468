/**
 * The parts of `@aws-sdk/client-s3` certkit uses, and the one place that imports them at run time
 * (everything else imports this file lazily, with `await import`).
 *
 * Named re-exports, not the package: a dynamic `import('@aws-sdk/client-s3')` gives the whole
 * namespace, so the bundle (scripts/bundle.mjs) had to keep all 112 commands and every operation's
 * schema (~500 KB, compiled and run on every `certkit client --s3`). Through this file esbuild
 * keeps only what is named here (the package declares itself free of side effects).
 */
export { GetObjectCommand, HeadBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
