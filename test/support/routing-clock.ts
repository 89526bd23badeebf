import type { Clock } from '../../src/clock.js'

interface Sleeper {
  ms: number
  wakeAt: number
  wake: () => void
}

/**
 * A clock that moves only when the test says: sleeps (retry waits) and timers (first-byte and request
 * timeouts, armed through `timer` as in production) stay pending until advance() or set() passes their wake
 * time. `pending()` lists the durations still waited on.
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
      const sleeper = this.add(ms, resolve)
      signal?.addEventListener('abort', () => {
        this.remove(sleeper)
        reject(signal.reason)
      }, { once: true })
    })
  }

  timer(ms: number, onFire: () => void): () => void {
    const sleeper = this.add(ms, onFire)
    return () => this.remove(sleeper)
  }

  /** Durations of the sleeps and timers not yet woken or cancelled. */
  pending(): number[] {
    return this.sleepers.map((s) => s.ms)
  }

  /** Moves time on and wakes every sleep and timer that is due, earliest first. */
  advance(ms: number): void {
    this.set(this.time + ms)
  }

  set(ms: number): void {
    this.time = ms
    const due = this.sleepers.filter((s) => s.wakeAt <= this.time).sort((a, b) => a.wakeAt - b.wakeAt)
    this.sleepers = this.sleepers.filter((s) => s.wakeAt > this.time)
    for (const sleeper of due) sleeper.wake()
  }

  private add(ms: number, wake: () => void): Sleeper {
    const sleeper: Sleeper = { ms, wakeAt: this.time + ms, wake }
    this.sleepers.push(sleeper)
    return sleeper
  }

  private remove(sleeper: Sleeper): void {
    this.sleepers = this.sleepers.filter((s) => s !== sleeper)
  }
}
