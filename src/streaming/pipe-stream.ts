/** How a piped stream ended: its source finished, threw, or its consumer stopped early (return()). */
export type StreamEnding = { kind: 'done' } | { kind: 'error'; error: unknown } | { kind: 'returned' }

export interface PipeHooks<T, U> {
  /** Shapes one item; `undefined` drops it. */
  map?: (item: T) => U | undefined
  /**
   * Runs once, before the ending reaches the consumer. It may throw (a source that finished cleanly can
   * still be a failure, say an aborted upstream) and on an error it returns what the consumer receives.
   */
  end?: (ending: StreamEnding) => unknown
}

const DONE: IteratorResult<never> = { done: true, value: undefined }

/**
 * An async iterator over `source` with a map step and an end hook that runs exactly once. Unlike an async
 * generator, return() reaches the source and the end hook even before the first next(), so a client
 * that leaves before the first chunk still closes the upstream and still gets its attempt metered. On
 * return() the hooks of nested pipes run innermost first.
 */
export function pipeStream<T, U = T>(source: AsyncIterable<T>, hooks: PipeHooks<T, U>): AsyncIterableIterator<U> {
  const iterator = source[Symbol.asyncIterator]()
  const map = hooks.map
  let ended = false

  const finish = (ending: StreamEnding): unknown => {
    ended = true
    return hooks.end?.(ending)
  }

  return {
    [Symbol.asyncIterator]() {
      return this
    },
    async next(): Promise<IteratorResult<U>> {
      // Bounded by the source: each turn consumes one of its items.
      while (!ended) {
        let step: IteratorResult<T>
        try {
          step = await iterator.next()
        } catch (error) {
          if (ended) return DONE
          throw finish({ kind: 'error', error }) ?? error
        }
        if (ended) return DONE
        if (step.done) {
          finish({ kind: 'done' })
          return DONE
        }
        if (!map) return step as unknown as IteratorResult<U>
        const value = map(step.value)
        if (value !== undefined) return { done: false, value }
      }
      return DONE
    },
    async return(): Promise<IteratorResult<U>> {
      if (ended) return DONE
      ended = true
      // The source's close starts first and runs the end hooks of the pipes below synchronously (an
      // attempt's usage row), so this pipe's own hook (releasing the admission ticket) runs after them and
      // the limits count the partial usage. It is not awaited first: a source may be slow to close.
      let closing: Promise<unknown> | undefined
      try {
        closing = iterator.return?.()
      } catch {
        // A source that cannot close has no one left to tell; the end hook still runs.
      }
      finish({ kind: 'returned' })
      try {
        await closing
      } catch {
        // The consumer is gone; a source failing to close has no one left to tell.
      }
      return DONE
    },
  }
}
