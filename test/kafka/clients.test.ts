/**
 * Kafka for real: a KRaft broker whose SSL listener requires client certificates, loading a JKS
 * keystore and truststore certkit made (test/support/kafka.ts), and every Kafka client users run,
 * each configured with certkit's files the way its documentation says:
 *
 *   Java (kafka-clients 4.1, its console producer and consumer)  --producer.config client.properties
 *                                    (kafka.client.keystore.jks), and the same with keystore.p12
 *   kcat (librdkafka 2.0.2, Debian) -X ssl.certificate.location=client_cert.pem -X ssl.key.location=private_key.pem
 *   confluent-kafka (librdkafka 2.16) the same settings, from Python
 *   kafka-python                     ssl_certfile=client_cert.pem, ssl_keyfile=private_key.pem
 *   KafkaJS                          ssl: { cert: client_cert.pem, key: private_key.pem }
 *
 * (librdkafka.properties, which another issue adds to `certkit client`, is not written yet: the
 * librdkafka clients get the PEM paths directly.) Each client, positive and negative:
 * - the identity the ACLs allow produces one record and consumes exactly it back;
 * - the same subject from a CA the broker does not trust is refused in the TLS handshake;
 * - the same subject, expired, is refused in the handshake;
 * - a valid certificate of another principal is denied by the ACLs (StandardAuthorizer,
 *   allow.everyone.if.no.acl.found=false), although an ACL names that principal the way keytool
 *   prints it: only the RFC 2253 form Kafka derives (and `certkit probe` prints) matches.
 * The ACLs are written with Kafka's own kafka-acls (AclCommand) for the principal `certkit probe`
 * printed, as a user would copy it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { builtCliExists, runBin } from '../support/cli.js';
import {
  ALLOWED_PRINCIPAL,
  CLIENT_STEP_MS,
  DENIED_NEAR_MISS_PRINCIPAL,
  clientPropertiesFor,
  haveKafka,
  runKafkaTool,
  runProcess,
  useCertkitKafka,
  type ClientIdentities,
} from '../support/kafka.js';
import { tempDir } from '../support/tmp.js';
import { judgePython, tool } from '../support/tools.js';
import { withDeadline } from '../support/wait.js';

const HERE = new URL('.', import.meta.url).pathname;
const CONFLUENT_SCRIPT = join(HERE, 'clients', 'confluent_roundtrip.py');
const KAFKA_PYTHON_SCRIPT = join(HERE, 'clients', 'kafka_python_roundtrip.py');

const ready = haveKafka() && tool('kcat') !== undefined && judgePython('kafka') !== undefined && judgePython('confluent_kafka') !== undefined && builtCliExists();

/** What one client run came to: the record it consumed, or the first error it reported. */
interface Outcome {
  readonly consumed?: string;
  readonly error?: string;
}

type Who = 'allowed' | 'otherCa' | 'expired' | 'denied';

interface Client {
  readonly name: string;
  /** Produces `value` to `topic`, then consumes one record of it (when the produce worked). */
  roundTrip(who: Who, topic: string, value: string): Promise<Outcome>;
  /** What the client reports for each refusal: exact substrings of its error. */
  readonly refusals: Readonly<Record<Exclude<Who, 'allowed'>, string>>;
}

