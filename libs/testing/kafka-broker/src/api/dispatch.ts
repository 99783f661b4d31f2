import { API_VERSION_RANGES, ApiKey, type ApiKeyName } from '../protocol/api-keys';
import type { RequestHandler } from '../server/connection';
import type { ApiHandler, BrokerContext } from './broker-context';
import { apiVersions, createTopics, describeConfigs, findCoordinator, metadata } from './cluster-apis';
import { fetch, listOffsets } from './fetch-apis';
import { describeGroups, heartbeat, joinGroup, leaveGroup, syncGroup } from './group-apis';
import { offsetCommit, offsetFetch } from './offset-apis';
import { initProducerId, produce } from './produce-apis';

const handlers: Record<ApiKeyName, ApiHandler> = {
  Produce: produce,
  Fetch: fetch,
  ListOffsets: listOffsets,
  Metadata: metadata,
  OffsetCommit: offsetCommit,
  OffsetFetch: offsetFetch,
  FindCoordinator: findCoordinator,
  JoinGroup: joinGroup,
  Heartbeat: heartbeat,
  LeaveGroup: leaveGroup,
  SyncGroup: syncGroup,
  DescribeGroups: describeGroups,
  ApiVersions: apiVersions,
  CreateTopics: createTopics,
  InitProducerId: initProducerId,
  DescribeConfigs: describeConfigs,
};

const namesByKey = new Map<number, ApiKeyName>((Object.keys(ApiKey) as ApiKeyName[]).map((name) => [ApiKey[name], name]));

/**
 * Routes a request to its API. A request the broker never advertised fails the connection, as
 * Kafka does with a request it cannot parse; ApiVersions answers every version itself.
 */
export function routeRequests(broker: BrokerContext): RequestHandler {
  return async (header, body, connection) => {
    const name = namesByKey.get(header.apiKey);
    if (name === undefined) throw new Error(`API key ${header.apiKey} is not supported`);
    const { min, max } = API_VERSION_RANGES[name];
    if (name !== 'ApiVersions' && (header.apiVersion < min || header.apiVersion > max)) {
      throw new Error(`${name} v${header.apiVersion} is not supported, only v${min}-v${max}`);
    }
    return handlers[name](body, broker, header, connection);
  };
}
