import type { GroupCoordinator } from '../groups/group-coordinator';
import type { TopicStore } from '../log/topic-store';
import type { WireDecoder } from '../protocol/kafkajs-codec';
import type { ConnectionContext, HandlerResult, RequestHeader } from '../server/connection';

/** What every API handler may use: the single broker's identity and its state. */
export interface BrokerContext {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
  readonly clusterId: string;
  readonly topics: TopicStore;
  readonly groups: GroupCoordinator;
  readonly faults: { produceResponsesToDrop: number };
  log(message: string): void;
}

export type ApiHandler = (
  body: WireDecoder,
  broker: BrokerContext,
  header: RequestHeader,
  connection: ConnectionContext,
) => HandlerResult | Promise<HandlerResult>;

/** Every response of the versions served here starts with throttle_time_ms; never throttled. */
export const NO_THROTTLE = 0;
