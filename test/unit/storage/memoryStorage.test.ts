import { MemoryStorage } from '../../../src/storage/memoryStorage.ts';
import { runQuerierSuite } from './querierSuite.ts';

runQuerierSuite({ name: 'MemoryStorage', open: () => new MemoryStorage() });
