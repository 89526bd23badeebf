import { toGatewayError } from '../../errors.js'

const encoder = new TextEncoder()

/** One Responses SSE frame: OpenAI names every event on an `event:` line as well as in `type`. */
export function eventFrame(event: { type: string }): Uint8Array {
  return encoder.encode(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`)
}

/**
 * Encodes Responses events as SSE (no `[DONE]`: the Responses API ends with response.completed). A source
 * that throws anyway ends with an `error` event; a client that goes away cancels the source.
 */
export function responsesSseStream(source: AsyncIterable<{ type: string }>): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await iterator.next()
        if (next.done) {
          controller.close()
          return
        }
        controller.enqueue(eventFrame(next.value))
      } catch (err) {
        const mapped = toGatewayError(err)
        controller.enqueue(eventFrame({ type: 'error', code: mapped.code ?? mapped.type, message: mapped.message, param: mapped.param } as { type: string }))
        controller.close()
      }
    },
    async cancel() {
      await iterator.return?.()
    },
  }, { highWaterMark: 0 })
}
