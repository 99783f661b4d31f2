import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ApiKey, SUPPORTED_API_VERSIONS, type ApiKeyName } from './protocol/api-keys';

const requestsDir = join(dirname(require.resolve('kafkajs/package.json')), 'src/protocol/requests');

function highestKafkajsVersion(name: ApiKeyName): number {
  const folder = name.charAt(0).toLowerCase() + name.slice(1);
  const versions = readdirSync(join(requestsDir, folder)).filter((entry) => /^v\d+$/.test(entry));
  return Math.max(...versions.map((entry) => Number(entry.slice(1))));
}

describe('advertised API versions', () => {
  it.each(Object.keys(ApiKey) as ApiKeyName[])('serves %s at the highest version kafkajs implements', (name) => {
    expect(SUPPORTED_API_VERSIONS[name]).toBe(highestKafkajsVersion(name));
  });
});
