import type { Clock } from '../clock.js'
import type { Logger } from '../log.js'
import type { Db } from '../store/store.js'
import { periodWindow, type BudgetPeriod } from './budget-period.js'
import { periodSpendFromDb } from './period-spend.js'
import type { UsageRecorder, UsageRow } from './usage-recorder.js'

export interface SpendLedgerOptions {
  db: Db
  usage: UsageRecorder
  clock: Clock
  log: Logger
  /** How often a key's spend is re-read from the database (other processes, other isolates). */
  reconcileMs?: number
}

interface KeySpend {
  period: BudgetPeriod
  start: number
  /** Spend in rows already in the database: the last database sum plus rows written since. */
  written: number
  loadedAt: number
  /** Set while the first load runs; rows written meanwhile are left to the database sum. */
  loading?: Promise<void>
  refreshing: boolean
}

/**
 * Each key's spend in its current budget period, counted in memory so admission never waits on the
 * database, and reconciled with it. A key's spend = the database's sum (read on first use, again every
 * `reconcileMs`, and when the period rolls over) + rows written by this process since + rows recorded
 * but not yet written. Rows are told apart by identity: the recorder hands the same row objects to
 * `subscribe` and `onWritten`, so no row is counted twice or missed.
 */
export class SpendLedger {
  private readonly keys = new Map<string, KeySpend>()
  private readonly unwritten = new Map<string, Set<UsageRow>>()
  /** Per key: picodollars held for calls in flight (see hold). */
  private readonly holds = new Map<string, number>()
  /** Bumped by every database write of usage rows: a sum read across a bump is read again. */
  private generation = 0
  private readonly reconcileMs: number

  constructor(private readonly options: SpendLedgerOptions) {
    this.reconcileMs = options.reconcileMs ?? 30_000
    options.usage.subscribe((row) => this.onRecorded(row))
    options.usage.onWritten((rows) => this.onWritten(rows))
  }

  /** Picodollars the key has spent in the period that contains now. */
  async spend(keyId: string, period: BudgetPeriod): Promise<number> {
    const now = this.options.clock.now()
    const { start } = periodWindow(period, now)
    let state = this.keys.get(keyId)
    if (!state || state.start !== start || state.period !== period) {
      state = { period, start, written: 0, loadedAt: now, refreshing: false }
      const fresh = state
      fresh.loading = this.readDatabase(keyId, start).then((sum) => {
        fresh.written = sum
      }, (err: unknown) => {
        // An unreadable database must not fail the call: count from here, and read again next time.
        fresh.loadedAt = Number.NEGATIVE_INFINITY
        this.options.log.warn('spend load failed', { keyId, error: err instanceof Error ? err.message : String(err) })
      }).finally(() => {
        fresh.loading = undefined
      })
      this.keys.set(keyId, fresh)
    }
    if (state.loading) await state.loading
    else if (now - state.loadedAt >= this.reconcileMs && !state.refreshing) this.refresh(keyId, state, now)
    return state.written + this.unwrittenSince(keyId, state.start)
  }

  /**
   * Holds `picoUsd` of the key's budget for a call in flight, so that calls admitted at the same time
   * are checked against each other and not only against finished ones. The returned function gives the
   * hold back (once), when the call has ended and its attempts' real costs are recorded.
   */
  hold(keyId: string, picoUsd: number): () => void {
    if (picoUsd <= 0) return () => {}
    this.holds.set(keyId, (this.holds.get(keyId) ?? 0) + picoUsd)
    let released = false
    return () => {
      if (released) return
      released = true
      const left = (this.holds.get(keyId) ?? 0) - picoUsd
      if (left > 0) this.holds.set(keyId, left)
      else this.holds.delete(keyId)
    }
  }

  /** Picodollars held by the key's calls in flight. */
  held(keyId: string): number {
    return this.holds.get(keyId) ?? 0
  }

  private onRecorded(row: UsageRow): void {
    if (!row.keyId || !row.costPicoUsd) return
    let rows = this.unwritten.get(row.keyId)
    if (!rows) this.unwritten.set(row.keyId, (rows = new Set()))
    rows.add(row)
  }

  private onWritten(rows: readonly UsageRow[]): void {
    this.generation++
    for (const row of rows) {
      if (!row.keyId || !row.costPicoUsd) continue
      const pending = this.unwritten.get(row.keyId)
      pending?.delete(row)
      if (pending?.size === 0) this.unwritten.delete(row.keyId)
      const state = this.keys.get(row.keyId)
      if (state && !state.loading && row.createdAt >= state.start) state.written += row.costPicoUsd
    }
  }

  private unwrittenSince(keyId: string, start: number): number {
    let sum = 0
    for (const row of this.unwritten.get(keyId) ?? []) if (row.createdAt >= start) sum += row.costPicoUsd ?? 0
    return sum
  }

  /**
   * The database's sum, read while no write of this process lands (a write during the read could be in
   * the sum and counted again by onWritten). After three tries the last read is kept: at worst it counts
   * a row twice, which errs on the side of refusing.
   */
  private async readDatabase(keyId: string, start: number): Promise<number> {
    let sum = 0
    for (let attempt = 0; attempt < 3; attempt++) {
      const before = this.generation
      sum = await periodSpendFromDb(this.options.db, keyId, start)
      if (this.generation === before) return sum
    }
    return sum
  }

  /** Re-reads the sum in the background; the admission in progress uses the value it has. */
  private refresh(keyId: string, state: KeySpend, now: number): void {
    state.refreshing = true
    const before = this.generation
    periodSpendFromDb(this.options.db, keyId, state.start).then((sum) => {
      // A write landed during the read: keep the incremental count, try again next time.
      if (this.generation === before && this.keys.get(keyId) === state) state.written = sum
      state.loadedAt = now
    }, (err: unknown) => {
      this.options.log.warn('spend reconcile failed', { keyId, error: err instanceof Error ? err.message : String(err) })
    }).finally(() => {
      state.refreshing = false
    })
  }
}
