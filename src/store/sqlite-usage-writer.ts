import type Database from 'better-sqlite3'
import type { UsageInsert } from './store.js'
import { multiRowSizes, usageInsertPlan } from './usage-inserts.js'

/** SQLite's default SQLITE_MAX_VARIABLE_NUMBER (32,766 since 3.32), with a little room. */
export const SQLITE_MAX_PARAMS = 32_000

/** A statement as SQL text and its parameters: what crosses to the writer thread, and what is prepared once. */
export interface CompiledStatement {
  sql: string
  params: unknown[]
}

/**
 * The usage write on one SQLite connection, as a function of the rows and the trailing statements (the
 * rollups), all in one transaction. Inserts are multi-row, prepared once per size (powers of two up to the
 * bound-variable limit); trailing statements are prepared once per distinct text. No SQL is built per flush.
 * The main thread (inline writes, tests) and the writer thread both use it.
 */
export function sqliteUsageWriter(client: Database.Database): (rows: readonly UsageInsert[], after: readonly CompiledStatement[]) => void {
  const plan = usageInsertPlan()
  const maxRowsPerInsert = Math.min(256, Math.floor(SQLITE_MAX_PARAMS / plan.columns.length))
  const insertHead = `INSERT INTO usage (${plan.columns.map((c) => `"${c}"`).join(', ')}) VALUES `
  const rowPlaceholders = `(${plan.columns.map(() => '?').join(', ')})`
  const preparedBySql = new Map<string, Database.Statement>()
  const prepared = (sql: string): Database.Statement => {
    let statement = preparedBySql.get(sql)
    if (!statement) {
      statement = client.prepare(sql)
      preparedBySql.set(sql, statement)
    }
    return statement
  }
  const insertSql = new Map<number, string>()
  const insertOf = (size: number): Database.Statement => {
    let sql = insertSql.get(size)
    if (sql === undefined) {
      sql = insertHead + Array.from({ length: size }, () => rowPlaceholders).join(', ')
      insertSql.set(size, sql)
    }
    return prepared(sql)
  }
  return client.transaction((rows: readonly UsageInsert[], after: readonly CompiledStatement[]) => {
    let next = 0
    for (const size of multiRowSizes(rows.length, maxRowsPerInsert)) {
      const params: unknown[] = []
      for (let i = next; i < next + size; i++) params.push(...plan.values(rows[i]!))
      insertOf(size).run(params)
      next += size
    }
    for (const { sql, params } of after) prepared(sql).run(params)
  })
}
