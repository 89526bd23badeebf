import { drizzle } from 'drizzle-orm/d1'
import * as schema from './schema.js'
import type { D1Database } from '@cloudflare/workers-types'
import type { Db, Store } from './store.js'
import { chunkedUsageInserts } from './usage-inserts.js'

/** The Workers store: D1, migrated by `wrangler d1 migrations apply` from the same migrations/ folder. */
export function openD1Store(binding: D1Database): Store {
  const db = drizzle(binding, { schema })
  return {
    db: db as unknown as Db,
    maxParams: 100,
    async batch(statements) {
      await db.batch(statements)
    },
    async writeUsage(rows, after) {
      const statements = [...chunkedUsageInserts(db as unknown as Db, rows, 100), ...after]
      const [first, ...rest] = statements
      if (first) await db.batch([first, ...rest])
    },
    async close() {},
  }
}
