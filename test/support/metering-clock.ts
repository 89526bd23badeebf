import type { Clock } from '../../src/clock.js'

interface Sleeper { wakeAt: number; resolve: () => void }

/**
 * A clock that moves only when told: budgets roll over and rate limits refill without waiting. A sleep
 * (a timeout, a retry delay) ends only when the clock is moved past it, so no timer fires on its own.
 */
export class SteppingClock implements Clock {
  private sleepers: Sleeper[] = []

  constructor(private time: number) {}

  now(): number {
    return this.time
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason)
      const sleeper: Sleeper = { wakeAt: this.time + ms, resolve }
      this.sleepers.push(sleeper)
      signal?.addEventListener('abort', () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper)
        reject(signal.reason)
      }, { once: true })
    })
  }

  advance(ms: number): void {
    this.set(this.time + ms)
  }

  set(ms: number): void {
    this.time = ms
    const due = this.sleepers.filter((s) => s.wakeAt <= ms)
    this.sleepers = this.sleepers.filter((s) => s.wakeAt > ms)
    for (const sleeper of due) sleeper.resolve()
  }
}
