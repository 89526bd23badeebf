import type { BatchItem } from 'drizzle-orm/batch'
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core'
import type * as schema from './schema.js'

export type UsageInsert = (typeof schema.usage)['$inferInsert']

/**
 * The database as both runtimes see it. better-sqlite3 runs queries synchronously and D1 asynchronously;
 * drizzle's queries are awaitable in both, so the rest of the code awaits and never cares which it is.
 */
export type Db = BaseSQLiteDatabase<'async', unknown, typeof schema>

export type BatchStatement = BatchItem<'sqlite'>

export interface Store {
  db: Db
  /** Runs the statements atomically: one transaction on SQLite, one batch on D1 (which has no interactive transactions). */
  batch(statements: [BatchStatement, ...BatchStatement[]]): Promise<void>
  /**
   * The metering write path: inserts usage rows, then runs `after`, all atomically. Both stores use multi-row
   * inserts within their parameter limit; SQLite prepares them once per size (no SQL is built per flush) and,
   * in the server, runs the transaction on a writer thread. Resolves once the rows are committed.
   */
  writeUsage(rows: readonly UsageInsert[], after: readonly BatchStatement[]): Promise<void>
  /**
   * Told of each usage row as it is recorded, before its flush: a store that hands batches to another thread
   * encodes the row now, a few microseconds per call, so the flush holds the event loop only to pass one
   * string on. The row must not change after it is recorded.
   */
  prepareUsage?(row: UsageInsert): void
  /** Largest number of bound parameters one statement may carry (D1: 100). */
  maxParams: number
  close(): Promise<void>
}
