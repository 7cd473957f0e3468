"""One record through the broker with confluent-kafka (librdkafka), configured from certkit's PEM files.

    python confluent_roundtrip.py BOOTSTRAP TOPIC CERT KEY CA VALUE

Prints one JSON line: {"consumed": VALUE} when the record came back, else {"error": "..."} naming
the first error librdkafka reported (exit 1). Every wait is bounded (message.timeout.ms, a poll
deadline), so the script ends on its own; the test kills it if it does not.
"""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer

bootstrap, topic, cert, key, ca, value = sys.argv[1:7]
errors = []


def on_error(err):
    errors.append(str(err))


common = {
    "bootstrap.servers": bootstrap,
    "security.protocol": "ssl",
    "ssl.certificate.location": cert,
    "ssl.key.location": key,
    "ssl.ca.location": ca,
    "error_cb": on_error,
}


def fail(reason):
    print(json.dumps({"error": errors[0] if errors else reason}))
    sys.exit(1)


delivered = []
producer = Producer({**common, "message.timeout.ms": 15000})
producer.produce(topic, value.encode(), callback=lambda err, msg: delivered.append(err))
# Until the delivery report or the first error (a refused handshake is reported through error_cb
# at once, while the record itself would only time out after message.timeout.ms).
deadline = time.monotonic() + 20
while not delivered and not errors and time.monotonic() < deadline:
    producer.poll(0.1)
if errors:
    fail(errors[0])
if not delivered:
    fail("the record was not delivered within 20 s")
if delivered[0] is not None:
    errors.insert(0, str(delivered[0]))
    fail(str(delivered[0]))

consumer = Consumer({**common, "group.id": topic, "auto.offset.reset": "earliest"})
consumer.subscribe([topic])
deadline = time.monotonic() + 20
try:
    while time.monotonic() < deadline:
        msg = consumer.poll(0.2)
        if errors:
            fail(errors[0])
        if msg is None:
            continue
        if msg.error():
            errors.insert(0, str(msg.error()))
            fail(str(msg.error()))
        print(json.dumps({"consumed": msg.value().decode()}))
        sys.exit(0)
    fail("no record within 20 s")
finally:
    consumer.close()
