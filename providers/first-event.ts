/**
 * Reads the first item of a stream before handing it on, so that a failure before any output rejects the
 * call (retryable, can fall back) and a failure after it ends the iteration. `mapError` runs on both.
 */
export async function primeStream<T>(source: AsyncIterable<T>, mapError: (err: unknown) => Error): Promise<AsyncIterable<T>> {
  const iterator = source[Symbol.asyncIterator]()
  let first: IteratorResult<T>
  try {
    first = await iterator.next()
  } catch (err) {
    throw mapError(err)
  }
  return {
    [Symbol.asyncIterator]() {
      let pending: IteratorResult<T> | undefined = first
      return {
        async next(): Promise<IteratorResult<T>> {
          if (pending) {
            const result = pending
            pending = undefined
            return result
          }
          try {
            return await iterator.next()
          } catch (err) {
            throw mapError(err)
          }
        },
        async return(value?: unknown): Promise<IteratorResult<T>> {
          pending = undefined
          await iterator.return?.(value)
          return { done: true, value: undefined }
        },
      }
    },
  }
}
