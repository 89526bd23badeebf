/** One thing that happened on one of the merged streams. */
export type LaneEvent<T> =
  | { lane: number; kind: 'value'; value: T }
  | { lane: number; kind: 'done' }
  | { lane: number; kind: 'error'; error: unknown }

/**
 * Merges several streams as their items arrive: every stream is read at once, and each event says which
 * stream (lane) it came from. A stream that throws ends its own lane with an `error` event and the others
 * go on. return() closes every stream still open, even before the first next().
 */
export function interleave<T>(sources: ReadonlyArray<AsyncIterator<T>>): AsyncIterableIterator<LaneEvent<T>> {
  const pending = new Map<number, Promise<LaneEvent<T>>>()
  const open = new Set<number>(sources.keys())
  let started = false
  let closed = false

  const pull = (lane: number): Promise<LaneEvent<T>> =>
    sources[lane]!.next().then(
      (step): LaneEvent<T> => (step.done ? { lane, kind: 'done' } : { lane, kind: 'value', value: step.value }),
      (error: unknown): LaneEvent<T> => ({ lane, kind: 'error', error }),
    )

  return {
    [Symbol.asyncIterator]() {
      return this
    },
    async next(): Promise<IteratorResult<LaneEvent<T>>> {
      if (closed) return { done: true, value: undefined }
      if (!started) {
        started = true
        for (const lane of open) pending.set(lane, pull(lane))
      }
      if (pending.size === 0) return { done: true, value: undefined }
      const event = await Promise.race(pending.values())
      pending.delete(event.lane)
      if (event.kind === 'value') pending.set(event.lane, pull(event.lane))
      else open.delete(event.lane)
      return { done: false, value: event }
    },
    async return(): Promise<IteratorResult<LaneEvent<T>>> {
      closed = true
      const closing = [...open].map((lane) => sources[lane]!.return?.())
      open.clear()
      pending.clear()
      await Promise.allSettled(closing)
      return { done: true, value: undefined }
    },
  }
}
