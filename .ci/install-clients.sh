#!/usr/bin/env bash
# CI: the second clients the test doubles are checked with (Debian packages): kcat (librdkafka)
# for the Kafka test broker, python3-pymongo (for /usr/bin/python3) for the Mongo test server.
set -euo pipefail
if command -v kcat >/dev/null && /usr/bin/python3 -c 'import pymongo' 2>/dev/null; then
  echo "kcat and pymongo already installed"
else
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends kcat python3-pymongo >/dev/null
fi
kcat -V | sed -n 4p
/usr/bin/python3 -c 'import pymongo; print("pymongo", pymongo.version)'
