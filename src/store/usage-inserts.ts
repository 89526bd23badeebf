import { getTableColumns } from 'drizzle-orm'
import { usage } from './schema.js'
import type { BatchStatement, Db, UsageInsert } from './store.js'

const usageColumns = getTableColumns(usage)
const columnCount = Object.keys(usageColumns).length

/** Multi-row inserts of usage rows, each within a statement's bound-parameter limit (D1 allows 100). */
export function chunkedUsageInserts(db: Db, rows: readonly UsageInsert[], maxParams: number): BatchStatement[] {
  const perStatement = Math.max(1, Math.floor(maxParams / columnCount))
  const statements: BatchStatement[] = []
  for (let i = 0; i < rows.length; i += perStatement) statements.push(db.insert(usage).values(rows.slice(i, i + perStatement)))
  return statements
}

/** Column names and how to read each from a row (defaults applied, booleans as 0/1), for a prepared insert. */
export function usageInsertPlan(): { columns: string[]; values: (row: UsageInsert) => unknown[] } {
  const entries = Object.entries(usageColumns).filter(([, column]) => !(column.primary && column.name === 'id'))
  const columns = entries.map(([, column]) => column.name)
  const readers = entries.map(([key, column]) => {
    const fallback = column.hasDefault ? column.default : null
    return (row: UsageInsert): unknown => {
      const value = (row as Record<string, unknown>)[key] ?? fallback
      return typeof value === 'boolean' ? (value ? 1 : 0) : value
    }
  })
  return { columns, values: (row) => readers.map((read) => read(row)) }
}
