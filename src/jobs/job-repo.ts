import { and, desc, eq, inArray, isNotNull, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm'
import { jobs } from '../store/schema.js'
import type { Db } from '../store/store.js'

/**
 * The durable queue is the jobs table itself. Every state change is one conditional UPDATE … RETURNING, so
 * two runners (two Node processes on one file, two Workers isolates on D1) never both win a claim, and a
 * crash between two statements leaves a row that the next claim picks up again.
 */

export type JobRow = typeof jobs.$inferSelect
export type NewJobRow = typeof jobs.$inferInsert
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled'

/** The call a job replays: exactly what the direct call carried, minus its credentials. */
export interface StoredCall {
  method: string
  path: string
  headers: Record<string, string>
  body: string
}

export async function insertJob(db: Db, row: NewJobRow): Promise<void> {
  await db.insert(jobs).values(row)
}

export async function getJob(db: Db, id: string): Promise<JobRow | undefined> {
  const rows = await db.select().from(jobs).where(eq(jobs.id, id)).limit(1)
  return rows[0]
}

export interface ListJobsOptions {
  /** null: every key's jobs (the admin key). */
  keyId: string | null
  limit: number
  /** The id of the last job of the previous page. */
  after?: JobRow
}

/** Newest first; `after` continues below the given job. */
export async function listJobs(db: Db, options: ListJobsOptions): Promise<JobRow[]> {
  const conditions: SQL[] = []
  if (options.keyId !== null) conditions.push(eq(jobs.keyId, options.keyId))
  if (options.after) {
    const { createdAt, id } = options.after
    conditions.push(or(lt(jobs.createdAt, createdAt), and(eq(jobs.createdAt, createdAt), lt(jobs.id, id)))!)
  }
  return db.select().from(jobs).where(and(...conditions)).orderBy(desc(jobs.createdAt), desc(jobs.id)).limit(options.limit)
}

const runnable = (now: number) => or(eq(jobs.status, 'queued'), and(eq(jobs.status, 'running'), lt(jobs.leaseUntil, now)))!

/** Takes the oldest job that is queued or whose runner's lease ran out. */
export async function claimNextJob(db: Db, now: number, leaseMs: number): Promise<JobRow | undefined> {
  const oldest = db.select({ id: jobs.id }).from(jobs).where(runnable(now)).orderBy(jobs.createdAt).limit(1)
  const rows = await db.update(jobs)
    .set({ status: 'running', leaseUntil: now + leaseMs, startedAt: sql`coalesce(${jobs.startedAt}, ${now})` })
    .where(and(inArray(jobs.id, oldest), runnable(now)))
    .returning()
  return rows[0]
}

/** Takes one named job (a queue message) if it is still runnable. */
export async function claimJob(db: Db, id: string, now: number, leaseMs: number): Promise<JobRow | undefined> {
  const rows = await db.update(jobs)
    .set({ status: 'running', leaseUntil: now + leaseMs, startedAt: sql`coalesce(${jobs.startedAt}, ${now})` })
    .where(and(eq(jobs.id, id), runnable(now)))
    .returning()
  return rows[0]
}

/** Extends a running job's lease; false when the job is no longer running (canceled meanwhile). */
export async function renewJobLease(db: Db, id: string, now: number, leaseMs: number): Promise<boolean> {
  const rows = await db.update(jobs).set({ leaseUntil: now + leaseMs })
    .where(and(eq(jobs.id, id), eq(jobs.status, 'running'))).returning({ id: jobs.id })
  return rows.length > 0
}

/** Gives a running job back to the queue (graceful shutdown with the call unfinished). */
export async function releaseJob(db: Db, id: string): Promise<void> {
  await db.update(jobs).set({ status: 'queued', leaseUntil: null }).where(and(eq(jobs.id, id), eq(jobs.status, 'running')))
}

export interface JobOutcome {
  status: 'succeeded' | 'failed'
  resultStatus: number
  result: unknown
  error: unknown
}

/** A final state and, when there is a callback, its delivery due now: one statement, so no crash can split them. */
const deliveryOnEnd = (now: number) => ({
  deliveryState: sql`case when ${jobs.callbackUrl} is not null then 'pending' else 'none' end`,
  nextDeliveryAt: sql`case when ${jobs.callbackUrl} is not null then ${now} else null end`,
})

export async function finishJob(db: Db, id: string, outcome: JobOutcome, now: number): Promise<JobRow | undefined> {
  const rows = await db.update(jobs).set({
    status: outcome.status,
    resultStatus: outcome.resultStatus,
    result: outcome.result ?? null,
    error: outcome.error ?? null,
    finishedAt: now,
    leaseUntil: null,
    ...deliveryOnEnd(now),
  }).where(and(eq(jobs.id, id), eq(jobs.status, 'running'))).returning()
  return rows[0]
}

/** Cancels a job that has not ended; undefined when it already had. */
export async function cancelJob(db: Db, id: string, now: number): Promise<JobRow | undefined> {
  const rows = await db.update(jobs).set({
    status: 'canceled',
    error: { error: { message: 'The job was canceled.', type: 'invalid_request_error', param: null, code: 'job_canceled' } },
    finishedAt: now,
    leaseUntil: null,
    ...deliveryOnEnd(now),
  }).where(and(eq(jobs.id, id), inArray(jobs.status, ['queued', 'running']))).returning()
  return rows[0]
}

const deliverable = (now: number) => or(
  and(eq(jobs.deliveryState, 'pending'), lte(jobs.nextDeliveryAt, now)),
  and(eq(jobs.deliveryState, 'delivering'), or(isNull(jobs.leaseUntil), lt(jobs.leaseUntil, now))),
)!

/** Takes the callback delivery that has been due longest (or whose deliverer died). */
export async function claimNextDelivery(db: Db, now: number, leaseMs: number): Promise<JobRow | undefined> {
  const oldest = db.select({ id: jobs.id }).from(jobs).where(and(isNotNull(jobs.callbackUrl), deliverable(now))).orderBy(jobs.nextDeliveryAt).limit(1)
  const rows = await db.update(jobs).set({ deliveryState: 'delivering', leaseUntil: now + leaseMs })
    .where(and(inArray(jobs.id, oldest), deliverable(now))).returning()
  return rows[0]
}

export async function claimDelivery(db: Db, id: string, now: number, leaseMs: number): Promise<JobRow | undefined> {
  const rows = await db.update(jobs).set({ deliveryState: 'delivering', leaseUntil: now + leaseMs })
    .where(and(eq(jobs.id, id), deliverable(now))).returning()
  return rows[0]
}

/** The earliest time a pending delivery falls due, so a runner can sleep until then. */
export async function nextDeliveryDue(db: Db): Promise<number | undefined> {
  const rows = await db.select({ at: sql<number | null>`min(${jobs.nextDeliveryAt})` }).from(jobs).where(eq(jobs.deliveryState, 'pending'))
  return rows[0]?.at ?? undefined
}

export type DeliveryResult =
  | { kind: 'delivered' }
  | { kind: 'retry'; at: number; error: string }
  | { kind: 'failed'; error: string }

export async function recordDelivery(db: Db, id: string, attempts: number, result: DeliveryResult): Promise<JobRow | undefined> {
  const rows = await db.update(jobs).set({
    deliveryState: result.kind === 'retry' ? 'pending' : result.kind,
    deliveryAttempts: attempts,
    nextDeliveryAt: result.kind === 'retry' ? result.at : null,
    lastDeliveryError: result.kind === 'delivered' ? null : result.error,
    leaseUntil: null,
  }).where(and(eq(jobs.id, id), eq(jobs.deliveryState, 'delivering'))).returning()
  return rows[0]
}

/** Gives an unfinished delivery back (graceful shutdown): due again at once, the attempt not counted. */
export async function releaseDelivery(db: Db, id: string, now: number): Promise<void> {
  await db.update(jobs).set({ deliveryState: 'pending', nextDeliveryAt: now, leaseUntil: null })
    .where(and(eq(jobs.id, id), eq(jobs.deliveryState, 'delivering')))
}
