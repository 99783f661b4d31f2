/**
 * A second, independent Kafka client against the test broker: Debian's kcat on librdkafka 2.0.
 * It negotiates its own API versions (Metadata v4, ListOffsets v2, LeaveGroup v1 below kafkajs's)
 * and writes its own record batches, so a green run shows the broker is not fitted to kafkajs.
 * Runs only with ORDERSOURCE_CLIENT_SUITES set (CI installs kcat with .ci/install-clients.sh);
 * then a missing kcat fails the suite instead of skipping it.
 */
import { execFile, spawn } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';
import { startKafkaTestBroker, type KafkaTestBroker } from '../index';
import { eventually } from '@ordersource/testing/eventually';

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

/** Runs kcat to completion; asynchronously, since the broker lives in this process. */
function kcat(args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('kcat', args, { encoding: 'utf8', timeout: 30_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`kcat ${args.join(' ')} failed: ${error.message} ${stderr}`)) : resolve(stdout),
    );
    // A kcat that needs no input (-V, -L, -C) may exit before this write lands: the pipe then
    // reports EPIPE. Its exit status, above, is the verdict, so that error is not one.
    child.stdin?.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error);
    });
    child.stdin?.end(input ?? '');
  });
}

describe('kcat (librdkafka 2.0) against the Kafka test broker', () => {
  let broker: KafkaTestBroker;
  let kafka: Kafka;
  let bootstrap: string;

  beforeAll(async () => {
    let version: string;
    try {
      version = await kcat(['-V']);
    } catch (error) {
      throw new Error(`kcat is not installed but ORDERSOURCE_CLIENT_SUITES is set: run .ci/install-clients.sh (${String(error)})`);
    }
    expect(version).toMatch(/librdkafka/);
    broker = await startKafkaTestBroker();
    bootstrap = broker.brokers[0];
    kafka = new Kafka({ clientId: 'kcat-suite', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: ['kcat-codecs', 'kcat-to-kafkajs', 'kcat-from-kafkajs', 'kcat-group'].map((topic) => ({ topic, numPartitions: 3 })) });
    await admin.disconnect();
  });

  afterAll(() => broker?.stop());

  it('lists the broker and its topics (Metadata negotiated below kafkajs)', async () => {
    const listing = await kcat(['-b', bootstrap, '-L']);
    expect(listing).toContain(`broker 0 at ${bootstrap}`);
    expect(listing).toMatch(/topic "kcat-codecs" with 3 partitions/);
  });

  it('produces keyed messages with headers through the idempotent producer in every codec, consumed back in per-key order', async () => {
    for (const codec of CODECS) {
      const lines = Array.from({ length: 20 }, (_, i) => `order-${i % 5}:${codec}-${i}`).join('\n');
      await kcat(['-b', bootstrap, '-P', '-t', 'kcat-codecs', '-K:', '-z', codec, '-H', `codec=${codec}`, '-X', 'enable.idempotence=true'], `${lines}\n`);
    }
    const consumed = (await kcat(['-b', bootstrap, '-C', '-t', 'kcat-codecs', '-e', '-q', '-f', '%p %o %k %s %h\\n']))
      .trim()
      .split('\n')
      .map((line) => {
        const [partition, offset, key, value, headers] = line.split(' ');
        return { partition: Number(partition), offset: Number(offset), key, value, headers };
      });
    expect(consumed).toHaveLength(CODECS.length * 20);
    for (const codec of CODECS) {
      const ofCodec = consumed.filter((m) => m.value.startsWith(`${codec}-`));
      expect(ofCodec).toHaveLength(20);
      expect(ofCodec.every((m) => m.headers === `codec=${codec}` && m.key === `order-${Number(m.value.split('-')[1]) % 5}`)).toBe(true);
    }
    // One key, one partition; within it, the order produced.
    for (let key = 0; key < 5; key++) {
      const ofKey = consumed.filter((m) => m.key === `order-${key}`).sort((a, b) => a.offset - b.offset);
      expect(new Set(ofKey.map((m) => m.partition)).size).toBe(1);
      expect(ofKey.map((m) => m.value)).toEqual(CODECS.flatMap((codec) => [0, 1, 2, 3].map((n) => `${codec}-${key + 5 * n}`)));
    }
    expect(broker.topicOffsets('kcat-codecs').reduce((sum, p) => sum + p.highWatermark, 0)).toBe(CODECS.length * 20);
  });

  it('writes batches kafkajs reads back (the codecs kafkajs ships: none and gzip)', async () => {
    for (const codec of ['none', 'gzip']) {
      await kcat(['-b', bootstrap, '-P', '-t', 'kcat-to-kafkajs', '-K:', '-z', codec, '-H', `codec=${codec}`, '-X', 'enable.idempotence=true'], `${Array.from({ length: 10 }, (_, i) => `order-${i}:${codec}-${i}`).join('\n')}\n`);
    }
    const consumer = kafka.consumer({ groupId: 'kafkajs-reads-kcat' });
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: 'kcat-to-kafkajs', fromBeginning: true });
    try {
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(`${message.key?.toString()} ${message.value?.toString()} ${message.headers?.codec?.toString()}`) });
      await eventually('kafkajs read the uncompressed and gzip batches', () => seen.length === 20);
    } finally {
      await consumer.disconnect();
    }
    expect(seen.sort()).toEqual(['none', 'gzip'].flatMap((codec) => Array.from({ length: 10 }, (_, i) => `order-${i} ${codec}-${i} ${codec}`)).sort());
  });

  it('consumes what kafkajs produced, keys and headers intact', async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic: 'kcat-from-kafkajs', acks: -1, messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i % 3}`, value: `v${i}`, headers: { n: String(i) } })) });
    await producer.disconnect();
    const lines = (await kcat(['-b', bootstrap, '-C', '-t', 'kcat-from-kafkajs', '-e', '-q', '-f', '%k %s %h\\n'])).trim().split('\n');
    expect(lines.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `k${i % 3} v${i} n=${i}`).sort());
  });

  it('consumes as a group member (JoinGroup, SyncGroup, OffsetCommit, LeaveGroup v1) and its commits survive it', async () => {
    await kcat(['-b', bootstrap, '-P', '-t', 'kcat-group', '-K:'], `${Array.from({ length: 12 }, (_, i) => `k${i}:g${i}`).join('\n')}\n`);
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn('kcat', ['-b', bootstrap, '-G', 'kcat-group-1', 'kcat-group', '-q', '-f', '%s\\n', '-c', '12', '-X', 'auto.offset.reset=earliest'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`kcat -G exited ${code}: ${err}`))));
    });
    expect(output.trim().split('\n').sort()).toEqual(Array.from({ length: 12 }, (_, i) => `g${i}`).sort());
    const group = broker.describeGroup('kcat-group-1');
    expect(group.memberIds).toEqual([]);
    expect(group.committedOffsets.reduce((sum, c) => sum + c.offset, 0)).toBe(12);
  });
});
