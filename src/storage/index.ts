/**
 * Storage entry points for the rest of promlite (main.ts wires these; other modules should
 * depend on the interfaces in interface.ts only).
 */
export type { Appendable, Appender, Querier, Queryable, SampleIterator, Series, SeriesRef, SeriesSet, SelectHints, Storage } from './interface.ts';
export { AppendError } from './interface.ts';
export { MemoryStorage } from './memoryStorage.ts';
export { openStorage, openStorageAsync, SqliteStorage, DB_FILE_NAME } from './sqliteStorage.ts';
export type { OpenStorageOptions, ReplayProgress, RetentionOptions, RetentionRule, RetentionResult, StorageLogger, TsdbStats } from './sqliteStorage.ts';
export { EMPTY_SELECTOR_MESSAGE, EmptySelectorError } from './selectSemantics.ts';
