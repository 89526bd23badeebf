import { toGatewayError } from '../errors.js'
import { plainDecimalJson } from '../metering/plain-decimal-json.js'
import { rawJsonOf } from '../../providers/raw-json.js'
import { endOnce, type StreamEndListener } from './stream-end.js'

const encoder = new TextEncoder()
const DONE = encoder.encode('data: [DONE]\n\n')

export interface SseOptions {
  /** Told once how the stream ended: to the end, after an error frame, or cancelled by the client (the access log). */
  onEnd?: StreamEndListener | undefined
}

/**
 * Encodes objects as OpenAI's SSE (`data: {json}\n\n`, then `data: [DONE]`); a chunk that reaches the client as
 * the upstream sent it is written as the upstream's own text (raw-json.ts). A failure after output began
 * becomes an error frame `data: {"error": …}` and the stream closes without [DONE], so clients raise
 * instead of mistaking a cut answer for a whole one. A client that goes away cancels the source.
 */
export function sseStream(source: AsyncIterable<unknown>, options: SseOptions = {}): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]()
  const end = endOnce(options.onEnd)
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await iterator.next()
        if (next.done) {
          controller.enqueue(DONE)
          controller.close()
          end('complete')
          return
        }
        controller.enqueue(encoder.encode(`data: ${rawJsonOf(next.value) ?? plainDecimalJson(next.value)}\n\n`))
      } catch (err) {
        controller.enqueue(encoder.encode(`data: ${JSON.stringify(toGatewayError(err).toJSON())}\n\n`))
        controller.close()
        end('broken')
      }
    },
    async cancel() {
      try {
        await iterator.return?.()
      } finally {
        end('client_closed')
      }
    },
  }, { highWaterMark: 0 })
}

export const sseHeaders: Record<string, string> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
}

/**
 * Encodes a dialect's events as SSE frames with `event:` lines (Anthropic Messages, OpenAI Responses): `frame`
 * turns one event into its text, `errorFrame` the failure that ends a stream after output began. A client
 * that goes away cancels the source, which aborts the upstream.
 */
export function namedEventStream<T>(source: AsyncIterable<T>, frame: (event: T) => string, errorFrame: (err: unknown) => string, options: SseOptions = {}): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]()
  const end = endOnce(options.onEnd)
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await iterator.next()
        if (next.done) {
          controller.close()
          end('complete')
          return
        }
        controller.enqueue(encoder.encode(frame(next.value)))
      } catch (err) {
        controller.enqueue(encoder.encode(errorFrame(err)))
        controller.close()
        end('broken')
      }
    },
    async cancel() {
      try {
        await iterator.return?.()
      } finally {
        end('client_closed')
      }
    },
  }, { highWaterMark: 0 })
}
