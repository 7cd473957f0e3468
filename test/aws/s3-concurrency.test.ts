/**
 * The S3 sink's objects go up at the same time: with a client whose answers the test releases
 * by hand, all three PutObjects are in flight before any is answered, and each object's
 * read-back (one GET) follows its own PUT only.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { uploadArtifacts } from '../../src/sinks/s3.js';
import { until, withDeadline } from '../support/wait.js';

const artifacts = ['a.jks', 'b.pem', 'c.pem'].map((name, i) => ({ name, data: Buffer.from(`object ${i}\n`), sensitive: true }));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('base64');

interface Pending {
  readonly op: string;
  readonly key: string;
  readonly release: () => void;
}

/** A stand-in S3 client: every call waits until the test releases it; objects live in a map. */
function handClient() {
  const pending: Pending[] = [];
  const stored = new Map<string, Buffer>();
  const client = {
    send(command: { constructor: { name: string }; input: { Key: string; Body?: Buffer } }) {
      const op = command.constructor.name.replace(/Command$/, '');
      const key = command.input.Key;
      return new Promise((resolve) => {
        pending.push({
          op,
          key,
          release: () => {
            if (op === 'PutObject') {
              stored.set(key, command.input.Body!);
              resolve({});
            } else {
              const body = stored.get(key)!;
              resolve({ Body: { transformToByteArray: async () => new Uint8Array(body) }, ChecksumSHA256: sha(body), ServerSideEncryption: 'AES256' });
            }
          },
        });
      });
    },
    destroy() {},
  };
  /** Waits until `n` calls are waiting on the client (the sink sends nothing more while they wait). */
  const inFlight = (n: number, what: string) => until(what, () => pending.length >= n);
  const take = (): string[] => pending.map((p) => `${p.op} ${p.key}`);
  const releaseAll = () => pending.splice(0).forEach((p) => p.release());
  return { client: client as unknown as S3Client, inFlight, take, releaseAll };
}

describe('S3 sink: objects in parallel', () => {
  it('sends every PutObject before any answer, then each GET after its own PUT', async () => {
    await import('@aws-sdk/client-s3'); // loaded, so the sink's own import() answers at once
    const h = handClient();
    const done = uploadArtifacts({ uri: 's3://bucket/p/', artifacts, client: h.client });
    const steps: string[][] = [];
    // Nothing is answered until all three PUTs wait: a sink that sent one at a time never gets there.
    await h.inFlight(3, 'three PutObjects in flight at once');
    steps.push(h.take());
    h.releaseAll();
    await h.inFlight(3, 'a GetObject for each answered PutObject');
    steps.push(h.take());
    h.releaseAll();
    expect(await withDeadline(done, 'the upload to finish')).toEqual(['s3://bucket/p/a.jks', 's3://bucket/p/b.pem', 's3://bucket/p/c.pem']);
    steps.push(h.take()); // nothing more was asked
    expect(steps).toEqual([
      ['PutObject p/a.jks', 'PutObject p/b.pem', 'PutObject p/c.pem'],
      ['GetObject p/a.jks', 'GetObject p/b.pem', 'GetObject p/c.pem'],
      [],
    ]);
  });
});
