import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { API_VERSION_RANGES, ApiKey, type ApiKeyName } from './protocol/api-keys';

const requestsDir = join(dirname(require.resolve('kafkajs/package.json')), 'src/protocol/requests');

function highestKafkajsVersion(name: ApiKeyName): number {
  const folder = name.charAt(0).toLowerCase() + name.slice(1);
  const versions = readdirSync(join(requestsDir, folder)).filter((entry) => /^v\d+$/.test(entry));
  return Math.max(...versions.map((entry) => Number(entry.slice(1))));
}

describe('advertised API versions', () => {
  it.each(Object.keys(ApiKey) as ApiKeyName[])('serves %s up to the highest version kafkajs implements', (name) => {
    expect(API_VERSION_RANGES[name].max).toBe(highestKafkajsVersion(name));
    expect(API_VERSION_RANGES[name].min).toBeLessThanOrEqual(API_VERSION_RANGES[name].max);
  });

  // librdkafka 2.0.2 (Debian's kcat) tops out below kafkajs for these; a range without them
  // makes its first Metadata request fail with "Required feature not supported by broker".
  it.each([
    ['Metadata', 4],
    ['ListOffsets', 2],
    ['LeaveGroup', 1],
  ] as Array<[ApiKeyName, number]>)('serves %s v%i, the highest librdkafka 2.0 speaks', (name, version) => {
    expect(API_VERSION_RANGES[name].min).toBeLessThanOrEqual(version);
  });
});
