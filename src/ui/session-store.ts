import { eq, lte } from 'drizzle-orm'
import type { AppDeps } from '../deps.js'
import { hashKey, randomToken } from '../security/keys.js'
import { uiSessions } from '../store/schema.js'

/** How long a dashboard session lasts (the cookie's Max-Age says the same). */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000

export type UiSessionRow = typeof uiSessions.$inferSelect

/** Starts a session for the key (null: the admin key); returns the cookie's secret id and the row. */
export async function createSession(deps: AppDeps, keyId: string | null): Promise<{ id: string; row: UiSessionRow }> {
  const now = deps.clock.now()
  // Signing in is rare: a good moment to drop the sessions that have run out.
  await deps.store.db.delete(uiSessions).where(lte(uiSessions.expiresAt, now))
  const id = randomToken(32)
  const row: UiSessionRow = { idHash: await hashKey(id), keyId, csrfToken: randomToken(32), createdAt: now, expiresAt: now + SESSION_TTL_MS }
  await deps.store.db.insert(uiSessions).values(row)
  return { id, row }
}

/** The live session behind a cookie's id, or undefined (unknown or expired). */
export async function findSession(deps: AppDeps, id: string): Promise<UiSessionRow | undefined> {
  const rows = await deps.store.db.select().from(uiSessions).where(eq(uiSessions.idHash, await hashKey(id))).limit(1)
  const row = rows[0]
  return row && row.expiresAt > deps.clock.now() ? row : undefined
}

export async function deleteSession(deps: AppDeps, id: string): Promise<void> {
  await deps.store.db.delete(uiSessions).where(eq(uiSessions.idHash, await hashKey(id)))
}
