/**
 * The Kafka wire codec `certkit probe` uses (src/kafka/wire.ts), byte for byte: the requests
 * against the protocol's layout written out by hand, responses built by hand (as Kafka 4.1
 * answered the probe in test/kafka/probe.test.ts: ApiVersions lists Metadata v0–v13), and a
 * hostile-input suite: every truncation, counts and lengths past the end, negative lengths,
 * trailing bytes, a bad boolean, invalid UTF-8, and size prefixes at and past the limit.
 */
import { describe, expect, it } from 'vitest';

import { CertkitError } from '../../src/errors.js';
import { KAFKA_LIMITS } from '../../src/limits.js';
import {
  decodeApiVersionsResponseV0,
  decodeMetadataResponseV1,
  encodeApiVersionsRequestV0,
  encodeMetadataRequestV1,
  kafkaErrorName,
  ResponseFramer,
} from '../../src/kafka/wire.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** ApiVersions v0 answer: correlation 1, no error, Metadata 0–13, SaslHandshake 0–1, ApiVersions 0–4. */
const API_VERSIONS = hex(`
  00000001  0000  00000003
  0003 0000 000d
  0011 0000 0001
  0012 0000 0004`);

/** Metadata v1 answer: correlation 2, brokers 1 localhost:9094 (no rack) and 2 b:1 rack "az1", controller 1, no topics. */
const METADATA = hex(`
  00000002
  00000002
    00000001 0009 6c6f63616c686f7374 00002386 ffff
    00000002 0001 62 00000001 0003 617a31
  00000001
  00000000`);

/** Metadata v1 answer with one topic "t" (not internal) and one partition (leader 1, replicas [1], isr [1]). */
const METADATA_TOPIC = hex(`
  00000003
  00000000
  ffffffff
  00000001
    0000 0001 74 00
    00000001
      0000 00000000 00000001 00000001 00000001 00000001 00000001`);

function invalidMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CertkitError);
    expect((e as CertkitError).code).toBe('INVALID_INPUT');
    return (e as Error).message;
  }
  throw new Error('no error was thrown');
}

describe('requests', () => {
  it('ApiVersions v0: size, api key 18, version 0, correlation id, client id, empty body', () => {
    expect(encodeApiVersionsRequestV0(1, 'certkit-probe').toString('hex')).toBe(
      '00000017' + '0012' + '0000' + '00000001' + '000d' + Buffer.from('certkit-probe').toString('hex'),
    );
    expect(encodeApiVersionsRequestV0(7, null).toString('hex')).toBe('0000000a' + '0012' + '0000' + '00000007' + 'ffff');
  });

  it('Metadata v1: no topics is an empty array, all topics is null, topics are STRINGs', () => {
    expect(encodeMetadataRequestV1(2, 'c').toString('hex')).toBe('0000000f' + '0003' + '0001' + '00000002' + '000163' + '00000000');
    expect(encodeMetadataRequestV1(2, 'c', null).toString('hex')).toBe('0000000f' + '0003' + '0001' + '00000002' + '000163' + 'ffffffff');
    expect(encodeMetadataRequestV1(3, 'c', ['ab', 'é']).toString('hex')).toBe(
      '00000017' + '0003' + '0001' + '00000003' + '000163' + '00000002' + '00026162' + '0002c3a9',
    );
  });

  it('refuses a client id longer than a STRING holds (USAGE)', () => {
    expect(() => encodeApiVersionsRequestV0(1, 'x'.repeat(0x8000))).toThrow(/client id is longer than 32767 bytes/);
    expect(encodeApiVersionsRequestV0(1, 'x'.repeat(0x7fff)).readInt32BE(0)).toBe(8 + 2 + 0x7fff);
  });
});

