import { toGatewayError } from '../../errors.js'
import { namedEventStream, type SseOptions } from '../../streaming/sse.js'

const encoder = new TextEncoder()

function eventText(event: { type: string }): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`
}

/** One Responses SSE frame: OpenAI names every event on an `event:` line as well as in `type`. */
export function eventFrame(event: { type: string }): Uint8Array {
  return encoder.encode(eventText(event))
}

/**
 * Encodes Responses events as SSE (no `[DONE]`: the Responses API ends with response.completed). A source
 * that throws anyway ends with an `error` event; a client that goes away cancels the source.
 */
export function responsesSseStream(source: AsyncIterable<{ type: string }>, options: SseOptions = {}): ReadableStream<Uint8Array> {
  return namedEventStream(source, eventText, (err) => {
    const mapped = toGatewayError(err)
    return eventText({ type: 'error', code: mapped.code ?? mapped.type, message: mapped.message, param: mapped.param } as { type: string })
  }, options)
}
