import type Database from 'better-sqlite3'

/** SQLite's default SQLITE_MAX_VARIABLE_NUMBER (32,766 since 3.32), with a little room. */
export const SQLITE_MAX_PARAMS = 32_000

/** A statement as SQL text and its parameters: what crosses to the writer thread, and what is prepared once. */
export interface CompiledStatement {
  sql: string
  params: unknown[]
}

/** One usage row as the values of the insert's columns, in order (defaults applied, booleans as 0/1). */
export type UsageValues = unknown[]

/**
 * How a batch splits into multi-row inserts: the largest power of two that fits, repeatedly, so a store needs
 * at most log2(maxRows) + 1 prepared statements (one per size) however many rows a flush holds.
 */
export function multiRowSizes(rows: number, maxRows: number): number[] {
  let cap = 1
  while (cap * 2 <= maxRows) cap *= 2
  const sizes: number[] = []
  let left = rows
  while (left > 0) {
    let size = cap
    while (size > left) size /= 2
    sizes.push(size)
    left -= size
  }
  return sizes
}

/**
 * The usage write on one SQLite connection: the rows (as values of `columns`) and the trailing statements
 * (the rollups), all in one transaction. Inserts are multi-row, prepared once per size (powers of two up to
 * the bound-variable limit); trailing statements are prepared once per distinct text. No SQL is built per
 * flush. The main thread (inline writes, tests) and the writer thread both use it; it needs no schema code,
 * so the thread loads only better-sqlite3.
 */
export function sqliteUsageWriter(client: Database.Database, columns: readonly string[]): (rows: readonly UsageValues[], after: readonly CompiledStatement[]) => void {
  const maxRowsPerInsert = Math.min(256, Math.floor(SQLITE_MAX_PARAMS / columns.length))
  const insertHead = `INSERT INTO usage (${columns.map((c) => `"${c}"`).join(', ')}) VALUES `
  const rowPlaceholders = `(${columns.map(() => '?').join(', ')})`
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
  return client.transaction((rows: readonly UsageValues[], after: readonly CompiledStatement[]) => {
    let next = 0
    for (const size of multiRowSizes(rows.length, maxRowsPerInsert)) {
      const params: unknown[] = []
      for (let i = next; i < next + size; i++) params.push(...rows[i]!)
      insertOf(size).run(params)
      next += size
    }
    for (const { sql, params } of after) prepared(sql).run(params)
  })
}
