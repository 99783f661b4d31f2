#!/usr/bin/env bash
# CI: the Kafka suites against real Apache Kafka, once per version (tools/kafka/pom.xml): the
# subscription contract, the relay, the consumer group, the distributed rebuild and the
# distributed e2e suites, with KAFKA_BROKERS pointing at a fresh KRaft broker. Between suites the
# broker's topics and groups are deleted, as each suite would find its own test broker empty.
# Needs Java 17 and Maven (Maven Central); DATABASE_URL as for npm test.
# ORDERSOURCE_SOAK_MS, when set (600000 for the 10-minute soak), also runs the Kafka
# subscription soak for that long on 3.9, after the suites.
# Every suite must pass on both versions.
set -euo pipefail
cd "$(dirname "$0")/.."
work="${ORDERSOURCE_REAL_KAFKA_DIR:-/tmp/ordersource-real-kafka}"
suites=(
  "libs/messaging/jest.config.js libs/messaging/src/kafka/kafka-subscriptions.int-spec.ts"
  "libs/messaging/jest.config.js libs/messaging/src/kafka/relay.int-spec.ts"
  "libs/messaging/jest.config.js libs/messaging/src/kafka/consumer-group.int-spec.ts"
  "libs/messaging/jest.config.js libs/messaging/src/kafka/limits.int-spec.ts"
  "libs/messaging/jest.config.js libs/messaging/src/kafka/heartbeats.int-spec.ts"
  "libs/messaging/jest.config.js libs/messaging/src/kafka/dead-letter-topic.int-spec.ts"
  "libs/read-models/jest.config.js libs/read-models/src/rebuild/rebuild-distributed.int-spec.ts"
  "test/e2e/jest.config.js test/e2e/orders-lifecycle.e2e-spec.ts -t distributed"
  "test/e2e/jest.config.js test/e2e/read-access.e2e-spec.ts -t distributed"
  "test/e2e/jest.config.js test/e2e/erasure.e2e-spec.ts -t distributed"
)
stop() { bash tools/kafka/stop-real-kafka.sh "$work/$1" || true; }
for version in 3.9 4; do
  echo "--- real Apache Kafka, profile kafka-$version"
  started=$SECONDS
  trap 'stop '"$version" EXIT
  bash tools/kafka/start-real-kafka.sh "$version" "$work/$version"
  set -a; . "$work/$version/env"; set +a
  echo "broker version: $KAFKA_VERSION at $KAFKA_BROKERS"
  for suite in "${suites[@]}"; do
    # shellcheck disable=SC2086
    set -- $suite
    ORDERSOURCE_KAFKA_RESET=yes node -r @swc-node/register tools/kafka/reset-kafka.ts
    echo "--- Kafka $KAFKA_VERSION: $2"
    REBUILD_DISTRIBUTED_ORDERS="${REBUILD_DISTRIBUTED_ORDERS:-1000}" npx jest -c "$@" --runInBand --forceExit
  done
  if [ "$version" = 3.9 ] && [ -n "${ORDERSOURCE_SOAK_MS:-}" ]; then
    ORDERSOURCE_KAFKA_RESET=yes node -r @swc-node/register tools/kafka/reset-kafka.ts
    echo "--- Kafka $KAFKA_VERSION: soak for $ORDERSOURCE_SOAK_MS ms"
    npx jest -c libs/messaging/jest.config.js libs/messaging/src/kafka/subscription-soak.int-spec.ts --runInBand
  fi
  stop "$version"
  trap - EXIT
  # CI's time budget is tight: each version's share shows in the log.
  echo "--- real Apache Kafka $KAFKA_VERSION: all suites green in $((SECONDS - started)) s"
done
