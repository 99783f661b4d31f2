#!/usr/bin/env bash
# Starts a real Apache Kafka broker (KRaft, one node acting as broker and controller) on a free
# loopback port, from the jars Maven resolves for tools/kafka/pom.xml. Needs Java 17 and Maven.
#
#   tools/kafka/start-real-kafka.sh 3.9|4 DIR
#
# DIR receives the jars (DIR/libs), the log dir, server.log, kafka.pid and env (KAFKA_BROKERS=...,
# KAFKA_VERSION=...). Prints the broker's own version and KAFKA_BROKERS. Stop it with
# tools/kafka/stop-real-kafka.sh DIR. KAFKA_INITIAL_REBALANCE_DELAY_MS (default 0; Kafka's own
# default is 3000) sets group.initial.rebalance.delay.ms.
set -euo pipefail
profile="${1:?usage: start-real-kafka.sh 3.9|4 DIR}"
dir="$(mkdir -p "${2:?usage: start-real-kafka.sh 3.9|4 DIR}" && cd "$2" && pwd)"
here="$(cd "$(dirname "$0")" && pwd)"

if [ ! -f "$dir/libs/.complete" ]; then
  rm -rf "$dir/libs"
  mvn -q -B -f "$here/pom.xml" -P "kafka-$profile" dependency:copy-dependencies -DoutputDirectory="$dir/libs" -DincludeScope=runtime
  touch "$dir/libs/.complete"
fi
cp="$dir/libs/*"

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
port="$(free_port)"
controller_port="$(free_port)"
while [ "$controller_port" = "$port" ]; do controller_port="$(free_port)"; done

rm -rf "$dir/data"
mkdir -p "$dir/data"
cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=${KAFKA_INITIAL_REBALANCE_DELAY_MS:-0}
PROPS
# Both logging back ends, so either version logs to DIR/server.log.
cat > "$dir/log4j.properties" <<PROPS
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$dir/server.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
PROPS
cat > "$dir/log4j2.properties" <<PROPS
rootLogger.level=INFO
rootLogger.appenderRef.file.ref=file
appender.file.type=File
appender.file.name=file
appender.file.fileName=$dir/server.log
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
PROPS
java_opts=(-Xms256m -Xmx768m -XX:+UseG1GC "-Dlog4j.configuration=file:$dir/log4j.properties" "-Dlog4j2.configurationFile=$dir/log4j2.properties")

version="$(java "${java_opts[@]}" -cp "$cp" kafka.Kafka --version 2>/dev/null | head -1)"
cluster_id="$(java "${java_opts[@]}" -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
java "${java_opts[@]}" -cp "$cp" kafka.tools.StorageTool format -t "$cluster_id" -c "$dir/server.properties" >"$dir/format.log" 2>&1 \
  || { cat "$dir/format.log"; exit 1; }
nohup java "${java_opts[@]}" -cp "$cp" kafka.Kafka "$dir/server.properties" >"$dir/stdout.log" 2>&1 &
echo $! >"$dir/kafka.pid"

deadline=$(( $(date +%s) + 90 ))
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && grep -q "Kafka Server started\|\[KafkaRaftServer nodeId=1\] Kafka Server started" "$dir/server.log" 2>/dev/null; do
  if ! kill -0 "$(cat "$dir/kafka.pid")" 2>/dev/null; then
    echo "Kafka exited during start-up:"; tail -40 "$dir/stdout.log" "$dir/server.log" 2>/dev/null; exit 1
  fi
  if [ "$(date +%s)" -gt "$deadline" ]; then echo "Kafka did not start in 90 s"; tail -40 "$dir/server.log"; exit 1; fi
  sleep 0.5
done
printf 'KAFKA_BROKERS=127.0.0.1:%s\nKAFKA_VERSION=%s\n' "$port" "$version" >"$dir/env"
echo "Apache Kafka $version (KRaft, single node) started: KAFKA_BROKERS=127.0.0.1:$port"
