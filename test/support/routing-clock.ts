import type { Clock } from '../../src/clock.js'

interface Sleeper {
  ms: number
  wakeAt: number
  resolve: () => void
}

/**
 * A clock that moves only when the test says: sleeps (retry waits, timeout timers) stay pending until
 * advance() passes their wake time. `pending()` lists the durations still waited on.
 */
export class ManualClock implements Clock {
  private sleepers: Sleeper[] = []

  constructor(private time = 1_750_000_000_000) {}

  now(): number {
    return this.time
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason)
      const sleeper: Sleeper = { ms, wakeAt: this.time + ms, resolve }
      this.sleepers.push(sleeper)
      signal?.addEventListener('abort', () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper)
        reject(signal.reason)
      }, { once: true })
    })
  }

  /** Durations of the sleeps not yet woken or cancelled. */
  pending(): number[] {
    return this.sleepers.map((s) => s.ms)
  }

  /** Moves time on and wakes every sleep that is due, earliest first. */
  advance(ms: number): void {
    this.time += ms
    const due = this.sleepers.filter((s) => s.wakeAt <= this.time).sort((a, b) => a.wakeAt - b.wakeAt)
    this.sleepers = this.sleepers.filter((s) => s.wakeAt > this.time)
    for (const sleeper of due) sleeper.resolve()
  }
}
