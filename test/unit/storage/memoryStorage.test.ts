import { MemoryStorage } from '../../../src/storage/memoryStorage.ts';
import { runQuerierSuite } from './querierSuite.ts';

// Start-timestamp round trips are enabled once MemoryStorage keeps STs (PromQL helper's part).
runQuerierSuite({ name: 'MemoryStorage', open: () => new MemoryStorage(), startTimestamps: false });
