#!/usr/bin/env bash
# Stops the broker tools/kafka/start-real-kafka.sh started in DIR (by its pid), and waits for it.
set -euo pipefail
dir="${1:?usage: stop-real-kafka.sh DIR}"
[ -f "$dir/kafka.pid" ] || exit 0
pid="$(cat "$dir/kafka.pid")"
if kill "$pid" 2>/dev/null; then
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
fi
rm -f "$dir/kafka.pid"
