/**
 * The few pieces of Kafka's wire protocol `certkit probe` speaks: request header v1, ApiVersions
 * v0 and Metadata v1, requests built and responses parsed. Nothing else of Kafka is needed to ask
 * a broker "do you accept this identity, and who are you?", and these versions are the ones with
 * no tagged fields and no compact encodings: every field is a fixed-size integer, a length-prefixed
 * string or a count-prefixed array (https://kafka.apache.org/protocol).
 *
 *   Request      => Size:INT32 RequestHeader Body
 *   RequestHeader v1 => api_key:INT16 api_version:INT16 correlation_id:INT32 client_id:NULLABLE_STRING
 *   Response     => Size:INT32 correlation_id:INT32 Body        (response header v0)
 *
 *   ApiVersions Request (Version: 0) =>
 *   ApiVersions Response (Version: 0) => error_code:INT16 [api_keys]
 *     api_keys => api_key:INT16 min_version:INT16 max_version:INT16
 *
 *   Metadata Request (Version: 1) => [topics]          (null: all topics; empty: none)
 *     topics => name:STRING
 *   Metadata Response (Version: 1) => [brokers] controller_id:INT32 [topics]
 *     brokers => node_id:INT32 host:STRING port:INT32 rack:NULLABLE_STRING
 *     topics => error_code:INT16 name:STRING is_internal:BOOLEAN [partitions]
 *       partitions => error_code:INT16 partition_index:INT32 leader_id:INT32 [replica_nodes:INT32] [isr_nodes:INT32]
 *
 * Why these versions: ApiVersions v0 is the request every broker since 0.10 answers, whatever it
 * supports (KIP-35; KIP-511: a broker answers a version it does not know with a v0 response), so
 * it is safe as the first request on any listener, and its answer says which Metadata versions the
 * broker serves. Metadata v1 is the first version that can ask for no topics (in v0 an empty list
 * means every topic, an answer as large as the cluster and subject to Describe ACLs); with an
 * empty list it returns just the brokers and the controller, which needs no ACL at all. Kafka 4.1
 * serves Metadata v0 to v13 and ApiVersions v0 to v4; later versions add tagged fields and compact
 * encodings that the probe has no use for.
 *
 * Parsing is bounded like every reader in certkit: a response is read only after its size prefix
 * was checked against KAFKA_LIMITS.maxResponseBytes, each length and count is checked against the
 * bytes left before anything is allocated, and trailing bytes are an error. Errors are
 * INVALID_INPUT CertkitErrors naming the field.
 */
import { CertkitError, invalid } from '../errors.js';
import { KAFKA_LIMITS } from '../limits.js';

export { KAFKA_LIMITS };

/** The API keys certkit sends, and the few others it names in messages. */
export const API_KEY = { METADATA: 3, SASL_HANDSHAKE: 17, API_VERSIONS: 18 } as const;

/** Kafka error codes the probe may meet in these two responses, by name. */
export const KAFKA_ERROR_NAMES: Readonly<Record<number, string>> = {
  [-1]: 'UNKNOWN_SERVER_ERROR',
  0: 'NONE',
  3: 'UNKNOWN_TOPIC_OR_PARTITION',
  5: 'LEADER_NOT_AVAILABLE',
  29: 'TOPIC_AUTHORIZATION_FAILED',
  31: 'CLUSTER_AUTHORIZATION_FAILED',
  35: 'UNSUPPORTED_VERSION',
  58: 'SASL_AUTHENTICATION_FAILED',
};

/** `NAME (code)` for a Kafka error code. */
export function kafkaErrorName(code: number): string {
  return `${KAFKA_ERROR_NAMES[code] ?? 'error'} (${code})`;
}

// ── Requests ──────────────────────────────────────────────────────────────────────────────

/** A Kafka STRING (INT16 length + UTF-8), or null as length -1 (NULLABLE_STRING). */
function kafkaString(s: string | null, what: string): Buffer {
  if (s === null) return Buffer.from([0xff, 0xff]);
  const bytes = Buffer.from(s, 'utf8');
  if (bytes.length > 0x7fff) throw new CertkitError('USAGE', `${what} is longer than 32767 bytes`);
  const len = Buffer.alloc(2);
  len.writeInt16BE(bytes.length);
  return Buffer.concat([len, bytes]);
}

/** A framed request: INT32 size, request header v1, then `body`. */
export function encodeRequest(apiKey: number, apiVersion: number, correlationId: number, clientId: string | null, body: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeInt16BE(apiKey, 4);
  head.writeInt16BE(apiVersion, 6);
  head.writeInt32BE(correlationId, 8);
  const client = kafkaString(clientId, 'client id');
  head.writeInt32BE(8 + client.length + body.length, 0);
  return Buffer.concat([head, client, body]);
}

