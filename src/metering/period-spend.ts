import { and, eq, gte, sql } from 'drizzle-orm'
import { usage } from '../store/schema.js'
import type { Db } from '../store/store.js'

/**
 * What a key has spent since `from`, in picodollars, as the database holds it. The sum is read as text
 * so a total past 2^53 picodollars (about $9,007) stays exact until it becomes a number here.
 */
export async function periodSpendFromDb(db: Db, keyId: string, from: number): Promise<number> {
  const rows = await db
    .select({ total: sql<string>`CAST(COALESCE(SUM(${usage.costPicoUsd}), 0) AS TEXT)` })
    .from(usage)
    .where(and(eq(usage.keyId, keyId), gte(usage.createdAt, from)))
  return Number(rows[0]?.total ?? '0')
}
