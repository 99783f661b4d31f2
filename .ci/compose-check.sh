#!/usr/bin/env bash
# CI: checks the distributed deployment without a Docker engine (issue 8).
#   1. docker-compose.yml: `docker-compose config -q` (Debian's docker-compose, installed when
#      missing) with a throw-away env file generated from .env.example, plus the topology rules
#      the services and the test suites rely on; and that a missing secret is refused.
#   2. Dockerfile: dockerfilelint (.dockerfilelintrc when present).
#   3. The image's build and start steps, run outside Docker: the production build into a
#      temporary dist/, then the compiled command service with a bad configuration must refuse
#      cleanly (exit 78, the config message, no module-load error), on plain node (no
#      @swc-node/register, NODE_PATH unset).
# Idempotent; leaves nothing behind (an .env it had to create is removed again).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
step() { printf '\n=== compose-check: %s (+%ss)\n' "$1" "$(( $(date +%s) - started ))"; }
fail() { echo "compose-check: FAIL: $*" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/ordersource-compose-check.XXXXXX")
created_env=""
cleanup() {
  rm -rf "$work"
  if [ -n "$created_env" ]; then rm -f .env; fi
}
trap cleanup EXIT

step "docker-compose"
if ! command -v docker-compose >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
fi
docker-compose version --short

# A complete env file: .env.example with generated secrets.
env_file="$work/compose.env"
random_b64() { node -e 'process.stdout.write(require("node:crypto").randomBytes(32).toString("base64"))'; }
random_hex() { node -e 'process.stdout.write(require("node:crypto").randomBytes(16).toString("hex"))'; }
sed -e "s|^ORDERSOURCE_MASTER_KEY=.*|ORDERSOURCE_MASTER_KEY=$(random_b64)|" \
    -e "s|^ORDERSOURCE_CHAIN_KEY=.*|ORDERSOURCE_CHAIN_KEY=$(random_b64)|" \
    -e "s|^POSTGRES_PASSWORD=.*|POSTGRES_PASSWORD=$(random_hex)|" \
    -e "s|^API_KEYS=.*|API_KEYS=$(random_hex)=admin,$(random_hex)=operator|" \
    .env.example > "$env_file"
# The services' `env_file: .env` must exist for compose to load the file; a developer's own .env
# is left alone (it is only read for its existence: interpolation uses --env-file below).
if [ ! -e .env ]; then
  cp "$env_file" .env
  created_env=yes
fi

compose() { docker-compose --env-file "$env_file" -f docker-compose.yml "$@"; }
compose config -q
echo "docker-compose.yml: valid"

# Topology rules (on compose's normalized output; PyYAML comes with docker-compose).
compose config > "$work/normalized.yml"
python3 - "$work/normalized.yml" <<'PY'
import sys, yaml
config = yaml.safe_load(open(sys.argv[1]))
services = config["services"]
problems = []
def check(ok, message):
    if not ok:
        problems.append(message)

expected = {"postgres", "kafka", "kafka-init", "mongo", "command-service", "query-service", "projector-service"}
check(expected <= set(services), f"services missing: {sorted(expected - set(services))}")
ports = {"command-service": 3000, "query-service": 3001, "projector-service": 3002}
for name, port in ports.items():
    service = services.get(name, {})
    env = service.get("environment", {})
    check(env.get("ORDERSOURCE_PROFILE") == "distributed", f"{name}: ORDERSOURCE_PROFILE is not distributed")
    check(env.get("KAFKA_BROKERS") == "kafka:9092", f"{name}: KAFKA_BROKERS is not kafka:9092")
    check(str(env.get("DATABASE_URL", "")).startswith("postgres://ordersource:"), f"{name}: DATABASE_URL")
    check(str(env.get("MONGO_URL", "")).startswith("mongodb://mongo:27017/"), f"{name}: MONGO_URL")
    for secret in ("ORDERSOURCE_MASTER_KEY", "ORDERSOURCE_CHAIN_KEY"):
        check(bool(env.get(secret)), f"{name}: {secret} is empty")
    check(service.get("command") == ["node", f"dist/apps/{name}/src/main.js"], f"{name}: command")
    check(f"/health/ready" in " ".join(service.get("healthcheck", {}).get("test", [])) and str(port) in " ".join(service.get("healthcheck", {}).get("test", [])), f"{name}: health check on :{port}/health/ready")
    published = [(str(p.get("published")), p.get("target")) for p in service.get("ports", []) if isinstance(p, dict)] or [tuple(str(p).split(":")[-2:]) for p in service.get("ports", [])]
    check(any(str(t) == str(port) for _, t in published), f"{name}: port {port} not published")
    depends = service.get("depends_on", {})
    for dependency, condition in {"postgres": "service_healthy", "kafka": "service_healthy", "mongo": "service_healthy", "kafka-init": "service_completed_successfully"}.items():
        check(depends.get(dependency, {}).get("condition") == condition, f"{name}: depends_on {dependency} {condition}")
    check(service.get("build", {}).get("context"), f"{name}: not built from the Dockerfile")
kafka = services.get("kafka", {})
kenv = kafka.get("environment", {})
check(kafka.get("image") == "apache/kafka:3.9.0", "kafka: image is not apache/kafka:3.9.0")
check(str(kenv.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE")).lower() == "false", "kafka: auto-create topics is on")
check("HOST://localhost:29092" in str(kenv.get("KAFKA_ADVERTISED_LISTENERS")), "kafka: no host listener on localhost:29092")
check("broker,controller" == kenv.get("KAFKA_PROCESS_ROLES"), "kafka: not KRaft broker+controller")
for key in ("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "KAFKA_DEFAULT_REPLICATION_FACTOR"):
    check(str(kenv.get(key)) == "1", f"kafka: {key} is not 1")
init = " ".join(services.get("kafka-init", {}).get("command", []))
for needle in ("ordersource.orders.v1 ordersource.orders.v1.dlq", "--partitions 6", "retention.ms=-1", "cleanup.policy=delete", "--if-not-exists"):
    check(needle in init, f"kafka-init: command lacks {needle!r}")
check(":" in services.get("postgres", {}).get("image", "") and not services["postgres"]["image"].endswith(":latest"), "postgres: image not pinned")
check(":" in services.get("mongo", {}).get("image", "") and not services["mongo"]["image"].endswith(":latest"), "mongo: image not pinned")
check("pg_isready" in " ".join(services.get("postgres", {}).get("healthcheck", {}).get("test", [])), "postgres: health check is not pg_isready")
check("mongosh" in " ".join(services.get("mongo", {}).get("healthcheck", {}).get("test", [])), "mongo: health check is not mongosh")
# The optional tracing profile (issue 15): pinned collector and Jaeger, started only on demand,
# the collector's pipeline ending in Jaeger.
for name in ("otel-collector", "jaeger"):
    service = services.get(name, {})
    image = service.get("image", "")
    check(":" in image and not image.endswith(":latest"), f"{name}: image not pinned")
    check(service.get("profiles") == ["tracing"], f"{name}: not in the tracing profile only")
collector = yaml.safe_load(open("deploy/otel-collector.yaml"))
check("otlp" in collector["receivers"] and "4318" in str(collector["receivers"]["otlp"]), "otel-collector: no OTLP/HTTP receiver on 4318")
check(any("jaeger" in str(collector["exporters"][name]) for name in collector["service"]["pipelines"]["traces"]["exporters"]), "otel-collector: traces not exported to jaeger")
host_ports = {"postgres": "55432", "kafka": "29092", "mongo": "27017"}
for name, port in host_ports.items():
    check(port in yaml.safe_dump(services.get(name, {}).get("ports", [])), f"{name}: host port {port} not published")
if problems:
    print("docker-compose.yml: topology problems:\n  " + "\n  ".join(problems), file=sys.stderr)
    sys.exit(1)
print("docker-compose.yml: topology as the services and test:compose expect")
PY

# A missing secret must stop `docker-compose up` before anything starts.
grep -v '^ORDERSOURCE_MASTER_KEY=' "$env_file" > "$work/no-master-key.env"
if docker-compose --env-file "$work/no-master-key.env" -f docker-compose.yml config -q 2> "$work/no-key.err"; then
  fail "docker-compose config accepted an env without ORDERSOURCE_MASTER_KEY"
fi
grep -q 'ORDERSOURCE_MASTER_KEY' "$work/no-key.err" || fail "unclear error for a missing ORDERSOURCE_MASTER_KEY: $(cat "$work/no-key.err")"
echo "docker-compose.yml: refuses an env without ORDERSOURCE_MASTER_KEY"

step "Dockerfile lint"
npx --no-install dockerfilelint Dockerfile

step "production build (the image's build stage, outside Docker)"
node -r @swc-node/register tools/build/build.ts --out "$work/app/dist"
if grep -rlE '@swc-node|require\("@ordersource/' "$work/app/dist" --include='*.js'; then
  fail "the build output requires @swc-node or an unrewritten @ordersource/* alias"
fi
# The runtime image: /app/dist next to /app/node_modules.
ln -s "$PWD/node_modules" "$work/app/node_modules"

step "compiled command service refuses a bad configuration (the image's start step)"
set +e
(cd "$work/app" && env -i PATH="$PATH" HOME="$work" ORDERSOURCE_PROFILE=distributed \
  DATABASE_URL=postgres://ordersource@127.0.0.1:1/ordersource AUTH_DISABLED=true \
  node dist/apps/command-service/src/main.js) > "$work/start.log" 2>&1
code=$?
set -e
cat "$work/start.log"
[ "$code" = 78 ] || fail "expected exit code 78 (configuration error), got $code"
grep -q 'refuses to start: ORDERSOURCE_MASTER_KEY is required' "$work/start.log" || fail "no clear configuration message"
if grep -qE 'Cannot find module|MODULE_NOT_FOUND' "$work/start.log"; then fail "module load error"; fi
echo "command service: exit 78 with the configuration message"

step "done"
