import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import * as schema from './schema.js'
import type { BatchStatement, Db, Store, UsageInsert } from './store.js'
import { usageInsertPlan } from './usage-inserts.js'

export interface SqliteStoreOptions {
  /** A file path, or ':memory:' for tests. */
  path: string
  migrationsFolder: string
}

interface RunnableSync { run(): unknown }
interface CompilableQuery { toSQL(): { sql: string; params: unknown[] } }

/** The Node store: an embedded SQLite file in WAL mode, migrated on open. */
export function openSqliteStore(options: SqliteStoreOptions): Store {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true })
  const client = new Database(options.path)
  client.pragma('journal_mode = WAL')
  client.pragma('synchronous = NORMAL')
  client.pragma('busy_timeout = 5000')
  client.pragma('foreign_keys = ON')
  const db = drizzle(client, { schema })
  migrate(db, { migrationsFolder: options.migrationsFolder })

  const runAll = client.transaction((statements: BatchStatement[]) => {
    for (const statement of statements) (statement as unknown as RunnableSync).run()
  })

  // The metering hot path: one insert prepared once, and the trailing statements (the rollups, whose SQL never
  // changes) prepared once per distinct text, instead of building and preparing SQL on every flush.
  const plan = usageInsertPlan()
  const insertUsage = client.prepare(`INSERT INTO usage (${plan.columns.map((c) => `"${c}"`).join(', ')}) VALUES (${plan.columns.map(() => '?').join(', ')})`)
  const preparedByText = new Map<string, Database.Statement>()
  // The recorder passes the same statement objects on every flush: compile each once.
  const compiledByStatement = new WeakMap<object, { sql: string; params: unknown[] }>()
  const writeUsage = client.transaction((rows: readonly UsageInsert[], after: readonly BatchStatement[]) => {
    for (const row of rows) insertUsage.run(plan.values(row))
    for (const statement of after) {
      let compiled = compiledByStatement.get(statement)
      if (!compiled) {
        compiled = (statement as unknown as CompilableQuery).toSQL()
        compiledByStatement.set(statement, compiled)
      }
      const { sql, params } = compiled
      let prepared = preparedByText.get(sql)
      if (!prepared) {
        prepared = client.prepare(sql)
        preparedByText.set(sql, prepared)
      }
      prepared.run(params)
    }
  })

  return {
    // better-sqlite3's drizzle database is the 'sync' flavour; its queries are awaitable all the same.
    db: db as unknown as Db,
    maxParams: 32_000,
    async batch(statements) {
      runAll(statements)
    },
    async writeUsage(rows, after) {
      writeUsage(rows, after)
    },
    async close() {
      client.close()
    },
  }
}
