/**
 * The async event queue: its interface (`types.ts`, what core speaks) and
 * the embedded SQLite implementation (`sqlite-queue.ts`, own file queue.db).
 */
export * from './types';
export { SqliteEventQueue, type SqliteQueueOptions } from './sqlite-queue';