describe.skipIf(!ready)('Kafka clients against a broker with certkit JKS stores', () => {
  const dir = tempDir('certkit-kafka-clients-');
  const { broker, ids: identities } = useCertkitKafka(dir, 'jks');
  let ids: ClientIdentities;
  beforeAll(() => {
    ids = identities();
  });

  let principal: string;
  let aclOutput: string;
  beforeAll(async () => {
    // The principal as `certkit probe` prints it, and the ACLs for it, written as users do.
    const probe = runBin(['probe', broker().bootstrap, '--out', ids.allowed, '--ca', ids.caPem, '--json'], { cwd: dir });
    expect([probe.status, probe.stderr]).toEqual([0, '']);
    principal = (JSON.parse(probe.stdout) as { principal: string }).principal;
    const acl = await runKafkaTool(broker().dir, 'org.apache.kafka.tools.AclCommand', [
      '--bootstrap-server',
      broker().bootstrap,
      '--command-config',
      clientPropertiesFor(ids.admin, broker().stores),
      '--add',
      '--allow-principal',
      principal,
      '--allow-principal',
      DENIED_NEAR_MISS_PRINCIPAL,
      '--producer',
      '--consumer',
      '--topic',
      'certkit-',
      '--group',
      'certkit-',
      '--resource-pattern-type',
      'prefixed',
    ]);
    expect([acl.status, acl.timedOut, acl.stderr]).toEqual([0, false, '']);
    aclOutput = acl.stdout;
  }, 2 * CLIENT_STEP_MS);

  const pem = (who: Who) => {
    const out = ids[who];
    return { cert: join(out, 'client_cert.pem'), key: join(out, 'private_key.pem') };
  };

  it('the broker runs on certkit’s JKS keystore and truststore; certkit probe prints the principal Kafka derives, and the ACLs name it', () => {
    expect(principal).toBe(ALLOWED_PRINCIPAL);
    expect(aclOutput).toContain(`(principal=${ALLOWED_PRINCIPAL}, host=*, operation=WRITE, permissionType=ALLOW)`);
    expect(aclOutput).toContain(`(principal=${ALLOWED_PRINCIPAL}, host=*, operation=READ, permissionType=ALLOW)`);
    expect(aclOutput).toContain(`(principal=${DENIED_NEAR_MISS_PRINCIPAL}, host=*, operation=WRITE, permissionType=ALLOW)`);
    expect(broker().log()).toContain(`ssl.keystore.location = ${broker().stores.keystore}`);
    expect(broker().log()).toContain('ssl.keystore.type = JKS');
  });

  /** Java: the console producer and consumer with certkit's client.properties (plus the truststore). */
  const java = (keystore: 'jks' | 'p12'): Client => ({
    name: `Java console producer/consumer with ${keystore === 'jks' ? 'kafka.client.keystore.jks' : 'keystore.p12'}`,
    async roundTrip(who, topic, value) {
      const props = clientPropertiesFor(ids[who], broker().stores, keystore);
      const common = ['--bootstrap-server', broker().bootstrap, '--topic', topic];
      const produced = await runKafkaTool(broker().dir, 'org.apache.kafka.tools.ConsoleProducer', [...common, '--producer.config', props], {
        input: `${value}\n`,
        cwd: ids[who],
      });
      // The console producer logs a failed send and still exits 0: its errors are its verdict.
      const errors = produced.stderr
        .split('\n')
        .filter((l) => /Exception: |fatal alert/.test(l))
        .join('\n');
      if (produced.status !== 0 || produced.timedOut || errors !== '') return { error: errors || `exit ${produced.status}: ${produced.stderr}` };
      const consumed = await runKafkaTool(
        broker().dir,
        'org.apache.kafka.tools.consumer.ConsoleConsumer',
        [...common, '--consumer.config', props, '--group', topic, '--from-beginning', '--max-messages', '1', '--timeout-ms', '30000'],
        { cwd: ids[who] },
      );
      if (consumed.status !== 0 || consumed.timedOut) return { error: `consumer exit ${consumed.status}: ${consumed.stderr}` };
      return { consumed: consumed.stdout.replace(/\n$/, '') };
    },
    refusals: {
      // JSSE sends no certificate whose issuer is not among the CAs the broker asks for: the
      // broker then refuses an empty chain.
      otherCa: 'javax.net.ssl.SSLHandshakeException: Received fatal alert: bad_certificate',
      expired: 'javax.net.ssl.SSLHandshakeException: Received fatal alert: certificate_unknown',
      denied: `org.apache.kafka.common.errors.TopicAuthorizationException: Not authorized to access topics: [certkit-java-${keystore}-denied]`,
    },
  });

  const kcatArgs = (who: Who) => [
    '-b',
    broker().bootstrap,
    '-X',
    'security.protocol=ssl',
    '-X',
    `ssl.certificate.location=${pem(who).cert}`,
    '-X',
    `ssl.key.location=${pem(who).key}`,
    '-X',
    `ssl.ca.location=${ids.caPem}`,
  ];
  const kcat: Client = {
    name: 'kcat (Debian librdkafka) with client_cert.pem and private_key.pem',
    async roundTrip(who, topic, value) {
      const p = await runProcess(tool('kcat')!, ['-P', ...kcatArgs(who), '-t', topic, '-X', 'message.timeout.ms=20000'], { input: `${value}\n` });
      if (p.status !== 0 || p.timedOut) return { error: p.stderr };
      const c = await runProcess(tool('kcat')!, ['-C', ...kcatArgs(who), '-t', topic, '-o', 'beginning', '-c', '1', '-e', '-q']);
      if (c.status !== 0 || c.timedOut) return { error: c.stderr };
      return { consumed: c.stdout.replace(/\n$/, '') };
    },
    refusals: {
      // librdkafka 2.0 sends its certificate whatever CAs the broker asks for.
      otherCa: 'SSL routines::sslv3 alert certificate unknown: SSL alert number 46',
      expired: 'SSL routines::sslv3 alert certificate unknown: SSL alert number 46',
      denied: 'Delivery failed for message: Broker: Topic authorization failed',
    },
  };

  const python = (script: string, module: 'kafka' | 'confluent_kafka') => async (who: Who, topic: string, value: string): Promise<Outcome> => {
    const r = await runProcess(judgePython(module)!, [script, broker().bootstrap, topic, pem(who).cert, pem(who).key, ids.caPem, value]);
    const last = r.stdout.trim().split('\n').pop() ?? '';
    if (r.timedOut || !last.startsWith('{')) return { error: `exit ${r.status}${r.timedOut ? ' (timed out)' : ''}: ${r.stdout} ${r.stderr}` };
    return JSON.parse(last) as Outcome;
  };
  const confluent: Client = {
    name: 'confluent-kafka (librdkafka 2.16) with client_cert.pem and private_key.pem',
    roundTrip: python(CONFLUENT_SCRIPT, 'confluent_kafka'),
    refusals: {
      // librdkafka 2.16, like JSSE, withholds a certificate the broker's CA list does not cover.
      otherCa: 'SSL routines::ssl/tls alert bad certificate: SSL alert number 42',
      expired: 'SSL routines::ssl/tls alert certificate unknown: SSL alert number 46',
      denied: 'KafkaError{code=TOPIC_AUTHORIZATION_FAILED,val=29,str="Broker: Topic authorization failed"}',
    },
  };
  const kafkaPython: Client = {
    name: 'kafka-python with client_cert.pem and private_key.pem',
    roundTrip: python(KAFKA_PYTHON_SCRIPT, 'kafka'),
    refusals: {
      otherCa: 'SSLError: [SSL: SSLV3_ALERT_CERTIFICATE_UNKNOWN] sslv3 alert certificate unknown',
      expired: 'SSLError: [SSL: SSLV3_ALERT_CERTIFICATE_UNKNOWN] sslv3 alert certificate unknown',
      denied: 'TopicAuthorizationFailedError: [Error 29] TopicAuthorizationFailedError: certkit-kafka-python-denied',
    },
  };

  const kafkajs: Client = {
    name: 'KafkaJS with client_cert.pem and private_key.pem',
    async roundTrip(who, topic, value) {
      const { Kafka, logLevel } = createRequire(import.meta.url)('kafkajs') as typeof import('kafkajs');
      const kafka = new Kafka({
        clientId: 'certkit-test',
        brokers: [broker().bootstrap],
        ssl: { ca: readFileSync(ids.caPem), cert: readFileSync(pem(who).cert), key: readFileSync(pem(who).key) },
        connectionTimeout: 10_000,
        requestTimeout: 15_000,
        retry: { retries: 5, initialRetryTime: 200 },
        logLevel: logLevel.NOTHING,
      });
      const producer = kafka.producer({ allowAutoTopicCreation: true });
      const consumer = kafka.consumer({ groupId: topic });
      const run = async (): Promise<Outcome> => {
        await producer.connect();
        await producer.send({ topic, messages: [{ value }] });
        await consumer.connect();
        await consumer.subscribe({ topic, fromBeginning: true });
        const got = new Promise<string>((resolve) => {
          void consumer.run({ eachMessage: async ({ message }) => resolve(message.value?.toString('utf8') ?? '') });
        });
        return { consumed: await got };
      };
      try {
        return await withDeadline(run(), `KafkaJS to produce and consume on ${topic}`, CLIENT_STEP_MS);
      } catch (e) {
        return { error: (e as Error).message };
      } finally {
        await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
      }
    },
    refusals: {
      otherCa: 'SSL routines:ssl3_read_bytes:sslv3 alert certificate unknown',
      expired: 'SSL routines:ssl3_read_bytes:sslv3 alert certificate unknown',
      denied: 'Not authorized to access topics: [Topic authorization failed]',
    },
  };

  const CLIENTS: readonly (readonly [string, () => Client])[] = [
    ['java-jks', () => java('jks')],
    ['java-p12', () => java('p12')],
    ['kcat', () => kcat],
    ['confluent', () => confluent],
    ['kafka-python', () => kafkaPython],
    ['kafkajs', () => kafkajs],
  ];

  describe.each(CLIENTS)('%s', (slug, client) => {
    it('produces a record with the allowed identity and consumes exactly it back', async () => {
      const value = `record from ${slug} ${Date.now()}`;
      const r = await client().roundTrip('allowed', `certkit-${slug}-ok`, value);
      expect([client().name, r]).toEqual([client().name, { consumed: value }]);
    }, 2 * CLIENT_STEP_MS);

    it.each(['otherCa', 'expired', 'denied'] as const)('is refused with the %s identity, as the client reports it', async (who) => {
      const r = await client().roundTrip(who, `certkit-${slug}-denied`, `must not arrive (${who})`);
      expect(r.consumed).toBeUndefined();
      expect(r.error).toContain(client().refusals[who]);
    }, 2 * CLIENT_STEP_MS);
  });
});
