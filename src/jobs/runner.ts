import type { AppDeps } from '../deps.js'
import { deliverCallback } from './deliver.js'
import { claimNextDelivery, claimNextJob, nextDeliveryDue, releaseDelivery, type JobRow } from './job-repo.js'
import { LocalJobQueue, type JobQueueListener } from './queue.js'
import { JobAbort, runWithLease, type AppCall } from './run-job.js'

export interface JobRunnerOptions {
  deps: AppDeps
  /** The app's fetch: jobs replay their call through it. */
  call: AppCall
  /** Jobs run at once by this process. */
  concurrency?: number
  /** Callbacks delivered at once. */
  deliveryConcurrency?: number
  /** How long a claim holds without renewal; a crashed runner's jobs are taken again after it. */
  leaseMs?: number
  /** How often the table is swept when nothing signals (other processes' jobs, missed signals). */
  pollMs?: number
  /** One callback attempt's time limit. */
  deliveryTimeoutMs?: number
}

/**
 * The Node side of the durable queue: claims jobs and due callback deliveries from the jobs table with
 * leases, runs a bounded number at once, renews the leases of what it holds, and wakes early when this
 * process accepts or cancels a job or schedules a delivery.
 */
export class JobRunner implements JobQueueListener {
  private readonly deps: AppDeps
  private readonly call: AppCall
  private readonly concurrency: number
  private readonly deliveryConcurrency: number
  private readonly leaseMs: number
  private readonly pollMs: number
  private readonly deliveryTimeoutMs: number
  private readonly running = new Map<string, AbortController>()
  private readonly delivering = new Map<string, AbortController>()
  private readonly tasks = new Set<Promise<void>>()
  private wake: AbortController | undefined
  private stopped = false
  private loop: Promise<void> | undefined
  private unsubscribe: (() => void) | undefined

  constructor(options: JobRunnerOptions) {
    this.deps = options.deps
    this.call = options.call
    this.concurrency = options.concurrency ?? 4
    this.deliveryConcurrency = options.deliveryConcurrency ?? 8
    this.leaseMs = options.leaseMs ?? 15_000
    this.pollMs = options.pollMs ?? 1_000
    this.deliveryTimeoutMs = options.deliveryTimeoutMs ?? 15_000
  }

  start(): void {
    if (this.loop) return
    if (this.deps.jobQueue instanceof LocalJobQueue) this.unsubscribe = this.deps.jobQueue.subscribe(this)
    this.loop = this.run()
  }

  jobQueued(): void {
    this.nudge()
  }

  jobCanceled(jobId: string): void {
    this.running.get(jobId)?.abort(new JobAbort('canceled'))
  }

  deliveryDue(): void {
    this.nudge()
  }

  /** Stops claiming, lets what runs finish for up to `graceMs`, then gives the rest back to the queue. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopped = true
    this.unsubscribe?.()
    this.nudge()
    await this.loop
    if (this.tasks.size > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined
      const grace = new Promise<void>((resolve) => { timer = setTimeout(resolve, graceMs) })
      await Promise.race([Promise.allSettled([...this.tasks]), grace])
      clearTimeout(timer)
    }
    for (const controller of [...this.running.values(), ...this.delivering.values()]) controller.abort(new JobAbort('shutdown'))
    await Promise.allSettled([...this.tasks])
  }

  private nudge(): void {
    this.wake?.abort()
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let sleepMs = this.pollMs
      try {
        await this.fill()
        sleepMs = await this.untilNextDue()
      } catch (err) {
        this.deps.log.error('job runner sweep failed', { error: err instanceof Error ? err.message : String(err) })
      }
      if (this.stopped) break
      this.wake = new AbortController()
      await this.deps.clock.sleep(sleepMs, this.wake.signal).catch(() => undefined)
    }
  }

  private async fill(): Promise<void> {
    const { db } = this.deps.store
    for (let slot = this.running.size; slot < this.concurrency && !this.stopped; slot++) {
      const row = await claimNextJob(db, this.deps.clock.now(), this.leaseMs)
      if (!row) break
      this.track(this.running, row, () => this.runOne(row))
    }
    const deliveryLease = this.deliveryTimeoutMs + this.leaseMs
    for (let slot = this.delivering.size; slot < this.deliveryConcurrency && !this.stopped; slot++) {
      const row = await claimNextDelivery(db, this.deps.clock.now(), deliveryLease)
      if (!row) break
      this.track(this.delivering, row, (signal) => this.deliverOne(row, signal))
    }
  }

  /** Sleep until the next delivery falls due, but never longer than the poll interval (nor spin when full). */
  private async untilNextDue(): Promise<number> {
    if (this.delivering.size >= this.deliveryConcurrency) return this.pollMs
    const due = await nextDeliveryDue(this.deps.store.db)
    if (due === undefined) return this.pollMs
    return Math.min(this.pollMs, Math.max(0, due - this.deps.clock.now()))
  }

  private track(into: Map<string, AbortController>, row: JobRow, work: (signal: AbortSignal) => Promise<void>): void {
    const controller = new AbortController()
    into.set(row.id, controller)
    const task = work(controller.signal)
      .catch((err: unknown) => this.deps.log.error('job runner task failed', { jobId: row.id, error: err instanceof Error ? err.message : String(err) }))
      .finally(() => {
        into.delete(row.id)
        this.tasks.delete(task)
        this.nudge()
      })
    this.tasks.add(task)
  }

  private async runOne(row: JobRow): Promise<void> {
    await runWithLease(this.deps, this.call, row, this.leaseMs, this.running.get(row.id)!)
  }

  private async deliverOne(row: JobRow, signal: AbortSignal): Promise<void> {
    await deliverCallback(this.deps, row, { timeoutMs: this.deliveryTimeoutMs, signal })
    if (signal.aborted) await releaseDelivery(this.deps.store.db, row.id, this.deps.clock.now())
  }
}
