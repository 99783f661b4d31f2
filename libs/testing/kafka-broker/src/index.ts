export {
  startKafkaTestBroker,
  type GroupDescription,
  type KafkaTestBroker,
  type KafkaTestBrokerLogger,
  type KafkaTestBrokerOptions,
  type PartitionOffsets,
} from './kafka-test-broker';
export { startKafkaForTests, type GroupSnapshot, type KafkaForTests } from './kafka-for-tests';
