/**
 * Bodies the runtime's HTTP client already holds, handed to readers without asking the Response for them.
 * On Node, a small JSON answer is read into one string before its Response is built: asking the Response for
 * its text would build a web stream only to hand back bytes already in memory (≈ 6 KB of garbage and 2% of
 * CPU per call). Any other answer is a web stream over undici's body, and @hono/node-server's light Response
 * builds a whole second (undici) Response the first time anything asks for its `body`: the upstream edge
 * and the SSE readers take the stream from here instead.
 */
const wholeBodies = new WeakMap<Response, string>()

/** Builds the Response for an answer read whole, and remembers its text for `bodyText`. */
export function responseReadWhole(text: string, init: ResponseInit): Response {
  const response = new Response(text, init)
  wholeBodies.set(response, text)
  return response
}

/** The answer's text: the one read whole when there is one (once), otherwise the body read to its end. */
export function bodyText(response: Response): Promise<string> {
  const whole = wholeBodies.get(response)
  if (whole === undefined) return response.text()
  wholeBodies.delete(response)
  return Promise.resolve(whole)
}

const streamedBodies = new WeakMap<Response, ReadableStream<Uint8Array>>()

/** Builds the Response for an answer that streams, and remembers its stream for `bodyStream`. */
export function responseOverStream(stream: ReadableStream<Uint8Array>, init: ResponseInit): Response {
  const response = new Response(stream, init)
  streamedBodies.set(response, stream)
  return response
}

/** The answer's body as a stream: the one it was built over when known, otherwise the Response's own. */
export function bodyStream(response: Response): ReadableStream<Uint8Array> | null {
  return streamedBodies.get(response) ?? response.body
}

/** The reason phrase: none on a Response built here (undici's request API has none to give). */
export function statusTextOf(response: Response): string {
  return streamedBodies.has(response) ? '' : response.statusText
}
