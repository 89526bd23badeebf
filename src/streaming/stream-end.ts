import type { Context } from 'hono'
import type { AppEnv } from '../app-env.js'

/** How a streamed response ended, as the client saw it. */
export type StreamEnding = 'complete' | 'broken' | 'client_closed'

export type StreamEndListener = (ending: StreamEnding) => void

/** Calls `onEnd` with the first ending reported, and ignores the rest (a stream can close and be cancelled). */
export function endOnce(onEnd: StreamEndListener | undefined): StreamEndListener {
  let ended = false
  return (ending) => {
    if (ended) return
    ended = true
    onEnd?.(ending)
  }
}

/**
 * The listener the access log left on the context for a streamed answer: taking it tells the access log that
 * the stream reports its own ending, so the request's line is written when the last byte goes, not when the
 * handler returns. The stream calls it itself (sse.ts), so no second stream is wrapped around the body and the
 * response stays the plain one the handler built (wrapping it again made @hono/node-server hold the first
 * chunk for a timer tick).
 */
export function takeStreamEnd(c: Context<AppEnv>): StreamEndListener | undefined {
  return c.get('takeStreamEnd')?.()
}

/** Passes a body through unchanged and reports how it ended: read to the end, failed, or cancelled by the client. */
export function watchEnd(body: ReadableStream<Uint8Array>, onEnd: StreamEndListener | undefined): ReadableStream<Uint8Array> {
  if (!onEnd) return body
  const reader = body.getReader()
  const end = endOnce(onEnd)
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read()
        if (done) {
          controller.close()
          end('complete')
        } else {
          controller.enqueue(value)
        }
      } catch (err) {
        controller.error(err)
        end('broken')
      }
    },
    cancel(reason) {
      end('client_closed')
      return reader.cancel(reason)
    },
  }, { highWaterMark: 0 })
}
