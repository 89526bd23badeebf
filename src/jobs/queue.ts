/**
 * How accepted work reaches a runner. The database row is the truth; the queue only says "look now": on
 * Node an in-process signal to the polling runner, on Workers a Cloudflare Queues message (see
 * cloudflare-queue.ts). A lost signal costs latency, never a job: runners also sweep the table.
 */
export interface JobQueue {
  /** A job was accepted and waits to run. */
  jobQueued(jobId: string): Promise<void>
  /** A job was canceled: a runner holding it aborts the call. */
  jobCanceled(jobId: string): Promise<void>
  /** A callback delivery falls due at `at` (epoch ms): the first attempt or a retry. */
  deliveryDue(jobId: string, at: number): Promise<void>
}

export interface JobQueueListener {
  jobQueued(jobId: string): void
  jobCanceled(jobId: string): void
  deliveryDue(jobId: string, at: number): void
}

/** Node: the runner in this process listens; nothing leaves the process. */
export class LocalJobQueue implements JobQueue {
  private readonly listeners = new Set<JobQueueListener>()

  subscribe(listener: JobQueueListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  async jobQueued(jobId: string): Promise<void> {
    for (const l of this.listeners) l.jobQueued(jobId)
  }

  async jobCanceled(jobId: string): Promise<void> {
    for (const l of this.listeners) l.jobCanceled(jobId)
  }

  async deliveryDue(jobId: string, at: number): Promise<void> {
    for (const l of this.listeners) l.deliveryDue(jobId, at)
  }
}
