#!/usr/bin/env bash
# Issue 8: the README's commands, literally, on the clean clone: install and start the embedded
# stack in the background, wait until it is ready, run the README's tour block and check its
# answers, stop it with SIGINT (as Ctrl-C would), check that every process exited, then start
# again and check that the data survived.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
stack_pid=
# Whatever fails, never leave the stack running (ports 3000-3002 would stay taken).
cleanup() {
  if [[ -n $stack_pid ]] && kill -0 "$stack_pid" 2>/dev/null; then
    kill -INT -- "-$stack_pid" 2>/dev/null || true
    sleep 5
    kill -KILL -- "-$stack_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

start_stack() {
  # Its own session, so SIGINT can go to the whole group as a terminal's Ctrl-C does.
  setsid bash -c "$1" >"$log" 2>&1 &
  stack_pid=$!
  for _ in $(seq 1 240); do
    if grep -q "Ctrl-C stops everything" "$log"; then return 0; fi
    if ! kill -0 "$stack_pid" 2>/dev/null; then cat "$log"; echo "start-smoke: the stack exited"; exit 1; fi
    sleep 0.5
  done
  cat "$log"; echo "start-smoke: not ready in 120 s"; exit 1
}

stop_stack() {
  kill -INT -- "-$stack_pid"
  for _ in $(seq 1 60); do
    if ! kill -0 "$stack_pid" 2>/dev/null; then break; fi
    sleep 0.5
  done
  if kill -0 "$stack_pid" 2>/dev/null; then echo "start-smoke: still running 30 s after SIGINT"; exit 1; fi
  local left="" pid
  # Only this checkout's processes: its services and database run with their cwd here.
  for pid in $(pgrep -f "apps/(command|query|projector)-service/src/main.ts|embedded-postgres.cli|postgres -D $PWD/.data" || true); do
    if [[ $(readlink "/proc/$pid/cwd" 2>/dev/null) == "$PWD" ]] || grep -qa -- "$PWD/.data" "/proc/$pid/cmdline" 2>/dev/null; then
      left+="$(ps -o pid=,args= -p "$pid")"$'\n'
    fi
  done
  if [[ -n $left ]]; then echo "start-smoke: processes left after SIGINT:"; echo "$left"; exit 1; fi
  grep -q "ordersource: stopped" "$log" || { cat "$log"; echo "start-smoke: no clean stop message"; exit 1; }
}

rm -rf .data
readme_start=$(sed -n 's/^\(npm ci && npm start\).*/\1/p' README.md | head -1)
[[ -n $readme_start ]] || { echo "start-smoke: README has no 'npm ci && npm start' line"; exit 1; }
start_stack "$readme_start"

tour=$(sed -n '/<!-- tour:start -->/,/<!-- tour:end -->/p' README.md | sed '1,2d;$d' | sed '$d')
out=$(bash -euo pipefail -c "$tour" 2>&1) || { echo "$out"; echo "start-smoke: the README tour failed"; exit 1; }
echo "$out"
grep -qx "status: SHIPPED" <<<"$out" || { echo "start-smoke: expected status SHIPPED"; exit 1; }
grep -qx "at version 2: PAYMENT_AUTHORIZED" <<<"$out" || { echo "start-smoke: expected time travel to PAYMENT_AUTHORIZED"; exit 1; }
grep -qx "integrity ok: true" <<<"$out" || { echo "start-smoke: integrity not ok"; exit 1; }
grep -q "OrderPlaced, PaymentAuthorized, PaymentCaptured, ShipmentDispatched" <<<"$out" || { echo "start-smoke: history incomplete"; exit 1; }
grep -qx "rebuild: verified, differences: 0" <<<"$out" || { echo "start-smoke: the verify-only rebuild did not report zero differences"; exit 1; }
stop_stack

start_stack "npm start"
OP=$(node -p "require('./.data/secrets.json').keys.operator")
count=$(curl -fsS "localhost:3001/orders?limit=200" -H "authorization: Bearer $OP" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s).items.length))")
[[ $count -ge 1 ]] || { echo "start-smoke: the second start lost the orders"; exit 1; }
stop_stack
echo "start-smoke: ok (tour answered, clean SIGINT stop, data kept across restarts)"
