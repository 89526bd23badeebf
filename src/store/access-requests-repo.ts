import { and, desc, eq, type SQL } from 'drizzle-orm'
import { accessRequests, apiKeys, type AccessRequestStatus } from './schema.js'
import type { Db } from './store.js'

export type AccessRequestRow = typeof accessRequests.$inferSelect

export async function insertAccessRequest(db: Db, row: AccessRequestRow): Promise<void> {
  await db.insert(accessRequests).values(row)
}

export async function getAccessRequest(db: Db, id: string): Promise<AccessRequestRow | undefined> {
  const rows = await db.select().from(accessRequests).where(eq(accessRequests.id, id)).limit(1)
  return rows[0]
}

/** The key's pending request for a prompt, if it has one. */
export async function pendingAccessRequest(db: Db, keyId: string, prompt: string): Promise<AccessRequestRow | undefined> {
  const rows = await db.select().from(accessRequests)
    .where(and(eq(accessRequests.keyId, keyId), eq(accessRequests.prompt, prompt), eq(accessRequests.status, 'pending')))
    .limit(1)
  return rows[0]
}

/** A key's own requests, newest first. */
export async function accessRequestsOfKey(db: Db, keyId: string): Promise<AccessRequestRow[]> {
  return db.select().from(accessRequests).where(eq(accessRequests.keyId, keyId)).orderBy(desc(accessRequests.createdAt))
}

export interface AccessRequestFilter { status?: AccessRequestStatus; team?: string }

/** Requests with the name of the key that made them (null once the key row is gone), newest first. */
export async function listAccessRequests(db: Db, filter: AccessRequestFilter): Promise<Array<AccessRequestRow & { keyName: string | null }>> {
  const conditions: SQL[] = []
  if (filter.status !== undefined) conditions.push(eq(accessRequests.status, filter.status))
  if (filter.team !== undefined) conditions.push(eq(accessRequests.team, filter.team))
  const rows = await db.select({ request: accessRequests, keyName: apiKeys.name }).from(accessRequests)
    .leftJoin(apiKeys, eq(apiKeys.id, accessRequests.keyId))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(accessRequests.createdAt))
  return rows.map((r) => ({ ...r.request, keyName: r.keyName }))
}

/** Decides a pending request; undefined when it was no longer pending (someone decided first). */
export async function decideAccessRequest(
  db: Db, id: string, decision: Pick<AccessRequestRow, 'status' | 'decidedAt' | 'decidedBy' | 'note'>,
): Promise<AccessRequestRow | undefined> {
  const rows = await db.update(accessRequests).set(decision)
    .where(and(eq(accessRequests.id, id), eq(accessRequests.status, 'pending'))).returning()
  return rows[0]
}