describe('responses', () => {
  it('decodes ApiVersions v0', () => {
    expect(decodeApiVersionsResponseV0(API_VERSIONS)).toEqual({
      correlationId: 1,
      errorCode: 0,
      apiKeys: [
        { apiKey: 3, minVersion: 0, maxVersion: 13 },
        { apiKey: 17, minVersion: 0, maxVersion: 1 },
        { apiKey: 18, minVersion: 0, maxVersion: 4 },
      ],
    });
  });

  it('accepts the trailing fields a newer broker adds to an UNSUPPORTED_VERSION answer, and only then', () => {
    const unsupported = Buffer.concat([hex('00000001 0023 00000000'), hex('00000000 00')]);
    expect(decodeApiVersionsResponseV0(unsupported)).toEqual({ correlationId: 1, errorCode: 35, apiKeys: [] });
    expect(kafkaErrorName(35)).toBe('UNSUPPORTED_VERSION (35)');
    expect(invalidMessage(() => decodeApiVersionsResponseV0(Buffer.concat([API_VERSIONS, hex('00')])))).toBe(
      'ApiVersions response: 1 trailing bytes after the last field',
    );
  });

  it('decodes Metadata v1: brokers with and without a rack, the controller, topics and partitions', () => {
    expect(decodeMetadataResponseV1(METADATA)).toEqual({
      correlationId: 2,
      brokers: [
        { nodeId: 1, host: 'localhost', port: 9094, rack: null },
        { nodeId: 2, host: 'b', port: 1, rack: 'az1' },
      ],
      controllerId: 1,
      topics: [],
    });
    expect(decodeMetadataResponseV1(METADATA_TOPIC)).toEqual({
      correlationId: 3,
      brokers: [],
      controllerId: -1,
      topics: [{ errorCode: 0, name: 't', isInternal: false, partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1] }] }],
    });
  });
});

describe('hostile responses', () => {
  it('every truncation of either response is an INVALID_INPUT error naming the field', () => {
    const seen = new Set<string>();
    for (const [decode, whole] of [
      [decodeApiVersionsResponseV0, API_VERSIONS],
      [decodeMetadataResponseV1, METADATA],
      [decodeMetadataResponseV1, METADATA_TOPIC],
    ] as const) {
      for (let n = 0; n < whole.length; n++) seen.add(invalidMessage(() => decode(whole.subarray(0, n))));
    }
    expect([...seen].every((m) => /^(ApiVersions|Metadata) response: /.test(m))).toBe(true);
    expect(seen).toContain('ApiVersions response: api keys: 3 items cannot fit in the 12 bytes left');
    expect(seen).toContain('Metadata response: brokers: 2 items cannot fit in the 23 bytes left');
    expect(seen).toContain('Metadata response: broker 2 rack: needs 3 bytes, 1 left');
    expect(seen).toContain('Metadata response: partition 0 isr: 1 items cannot fit in the 3 bytes left');
  });

  it('refuses counts that cannot fit before reading them, negative lengths and counts, nulls where not allowed', () => {
    expect(invalidMessage(() => decodeApiVersionsResponseV0(hex('00000001 0000 7fffffff')))).toBe(
      'ApiVersions response: api keys: 2147483647 items cannot fit in the 0 bytes left',
    );
    expect(invalidMessage(() => decodeApiVersionsResponseV0(hex('00000001 0000 00000002 0003 0000 000d')))).toBe(
      'ApiVersions response: api keys: 2 items cannot fit in the 6 bytes left',
    );
    expect(invalidMessage(() => decodeApiVersionsResponseV0(hex('00000001 0000 fffffffe')))).toBe('ApiVersions response: api keys: negative count -2');
    expect(invalidMessage(() => decodeApiVersionsResponseV0(hex('00000001 0000 ffffffff')))).toBe(
      'ApiVersions response: api keys: null where an array is required',
    );
    expect(invalidMessage(() => decodeMetadataResponseV1(hex('00000002 00000001 00000001 fffe 00000000 ffff 00000000 00000000')))).toBe(
      'Metadata response: broker 1 host: negative length -2',
    );
    expect(invalidMessage(() => decodeMetadataResponseV1(hex('00000002 00000001 00000001 ffff 00000000 ffff 00000000 00000000')))).toBe(
      'Metadata response: broker 1 host: null where a string is required',
    );
  });

  it('refuses a boolean other than 0 or 1, invalid UTF-8 and trailing bytes', () => {
    const badBool = Buffer.from(METADATA_TOPIC);
    badBool[4 + 4 + 4 + 4 + 2 + 2 + 1] = 2;
    expect(invalidMessage(() => decodeMetadataResponseV1(badBool))).toBe('Metadata response: topic 1 is_internal: a boolean must be 0 or 1, not 2');
    expect(invalidMessage(() => decodeMetadataResponseV1(hex('00000002 00000001 00000001 0001 ff 00000000 ffff 00000000 00000000')))).toBe(
      'Metadata response: broker 1 host: not valid UTF-8',
    );
    expect(invalidMessage(() => decodeMetadataResponseV1(Buffer.concat([METADATA, hex('0000')])))).toBe(
      'Metadata response: 2 trailing bytes after the last field',
    );
  });
});