/** ApiVersions v0: a header and an empty body. */
export function encodeApiVersionsRequestV0(correlationId: number, clientId: string | null): Buffer {
  return encodeRequest(API_KEY.API_VERSIONS, 0, correlationId, clientId, Buffer.alloc(0));
}

/** Metadata v1 for `topics` (default none: the brokers and the controller only; null: every topic). */
export function encodeMetadataRequestV1(correlationId: number, clientId: string | null, topics: readonly string[] | null = []): Buffer {
  let body: Buffer;
  if (topics === null) {
    body = Buffer.from([0xff, 0xff, 0xff, 0xff]);
  } else {
    const count = Buffer.alloc(4);
    count.writeInt32BE(topics.length);
    body = Buffer.concat([count, ...topics.map((t) => kafkaString(t, 'topic name'))]);
  }
  return encodeRequest(API_KEY.METADATA, 1, correlationId, clientId, body);
}

// ── Responses ─────────────────────────────────────────────────────────────────────────────

/**
 * A bounded reader over one response: every read checks the bytes left first, and `end()`
 * refuses trailing bytes. `what` names the response in errors.
 */
export class KafkaReader {
  private pos = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly what: string,
  ) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number, field: string): void {
    if (n > this.remaining) throw invalid(`${this.what}: ${field}: needs ${n} bytes, ${this.remaining} left`);
  }

  int8(field: string): number {
    this.need(1, field);
    return this.buf.readInt8(this.pos++);
  }

  int16(field: string): number {
    this.need(2, field);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(field: string): number {
    this.need(4, field);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  boolean(field: string): boolean {
    const v = this.int8(field);
    if (v !== 0 && v !== 1) throw invalid(`${this.what}: ${field}: a boolean must be 0 or 1, not ${v}`);
    return v === 1;
  }

  /** A NULLABLE_STRING: INT16 length (-1 for null), then that many bytes of UTF-8. */
  nullableString(field: string): string | null {
    const len = this.int16(`${field} length`);
    if (len === -1) return null;
    if (len < 0) throw invalid(`${this.what}: ${field}: negative length ${len}`);
    this.need(len, field);
    const bytes = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    const s = bytes.toString('utf8');
    if (!Buffer.from(s, 'utf8').equals(bytes)) throw invalid(`${this.what}: ${field}: not valid UTF-8`);
    return s;
  }

  /** A STRING: as NULLABLE_STRING, but null is an error. */
  string(field: string): string {
    const s = this.nullableString(field);
    if (s === null) throw invalid(`${this.what}: ${field}: null where a string is required`);
    return s;
  }

  /**
   * An ARRAY (INT32 count, -1 for null) of items read by `item`. The count is checked against
   * the bytes left at `minItemBytes` per item before anything is read or allocated.
   */
  nullableArray<T>(field: string, minItemBytes: number, item: (index: number) => T): T[] | null {
    const count = this.int32(`${field} count`);
    if (count === -1) return null;
    if (count < 0) throw invalid(`${this.what}: ${field}: negative count ${count}`);
    if (count > Math.floor(this.remaining / minItemBytes)) {
      throw invalid(`${this.what}: ${field}: ${count} items cannot fit in the ${this.remaining} bytes left`);
    }
    const out: T[] = [];
    for (let i = 0; i < count; i++) out.push(item(i));
    return out;
  }

  array<T>(field: string, minItemBytes: number, item: (index: number) => T): T[] {
    const a = this.nullableArray(field, minItemBytes, item);
    if (a === null) throw invalid(`${this.what}: ${field}: null where an array is required`);
    return a;
  }

  /** Refuses bytes after the last field. */
  end(): void {
    if (this.remaining !== 0) throw invalid(`${this.what}: ${this.remaining} trailing bytes after the last field`);
  }
}

/** One API a broker supports, as ApiVersions lists it. */
export interface ApiVersionRange {
  readonly apiKey: number;
  readonly minVersion: number;
  readonly maxVersion: number;
}

export interface ApiVersionsResponse {
  readonly correlationId: number;
  readonly errorCode: number;
  readonly apiKeys: readonly ApiVersionRange[];
}

/**
 * Parses an ApiVersions v0 response (without its size prefix). A broker that does not know the
 * requested version answers in v0 too, with UNSUPPORTED_VERSION and its list (KIP-511); newer
 * brokers append v3's tagged fields and throttle time to such an answer, which is why bytes
 * after the list are allowed here only with that error code.
 */
export function decodeApiVersionsResponseV0(payload: Buffer): ApiVersionsResponse {
  const r = new KafkaReader(payload, 'ApiVersions response');
  const correlationId = r.int32('correlation id');
  const errorCode = r.int16('error code');
  const apiKeys = r.array('api keys', 6, () => ({
    apiKey: r.int16('api key'),
    minVersion: r.int16('min version'),
    maxVersion: r.int16('max version'),
  }));
  if (errorCode === 0) r.end();
  return { correlationId, errorCode, apiKeys };
}

export interface MetadataBroker {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
  readonly rack: string | null;
}

export interface MetadataPartition {
  readonly errorCode: number;
  readonly partitionIndex: number;
  readonly leaderId: number;
  readonly replicaNodes: readonly number[];
  readonly isrNodes: readonly number[];
}

export interface MetadataTopic {
  readonly errorCode: number;
  readonly name: string;
  readonly isInternal: boolean;
  readonly partitions: readonly MetadataPartition[];
}

export interface MetadataResponse {
  readonly correlationId: number;
  readonly brokers: readonly MetadataBroker[];
  /** The active controller's node id, -1 when the broker does not say. */
  readonly controllerId: number;
  readonly topics: readonly MetadataTopic[];
}

/** Parses a Metadata v1 response (without its size prefix). */
export function decodeMetadataResponseV1(payload: Buffer): MetadataResponse {
  const r = new KafkaReader(payload, 'Metadata response');
  const correlationId = r.int32('correlation id');
  // Smallest broker: node id 4 + host length 2 + port 4 + rack length 2.
  const brokers = r.array('brokers', 12, (i) => ({
    nodeId: r.int32(`broker ${i + 1} node id`),
    host: r.string(`broker ${i + 1} host`),
    port: r.int32(`broker ${i + 1} port`),
    rack: r.nullableString(`broker ${i + 1} rack`),
  }));
  const controllerId = r.int32('controller id');
  // Smallest topic: error 2 + name length 2 + is_internal 1 + partitions count 4.
  const topics = r.array('topics', 9, (t) => ({
    errorCode: r.int16(`topic ${t + 1} error code`),
    name: r.string(`topic ${t + 1} name`),
    isInternal: r.boolean(`topic ${t + 1} is_internal`),
    // Smallest partition: 2 + 4 + 4 + two empty arrays of 4.
    partitions: r.array(`topic ${t + 1} partitions`, 18, (p) => ({
      errorCode: r.int16(`partition ${p} error code`),
      partitionIndex: r.int32(`partition ${p} index`),
      leaderId: r.int32(`partition ${p} leader`),
      replicaNodes: r.array(`partition ${p} replicas`, 4, () => r.int32('replica')),
      isrNodes: r.array(`partition ${p} isr`, 4, () => r.int32('isr node')),
    })),
  }));
  r.end();
  return { correlationId, brokers, controllerId, topics };
}

// ── Framing ───────────────────────────────────────────────────────────────────────────────

/** What a size prefix that cannot be Kafka's may be instead, for the error message. */
function lookslike(prefix: Buffer): string {
  const ascii = prefix.toString('latin1');
  if (/^HTTP|^<htm|^<!DO/i.test(ascii)) return ' (the server answered in HTTP: it is not a Kafka broker)';
  if (prefix[0] === 0x15 && prefix[1] === 0x03) return ' (a TLS alert: the server speaks TLS on this port)';
  if (prefix[0] === 0x16 && prefix[1] === 0x03) return ' (a TLS handshake: the server speaks TLS on this port)';
  if (/^SSH-/.test(ascii)) return ' (an SSH server)';
  return '';
}

/**
 * Collects the bytes of a stream into Kafka responses: `push` a chunk, get the complete
 * responses (each without its size prefix). A size prefix below 4 (no room for the correlation
 * id) or above `maxBytes` is an INVALID_INPUT error at once, before anything is buffered for it.
 */
export class ResponseFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;
  constructor(private readonly maxBytes: number = KAFKA_LIMITS.maxResponseBytes) {}

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: Buffer[] = [];
    for (;;) {
      if (this.buffered < 4) return out;
      const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
      this.chunks = [all];
      const size = all.readInt32BE(0);
      if (size < 4 || size > this.maxBytes) {
        throw invalid(
          `not a Kafka response: its size prefix says ${size} bytes (a Kafka response has 4 to ${this.maxBytes})${lookslike(all.subarray(0, 8))}`,
        );
      }
      if (this.buffered < 4 + size) return out;
      out.push(all.subarray(4, 4 + size));
      const rest = all.subarray(4 + size);
      this.chunks = rest.length === 0 ? [] : [rest];
      this.buffered = rest.length;
    }
  }

  /** Bytes received that are not yet a whole response. */
  get pending(): number {
    return this.buffered;
  }
}
