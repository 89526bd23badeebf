import { toGatewayError } from '../../errors.js'
import { namedEventStream, type SseOptions } from '../../streaming/sse.js'
import { anthropicErrorBody } from './errors.js'

/** One SSE frame with its `event:` line: Anthropic's SDKs dispatch on it, and throw on `event: error`. */
export function eventFrame(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`
}

/** The `error` event that ends a stream which failed after output began (no message_stop follows). */
export function errorFrame(err: unknown): string {
  return eventFrame('error', anthropicErrorBody(toGatewayError(err)).body)
}

/**
 * Encodes Anthropic events (objects with a `type`, or frames already encoded as text by the native path)
 * as SSE. A failure becomes an `error` event and the stream closes; a client that goes away cancels the
 * source, which aborts the upstream.
 */
export function messagesSseStream(source: AsyncIterable<{ type: string } | string>, options: SseOptions = {}): ReadableStream<Uint8Array> {
  return namedEventStream(source, (value) => (typeof value === 'string' ? value : eventFrame(value.type, value)), errorFrame, options)
}