describe('ResponseFramer', () => {
  const framed = (payload: Buffer) => Buffer.concat([hex((payload.length >>> 0).toString(16).padStart(8, '0')), payload]);

  it('yields whole responses however the bytes arrive: one at a time, several in one chunk', () => {
    const stream = Buffer.concat([framed(API_VERSIONS), framed(METADATA)]);
    const f = new ResponseFramer();
    const got: Buffer[] = [];
    for (const byte of stream) got.push(...f.push(Buffer.from([byte])));
    expect(got.map((b) => b.toString('hex'))).toEqual([API_VERSIONS.toString('hex'), METADATA.toString('hex')]);
    expect(f.pending).toBe(0);
    expect(new ResponseFramer().push(stream).map((b) => b.toString('hex'))).toEqual([API_VERSIONS.toString('hex'), METADATA.toString('hex')]);
  });

  it(`takes a size prefix of ${KAFKA_LIMITS.maxResponseBytes} bytes and refuses one more, before buffering it`, () => {
    const f = new ResponseFramer();
    expect(f.push(hex(KAFKA_LIMITS.maxResponseBytes.toString(16).padStart(8, '0')))).toEqual([]);
    expect(f.pending).toBe(4);
    expect(invalidMessage(() => new ResponseFramer().push(hex((KAFKA_LIMITS.maxResponseBytes + 1).toString(16).padStart(8, '0'))))).toBe(
      `not a Kafka response: its size prefix says ${KAFKA_LIMITS.maxResponseBytes + 1} bytes (a Kafka response has 4 to ${KAFKA_LIMITS.maxResponseBytes})`,
    );
    expect(invalidMessage(() => new ResponseFramer().push(hex('00000003 000000')))).toBe(
      `not a Kafka response: its size prefix says 3 bytes (a Kafka response has 4 to ${KAFKA_LIMITS.maxResponseBytes})`,
    );
    expect(invalidMessage(() => new ResponseFramer().push(hex('ffffffff')))).toContain('its size prefix says -1 bytes');
  });

  it('says what an answer that is not Kafka looks like: HTTP, a TLS alert or handshake', () => {
    expect(invalidMessage(() => new ResponseFramer().push(Buffer.from('HTTP/1.1 400 Bad Request\r\n')))).toBe(
      `not a Kafka response: its size prefix says 1213486160 bytes (a Kafka response has 4 to ${KAFKA_LIMITS.maxResponseBytes}) (the server answered in HTTP: it is not a Kafka broker)`,
    );
    expect(invalidMessage(() => new ResponseFramer().push(hex('15030300 020230')))).toMatch(/\(a TLS alert: the server speaks TLS on this port\)$/);
    expect(invalidMessage(() => new ResponseFramer().push(hex('16030300 5a0200')))).toMatch(/\(a TLS handshake: the server speaks TLS on this port\)$/);
  });
});
