#!/usr/bin/env bash
# Installs the judges the test suite and the benchmark run certkit against, so that `npm test`
# (and `npm run bench`) work on a fresh machine with nothing prepared by hand:
#
#   - from Debian's packages, when missing: a JDK (keytool, java, javac), openssl, jq (the
#     benchmark's seed workflow), python3 with venv;
#   - from PyPI, into .venv/ in the project (git ignores it): moto_server, the aws CLI and the
#     Kafka clients kafka-python and confluent-kafka, every package pinned in
#     test/requirements-judges.txt. A stamp holding that file's SHA-256 makes a second run a
#     no-op; a changed file rebuilds the virtualenv;
#   - from Debian's packages, when missing: kcat (librdkafka's command-line client) and Maven;
#   - from Maven Central, into .judges/kafka/lib/ (git ignores it): the Kafka broker, its Java
#     client and tools (console producer and consumer, kafka-acls), at the versions pinned in
#     scripts/kafka/pom.xml, through Maven's own cache (~/.m2). A stamp holding the pom's SHA-256
#     makes a second run a no-op. The Kafka suites (test/kafka/) start the broker from there.
#
# vitest.config.ts and bench/run.mjs put .venv/bin first on the PATH, so nothing installed here
# shadows or is shadowed by the rest of the machine. `npm install` never runs this: the CLI needs
# no Python, no JDK and no AWS.
#
# With CI=true a judge that cannot be installed fails this script (and so the run); elsewhere it
# is a warning, and the suites that need it skip (test/support/tools.ts).
set -euo pipefail
cd "$(dirname "$0")/.."

ci=false
case "${CI:-}" in true | 1) ci=true ;; esac
fail() {
  echo "judges: $1" >&2
  if $ci; then exit 1; fi
}

# --- Debian's packages ---------------------------------------------------------------------
need_apt=()
{ command -v keytool && command -v javac && command -v java; } >/dev/null 2>&1 || need_apt+=(openjdk-17-jdk-headless)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
command -v jq >/dev/null 2>&1 || need_apt+=(jq)
command -v python3 >/dev/null 2>&1 && python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need_apt+=(python3 python3-venv)
command -v kcat >/dev/null 2>&1 || need_apt+=(kcat)
command -v mvn >/dev/null 2>&1 || need_apt+=(maven)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=(); elif sudo -n true 2>/dev/null; then sudo=(sudo -n); else sudo=none; fi
  if [ "${sudo[*]:-}" = none ]; then
    fail "missing ${need_apt[*]} (Debian packages); install them as root, e.g. apt-get install ${need_apt[*]}"
  else
    echo "judges: installing ${need_apt[*]} from Debian's packages" >&2
    if ! { "${sudo[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null; }; then
      fail "apt-get could not install ${need_apt[*]}"
    fi
  fi
fi

# --- Maven Central, into .judges/kafka/lib/ ---------------------------------------------------
install_kafka() {
  local pom=scripts/kafka/pom.xml dir=.judges/kafka
  local want stamp="$dir/.certkit-judges.sha256"
  want=$(sha256sum "$pom" | cut -d' ' -f1)
  if [ -d "$dir/lib" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then return 0; fi
  if ! command -v mvn >/dev/null 2>&1; then
    fail "mvn is missing: the Kafka broker and Java client cannot be fetched"
    return 0
  fi
  echo "judges: fetching the Kafka broker and Java client with Maven into $dir/lib/ ($pom)" >&2
  rm -rf "$dir"
  mkdir -p "$dir"
  local log
  log=$(mktemp)
  if mvn -q -B -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$PWD/$dir/lib" >"$log" 2>&1 &&
    ls "$dir"/lib/kafka_2.13-*.jar >/dev/null 2>&1; then
    echo "$want" >"$stamp"
  else
    tail -5 "$log" >&2
    rm -rf "$dir"
    fail "mvn could not fetch $pom into $dir/lib/"
  fi
  rm -f "$log"
}
install_kafka

# --- PyPI, into .venv/ -----------------------------------------------------------------------
requirements=test/requirements-judges.txt
venv=.venv
stamp="$venv/.certkit-judges.sha256"
want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ -x "$venv/bin/moto_server" ] && [ -x "$venv/bin/aws" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
  fail "python3 is missing: moto_server, the aws CLI and the Python Kafka clients cannot be installed"
  exit 0
fi
echo "judges: installing moto_server, the aws CLI and the Python Kafka clients into $venv/ ($requirements)" >&2
rm -rf "$venv"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
python3 -m venv "$venv" >"$log" 2>&1 &&
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements" >>"$log" 2>&1 || true
if [ -x "$venv/bin/moto_server" ] && [ -x "$venv/bin/aws" ] && "$venv/bin/python" -c 'import kafka, confluent_kafka' >/dev/null 2>&1; then
  echo "$want" >"$stamp"
else
  tail -5 "$log" >&2
  fail "pip could not install $requirements into $venv/"
fi
