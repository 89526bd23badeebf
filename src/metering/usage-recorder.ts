import type { BatchStatement, Store, UsageInsert } from '../store/store.js'
import type { Logger } from '../log.js'
import { rollUpStatements } from './usage-rollup.js'

export type UsageRow = UsageInsert

/** One batch write: how long it took, how much of that held the event loop, and how many rows it wrote. */
export interface UsageFlushTiming {
  /** Until the rows were committed (or the write failed). */
  seconds: number
  /** The synchronous part of the store's call: all of it for an inline SQLite write, a message post for the writer thread. */
  blockingSeconds: number
  rows: number
  ok: boolean
}

export interface UsageRecorderOptions {
  store: Store
  log: Logger
  /** How long a row may wait before it is written (the hard-kill loss bound); at most 100 ms. */
  flushMs: number
  /** Largest batch one flush writes; more waits for the next. */
  maxBatch?: number
  /** Called after each row is accepted (metrics, budget spend); must be cheap. */
  onRecord?: (row: UsageRow) => void
}

/**
 * Usage rows, written off the hot path: `record` only pushes to a buffer, and a timer writes the buffer in
 * one transaction (SQLite) or batch (D1). A failed write (full disk, locked database) keeps the rows and
 * tries again on the next tick; it is logged and never reaches the caller.
 */
export class UsageRecorder {
  private buffer: UsageRow[] = []
  private timer: ReturnType<typeof setTimeout> | undefined
  private flushing: Promise<void> | undefined
  private readonly listeners: Array<(row: UsageRow) => void> = []
  private readonly writtenListeners: Array<(rows: readonly UsageRow[]) => void> = []
  private readonly flushListeners: Array<(timing: UsageFlushTiming) => void> = []
  /** Built once: their SQL never changes, so the SQLite store prepares them once. */
  private readonly rollUps: BatchStatement[]

  constructor(private readonly options: UsageRecorderOptions) {
    this.rollUps = rollUpStatements(options.store.db)
    if (options.onRecord) this.listeners.push(options.onRecord)
  }

  /** Subscribes to every recorded row (metrics, budgets) without touching the write path. */
  subscribe(listener: (row: UsageRow) => void): void {
    this.listeners.push(listener)
  }

  /**
   * Subscribes to rows once they are in the database (the same objects `subscribe` saw): lets the budget
   * ledger tell rows a database sum already holds from rows still in the buffer.
   */
  onWritten(listener: (rows: readonly UsageRow[]) => void): void {
    this.writtenListeners.push(listener)
  }

  /** Subscribes to the duration of every batch write, failed ones included (the flush histogram on /metrics). */
  onFlushed(listener: (timing: UsageFlushTiming) => void): void {
    this.flushListeners.push(listener)
  }

  record(row: UsageRow): void {
    this.options.store.prepareUsage?.(row)
    this.buffer.push(row)
    for (const listener of this.listeners) this.notify(listener, row)
    if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined
        void this.flush()
      }, this.options.flushMs)
    }
  }

  /** A listener's bug (metrics, budgets) is logged, and never fails the call being recorded. */
  private notify<T>(listener: (value: T) => void, value: T): void {
    try {
      listener(value)
    } catch (err) {
      this.options.log.error('usage listener failed', { error: err instanceof Error ? err.message : String(err) })
    }
  }

  get pending(): number {
    return this.buffer.length
  }

  /** Writes everything buffered so far; concurrent calls share one write. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing
    if (this.buffer.length === 0) return
    this.flushing = this.writeBuffered().finally(() => {
      this.flushing = undefined
    })
    await this.flushing
  }

  /** Cancels the timer and writes what is left (shutdown). */
  async close(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    for (let attempt = 0; attempt < 5 && this.buffer.length > 0; attempt++) await this.flush()
  }

  private async writeBuffered(): Promise<void> {
    const rows = this.buffer.splice(0, this.options.maxBatch ?? 5_000)
    if (rows.length === 0) return
    const started = performance.now()
    let returned = started
    try {
      // The rollups move in the same transaction/batch as the rows: a failed write changes neither.
      const written = this.options.store.writeUsage(rows, this.rollUps)
      returned = performance.now()
      await written
    } catch (err) {
      this.timed(started, returned, rows.length, false)
      this.buffer.unshift(...rows)
      this.options.log.error('usage write failed; will retry', { rows: rows.length, error: err instanceof Error ? err.message : String(err) })
      if (this.timer === undefined) {
        this.timer = setTimeout(() => {
          this.timer = undefined
          void this.flush()
        }, Math.max(this.options.flushMs, 250))
      }
      return
    }
    this.timed(started, returned, rows.length, true)
    for (const listener of this.writtenListeners) this.notify(listener, rows)
    // Nothing left to write: the armed timer goes. On Workers it may belong to a request that has ended,
    // where it never fires, and while it looked armed a row recorded after its response (a client gone
    // mid-stream) would arm none of its own and wait in the buffer.
    if (this.buffer.length === 0 && this.timer !== undefined) {
      clearTimeout(this.timer)
      this.timer = undefined
    }
    if (this.buffer.length > 0 && this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined
        void this.flush()
      }, 0)
    }
  }

  private timed(started: number, returned: number, rows: number, ok: boolean): void {
    const timing = { seconds: (performance.now() - started) / 1000, blockingSeconds: (returned - started) / 1000, rows, ok }
    for (const listener of this.flushListeners) this.notify(listener, timing)
  }
}
