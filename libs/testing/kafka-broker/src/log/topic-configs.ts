/**
 * The topic configs the broker knows, with Kafka's defaults and value checks. CreateTopics
 * refuses an unknown name or a bad value with INVALID_CONFIG, as Kafka does; DescribeConfigs
 * answers every known config, set or default. Only `max.message.bytes` changes behaviour here
 * (MESSAGE_TOO_LARGE); retention, cleanup and compression are reported, never applied.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

type Check = (value: string) => boolean;
const long = (min: number): Check => (value) => /^-?\d+$/.test(value) && Number(value) >= min;
const oneOf = (...values: string[]): Check => (value) => values.includes(value);
const policies: Check = (value) => value.split(',').every((part) => ['delete', 'compact'].includes(part.trim()));

const KNOWN: Record<string, { defaultValue: string; check: Check }> = {
  'cleanup.policy': { defaultValue: 'delete', check: policies },
  'compression.type': { defaultValue: 'producer', check: oneOf('producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd') },
  'delete.retention.ms': { defaultValue: '86400000', check: long(0) },
  'max.message.bytes': { defaultValue: String(DEFAULT_MAX_MESSAGE_BYTES), check: long(0) },
  'message.timestamp.type': { defaultValue: 'CreateTime', check: oneOf('CreateTime', 'LogAppendTime') },
  'min.insync.replicas': { defaultValue: '1', check: long(1) },
  'retention.bytes': { defaultValue: '-1', check: long(-1) },
  'retention.ms': { defaultValue: '604800000', check: long(-1) },
  'segment.bytes': { defaultValue: '1073741824', check: long(14) },
  'segment.ms': { defaultValue: '604800000', check: long(1) },
};

/** Why Kafka would refuse these configs, or undefined. */
export function invalidConfig(configs: Record<string, string | null>): string | undefined {
  for (const [name, value] of Object.entries(configs)) {
    const known = KNOWN[name];
    if (!known) return `Unknown topic config name: ${name}`;
    if (value === null || !known.check(value)) return `Invalid value ${value} for configuration ${name}`;
  }
  return undefined;
}

export interface DescribedConfig {
  name: string;
  value: string;
  /** Set on the topic (TOPIC_CONFIG) rather than Kafka's default (DEFAULT_CONFIG). */
  isTopicConfig: boolean;
}

export function describeConfigs(configs: Record<string, string | null>, names: string[] | null): DescribedConfig[] {
  return Object.keys(KNOWN)
    .filter((name) => names === null || names.includes(name))
    .map((name) => {
      const set = configs[name];
      return set == null ? { name, value: KNOWN[name].defaultValue, isTopicConfig: false } : { name, value: set, isTopicConfig: true };
    });
}

export function maxMessageBytes(configs: Record<string, string | null>): number {
  return Number(configs['max.message.bytes'] ?? DEFAULT_MAX_MESSAGE_BYTES);
}
