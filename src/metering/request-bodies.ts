import { and, eq, gt, lte } from 'drizzle-orm'
import type { Logger } from '../log.js'
import type { Redactor } from '../security/redact.js'
import { requestBodies } from '../store/schema.js'
import type { Db, Store } from '../store/store.js'

/** The most of one body (request or response) kept, in UTF-16 code units of its text; the rest is cut. */
export const MAX_STORED_BODY_CHARS = 64 * 1024

const DAY_MS = 86_400_000

/** A body cut at the cap: its first part as text (redacted), and how long it was (in characters, as received). */
export interface TruncatedBody { truncated: true; length: number; text: string }

export interface StoredBodies { request: unknown; response: unknown }

/**
 * A body as it is stored: redacted first (no key, configured or shaped like one, survives), then the JSON
 * value when it is JSON and within the cap, the text when it is not JSON (an SSE stream), cut when too long.
 */
export function storableBody(text: string | null, redactor: Redactor, length = text?.length ?? 0): unknown {
  if (text === null || text === '') return null
  const clean = redactor.redact(text)
  if (clean.length > MAX_STORED_BODY_CHARS || length > text.length) {
    return { truncated: true, length, text: clean.slice(0, MAX_STORED_BODY_CHARS) } satisfies TruncatedBody
  }
  try {
    return JSON.parse(clean) as unknown
  } catch {
    return clean
  }
}

export interface BodyRecord {
  requestId: string
  keyId: string | null
  team: string | null
  createdAt: number
  request: unknown
  response: unknown
}

const retentionStart = (now: number, retentionDays: number) => now - retentionDays * DAY_MS

/** Stores a call's bodies; the bodies past retention go in the same batch, so the table never outgrows it for long. */
export async function storeBodies(store: Store, record: BodyRecord, retentionDays: number): Promise<void> {
  await store.batch([
    store.db.delete(requestBodies).where(lte(requestBodies.createdAt, retentionStart(record.createdAt, retentionDays))),
    store.db.insert(requestBodies).values(record).onConflictDoNothing(),
  ])
}

/** A call's bodies while within retention, or null (not stored, or swept). */
export async function bodiesOf(db: Db, requestId: string, now: number, retentionDays: number): Promise<StoredBodies | null> {
  const rows = await db.select({ request: requestBodies.request, response: requestBodies.response }).from(requestBodies)
    .where(and(eq(requestBodies.requestId, requestId), gt(requestBodies.createdAt, retentionStart(now, retentionDays)))).limit(1)
  const row = rows[0]
  return row ? { request: row.request ?? null, response: row.response ?? null } : null
}

/** Deletes every body past retention (Node runs it on a timer, Workers on the cron). */
export async function sweepRequestBodies(db: Db, now: number, retentionDays: number): Promise<void> {
  await db.delete(requestBodies).where(lte(requestBodies.createdAt, retentionStart(now, retentionDays)))
}

const SWEEP_EVERY_MS = 3_600_000

/** Node: sweeps the bodies past retention every hour (and once at start); returns the stop function. */
export function startBodySweep(deps: { store: Store; clock: { now(): number }; config: { requestBodies: { retentionDays: number } }; log: Logger }): () => void {
  const sweep = () => {
    sweepRequestBodies(deps.store.db, deps.clock.now(), deps.config.requestBodies.retentionDays)
      .catch((err: unknown) => deps.log.error('request bodies sweep failed', { error: String(err) }))
  }
  sweep()
  const timer: { unref?: () => void } | number = setInterval(sweep, SWEEP_EVERY_MS)
  if (typeof timer === 'object') timer.unref?.()
  return () => clearInterval(timer as Parameters<typeof clearInterval>[0])
}
