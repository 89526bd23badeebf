import type { MessageBatch, Queue } from '@cloudflare/workers-types'
import type { AppDeps } from '../deps.js'
import { deliverCallback } from './deliver.js'
import { claimDelivery, claimJob, claimNextDelivery, claimNextJob } from './job-repo.js'
import type { JobQueue } from './queue.js'
import { runWithLease, type AppCall } from './run-job.js'

/**
 * Workers: jobs travel as Cloudflare Queues messages, with D1 as the truth. A message only names a job;
 * the consumer claims the row (so a duplicate message is harmless) and runs the same code as Node. A
 * callback retry is a message delayed by the schedule's next step; a cron sweep catches anything whose
 * message was lost (a failed send, an isolate that died holding a lease).
 */

export interface JobMessage {
  kind: 'run' | 'deliver'
  jobId: string
}

/** Queues cap a message delay at 12 hours. */
const MAX_DELAY_SECONDS = 43_200
const LEASE_MS = 30_000
const DELIVERY_TIMEOUT_MS = 15_000

export class CloudflareJobQueue implements JobQueue {
  constructor(private readonly queue: Queue<JobMessage>, private readonly now: () => number) {}

  async jobQueued(jobId: string): Promise<void> {
    await this.queue.send({ kind: 'run', jobId })
  }

  /** A run in another isolate notices at its next lease renewal (the row says canceled). */
  async jobCanceled(): Promise<void> {}

  async deliveryDue(jobId: string, at: number): Promise<void> {
    const delaySeconds = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((at - this.now()) / 1000)))
    await this.queue.send({ kind: 'deliver', jobId }, { delaySeconds })
  }
}

/** The `queue()` handler: each message claims its job or delivery; a message whose work is already taken or done is simply acked. */
export async function consumeJobMessages(deps: AppDeps, call: AppCall, batch: MessageBatch<JobMessage>): Promise<void> {
  for (const message of batch.messages) {
    const { kind, jobId } = message.body
    try {
      const now = deps.clock.now()
      if (kind === 'run') {
        const row = await claimJob(deps.store.db, jobId, now, LEASE_MS)
        if (row) await runWithLease(deps, call, row, LEASE_MS)
      } else {
        const row = await claimDelivery(deps.store.db, jobId, now, DELIVERY_TIMEOUT_MS + LEASE_MS)
        if (row) await deliverCallback(deps, row, { timeoutMs: DELIVERY_TIMEOUT_MS })
      }
      message.ack()
    } catch (err) {
      deps.log.error('job message failed', { jobId, kind, error: err instanceof Error ? err.message : String(err) })
      message.retry()
    }
  }
}

/** The cron sweep: a bounded number of stranded jobs and overdue deliveries, handled in this invocation. */
export async function sweepJobs(deps: AppDeps, call: AppCall, limit = 10): Promise<void> {
  for (let i = 0; i < limit; i++) {
    const row = await claimNextJob(deps.store.db, deps.clock.now(), LEASE_MS)
    if (!row) break
    await runWithLease(deps, call, row, LEASE_MS)
  }
  for (let i = 0; i < limit; i++) {
    const row = await claimNextDelivery(deps.store.db, deps.clock.now(), DELIVERY_TIMEOUT_MS + LEASE_MS)
    if (!row) break
    await deliverCallback(deps, row, { timeoutMs: DELIVERY_TIMEOUT_MS })
  }
}
