import { connect, type Socket } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { startKafkaTestBroker, type KafkaTestBroker } from '../index';
import { eventually } from '@ordersource/testing/eventually';

// kafkajs keeps Fetch on a connection of its own, so its suites never pipeline behind a parked
// fetch; this test builds the frames with kafkajs's own request encoders and sends them raw.
interface ProtocolRequest {
  apiKey: number;
  apiVersion: number;
  encode(): Promise<unknown>;
}
type FrameEncoder = (args: { correlationId: number; clientId: string; request: ProtocolRequest }) => Promise<{ buffer: Buffer }>;
const encodeFrame: FrameEncoder = require('kafkajs/src/protocol/request');
const fetchRequest: (args: object) => ProtocolRequest = require('kafkajs/src/protocol/requests/fetch/v11/request');
const apiVersionsRequest: () => ProtocolRequest = require('kafkajs/src/protocol/requests/apiVersions/v2/request');
const fetchResponse: { decode(payload: Buffer): Promise<{ responses: Array<{ partitions: Array<{ messages: unknown[] }> }> }> } =
  require('kafkajs/src/protocol/requests/fetch/v11/response');

const TOPIC = 'orders-pipelined';

describe('a connection with pipelined requests', () => {
  let broker: KafkaTestBroker;
  let kafka: Kafka;
  let socket: Socket;

  beforeAll(async () => {
    broker = await startKafkaTestBroker();
    kafka = new Kafka({ clientId: 'pipelining', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }] });
    await admin.disconnect();
  });

  afterAll(async () => {
    socket?.destroy();
    await broker.stop();
  });

  it('answers a request queued behind a parked fetch only after the fetch, in request order', async () => {
    const responses: Array<{ correlationId: number; payload: Buffer }> = [];
    let received = Buffer.alloc(0);
    socket = connect(broker.port, '127.0.0.1');
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      while (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) {
        const size = received.readInt32BE(0);
        responses.push({ correlationId: received.readInt32BE(4), payload: received.subarray(8, 4 + size) });
        received = received.subarray(4 + size);
      }
    });
    const parkedFetch = fetchRequest({
      replicaId: -1,
      maxWaitTime: 10_000,
      minBytes: 1,
      maxBytes: 1 << 20,
      topics: [{ topic: TOPIC, partitions: [{ partition: 0, fetchOffset: '0', maxBytes: 1 << 20 }] }],
    });
    const frames = await Promise.all([
      encodeFrame({ correlationId: 1, clientId: 'raw', request: parkedFetch }),
      encodeFrame({ correlationId: 2, clientId: 'raw', request: apiVersionsRequest() }),
    ]);
    socket.write(Buffer.concat(frames.map((frame) => frame.buffer)));

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: TOPIC, messages: [{ value: 'wakes the fetch' }] });
    await producer.disconnect();
    await eventually('both requests are answered', () => responses.length === 2);

    expect(responses.map((r) => r.correlationId)).toEqual([1, 2]);
    const fetched = await fetchResponse.decode(responses[0].payload);
    expect(fetched.responses[0].partitions[0].messages).toHaveLength(1);
  });
});
