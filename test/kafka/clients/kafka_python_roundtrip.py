"""One record through the broker with kafka-python, configured from certkit's PEM files.

    python kafka_python_roundtrip.py BOOTSTRAP TOPIC CERT KEY CA VALUE

Prints one JSON line: {"consumed": VALUE} when the record came back, else {"error": "..."} with
the exception's type and message (exit 1). Every wait is bounded (max_block_ms, request and poll
timeouts), so the script ends on its own; the test kills it if it does not.

kafka-python retries a refused TLS handshake until max_block_ms runs out and then reports only
"Unable to bootstrap"; the handshake's own error (the broker's TLS alert) is only logged, so a
log handler reports the first one and ends the process there (os._exit: nothing is left to clean
up, and unwinding through the library's locks could hang).
"""
import json
import logging
import os
import sys

from kafka import KafkaConsumer, KafkaProducer

bootstrap, topic, cert, key, ca, value = sys.argv[1:7]
common = {
    "bootstrap_servers": bootstrap,
    "security_protocol": "SSL",
    "ssl_certfile": cert,
    "ssl_keyfile": key,
    "ssl_cafile": ca,
    "ssl_check_hostname": True,
    "reconnect_backoff_max_ms": 1000,
}


class FirstTlsError(logging.Handler):
    def emit(self, record):
        exc = record.exc_info[1] if record.exc_info else None
        text = record.getMessage() if exc is None else f"{record.getMessage()}: {type(exc).__name__}: {exc}"
        if "SSL" in text:
            print(json.dumps({"error": text}), flush=True)
            os._exit(1)


logging.getLogger("kafka").addHandler(FirstTlsError(logging.WARNING))


def fail(e):
    print(json.dumps({"error": f"{type(e).__name__}: {e}"}))
    sys.exit(1)


try:
    producer = KafkaProducer(**common, max_block_ms=15000, request_timeout_ms=15000, retries=0)
    producer.send(topic, value.encode()).get(timeout=20)
    producer.close(timeout=5)
    consumer = KafkaConsumer(topic, **common, group_id=topic, auto_offset_reset="earliest", consumer_timeout_ms=20000)
    for msg in consumer:
        print(json.dumps({"consumed": msg.value.decode()}))
        consumer.close()
        sys.exit(0)
    fail(TimeoutError("no record within 20 s"))
except Exception as e:  # noqa: BLE001 - the test reads the reason
    fail(e)
