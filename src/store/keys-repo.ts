import { desc, eq } from 'drizzle-orm'
import { apiKeys, settings } from './schema.js'
import type { Db } from './store.js'

export type ApiKeyRow = typeof apiKeys.$inferSelect
export type NewApiKeyRow = typeof apiKeys.$inferInsert

export async function insertKey(db: Db, row: NewApiKeyRow): Promise<void> {
  await db.insert(apiKeys).values(row)
}

export async function findKeyByHash(db: Db, keyHash: string): Promise<ApiKeyRow | undefined> {
  const rows = await db.select().from(apiKeys).where(eq(apiKeys.keyHash, keyHash)).limit(1)
  return rows[0]
}

export async function getKey(db: Db, id: string): Promise<ApiKeyRow | undefined> {
  const rows = await db.select().from(apiKeys).where(eq(apiKeys.id, id)).limit(1)
  return rows[0]
}

export async function listKeys(db: Db): Promise<ApiKeyRow[]> {
  return db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt))
}

export async function updateKey(db: Db, id: string, patch: Partial<NewApiKeyRow>): Promise<ApiKeyRow | undefined> {
  const rows = await db.update(apiKeys).set(patch).where(eq(apiKeys.id, id)).returning()
  return rows[0]
}

export async function getSetting(db: Db, key: string): Promise<string | undefined> {
  const rows = await db.select().from(settings).where(eq(settings.key, key)).limit(1)
  return rows[0]?.value
}

export async function putSetting(db: Db, key: string, value: string): Promise<void> {
  await db.insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value } })
}
