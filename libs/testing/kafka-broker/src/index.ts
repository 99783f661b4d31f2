export {
  startKafkaTestBroker,
  type GroupDescription,
  type KafkaTestBroker,
  type KafkaTestBrokerLogger,
  type KafkaTestBrokerOptions,
  type PartitionOffsets,
} from './kafka-test-broker';
