import { Worker } from 'node:worker_threads'
import type { CompiledStatement } from './sqlite-usage-writer.js'
import type { UsageThreadData, UsageWriteMessage, UsageWriteReply } from './sqlite-usage-thread.js'

interface Pending {
  resolve: () => void
  reject: (err: Error) => void
}

/**
 * The main thread's side of the usage writer thread: `write` posts a batch and resolves once the thread has
 * committed it, so the recorder's semantics (rows kept and retried on failure, listeners told after the
 * commit, SIGTERM drain awaiting the last flush) are the same as for an inline write. The thread holds the
 * process open only while a write is pending.
 */
export class UsageWriterThread {
  private worker: Worker | undefined
  private readonly pending = new Map<number, Pending>()
  private readonly inFlight = new Set<Promise<void>>()
  private nextId = 1
  private failure: Error | undefined

  /** Starts the thread now, so its start-up cost is not paid by the first flush under load. */
  constructor(private readonly data: UsageThreadData) {
    this.started()
  }

  /** True once the thread failed to start or died: the store then writes on the main thread. */
  get broken(): boolean {
    return this.failure !== undefined
  }

  /** `rows`: the batch's value arrays as one JSON array (a string crosses to the thread as one copy). */
  write(rows: string, after: readonly CompiledStatement[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure)
    const worker = this.started()
    const id = this.nextId++
    const message: UsageWriteMessage = { id, rows, after }
    const written = new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      if (this.pending.size === 1) worker.ref()
      worker.postMessage(message)
    })
    this.inFlight.add(written)
    const forget = () => { this.inFlight.delete(written) }
    written.then(forget, forget)
    return written
  }

  /** Waits for the writes in flight, then stops the thread. */
  async close(): Promise<void> {
    const worker = this.worker
    if (!worker) return
    await Promise.allSettled([...this.inFlight])
    this.worker = undefined
    await worker.terminate()
  }

  private started(): Worker {
    if (this.worker) return this.worker
    const worker = startThread(this.data)
    worker.unref()
    worker.on('message', (reply: UsageWriteReply) => this.settle(reply))
    worker.on('error', (err) => this.fail(err))
    worker.on('exit', (code) => this.fail(new Error(`usage writer thread exited (code ${code})`)))
    this.worker = worker
    return worker
  }

  private settle(reply: UsageWriteReply): void {
    const waiting = this.pending.get(reply.id)
    if (!waiting) return
    this.pending.delete(reply.id)
    if (this.pending.size === 0) this.worker?.unref()
    if (reply.error === undefined) waiting.resolve()
    else waiting.reject(new Error(reply.error))
  }

  private fail(err: Error): void {
    if (this.worker === undefined) return
    this.failure ??= err
    this.worker = undefined
    for (const waiting of this.pending.values()) waiting.reject(err)
    this.pending.clear()
  }
}

/**
 * sqlite-usage-thread.js next to this module in the build. Run from source (tsx), the thread gets no loader
 * hooks of its own, so it registers tsx's before importing the .ts entry.
 */
function startThread(workerData: UsageThreadData): Worker {
  // A small heap: the thread holds one batch at a time. Past it the thread ends and the store writes inline.
  const resourceLimits = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 }
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./sqlite-usage-thread.js', import.meta.url), { workerData, resourceLimits })
  const entry = new URL('./sqlite-usage-thread.ts', import.meta.url).href
  const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}) })`
  return new Worker(bootstrap, { eval: true, workerData, resourceLimits })
}
