import { readModelViews } from '../../projections';
import { readStoreContract } from '../read-store.contract';
import { MemoryReadStore } from './memory-read-store';

describe('MemoryReadStore', () => {
  const store = new MemoryReadStore(readModelViews);
  beforeAll(() => store.ensureViews());
  readStoreContract(() => store);
});
