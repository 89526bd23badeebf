import type { CallerSignal } from './routing/caller-signal.js'

/** Time, injectable so tests can move it without sleeping. */
export interface Clock {
  now(): number
  sleep(ms: number, signal?: CallerSignal): Promise<void>
  /**
   * Runs `onFire` after `ms` unless the returned function cancels it first: a cheaper timer than a
   * cancelled sleep (routing arms one per upstream attempt). Without it, routing uses sleep.
   */
  timer?(ms: number, onFire: () => void): () => void
}

export const systemClock: Clock = {
  now: () => Date.now(),
  timer(ms, onFire) {
    const handle = setTimeout(onFire, ms)
    return () => clearTimeout(handle)
  },
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason)
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      const onAbort = () => {
        clearTimeout(timer)
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
    }),
}
