import { bodyReadError, errorObjectMessage } from './openai-http.js'
import { parseKeepingText } from './raw-json.js'
import { invalidResponse, streamCutShort } from './transport-errors.js'
import { bodyStream } from './whole-body.js'
import { ProviderError, type ChatCompletionChunk } from './types.js'

/**
 * An OpenAI-format SSE body read as chat chunks: one iterator, no layers. Every chunk is parsed (it keeps
 * its own text, see raw-json.ts) and checked by hand for what the gateway relies on: an object with a
 * `choices` list of objects, and a finish_reason before the end; a stream that just stops is an error, not a
 * quiet success. `[DONE]` ends it; an error object in the stream fails it. An aborted call ends quietly (the
 * caller knows why). Event sizes are capped below, by the provider edge's fetch.
 */
const CARRIAGE_RETURN = 13
const COLON = 58
const SPACE = 32

class ChunkReader implements AsyncIterableIterator<ChatCompletionChunk> {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>
  private readonly decoder = new TextDecoder()
  private buffer = ''
  private data: string[] = []
  private event: string | null = null
  private finished = false
  private ended = false
  private bodyDone = false
  private first: ChatCompletionChunk | undefined

  constructor(private readonly provider: string, body: ReadableStream<Uint8Array>, private readonly signal: AbortSignal) {
    this.reader = body.getReader()
  }

  [Symbol.asyncIterator](): this {
    return this
  }

  /** Reads up to the first chunk, so that a failure before any output rejects the call itself. */
  async prime(): Promise<this> {
    const step = await this.next()
    if (!step.done) this.first = step.value
    else this.ended = true
    return this
  }

  async next(): Promise<IteratorResult<ChatCompletionChunk>> {
    if (this.first) {
      const value = this.first
      this.first = undefined
      return { done: false, value }
    }
    // Bounded by the body: each turn consumes one event or one read of it.
    while (!this.ended) {
      const payload = this.nextLinePayload()
      if (payload !== undefined) {
        if (payload.startsWith('[DONE]')) return this.end(true)
        return { done: false, value: this.chunkOf(payload) }
      }
      if (this.bodyDone) return this.end(false)
      let step: ReadableStreamReadResult<Uint8Array>
      try {
        step = await this.reader.read()
      } catch (err) {
        this.ended = true
        if (this.signal.aborted) return { done: true, value: undefined }
        throw bodyReadError(this.provider, err, this.signal)
      }
      if (step.done) {
        this.bodyDone = true
        // A last event without its blank line still counts.
        this.buffer += `${this.decoder.decode()}\n\n`
      } else {
        this.buffer += this.decoder.decode(step.value, { stream: true })
      }
    }
    return { done: true, value: undefined }
  }

  async return(): Promise<IteratorResult<ChatCompletionChunk>> {
    this.ended = true
    this.first = undefined
    await this.reader.cancel().catch(() => undefined)
    return { done: true, value: undefined }
  }

  /** The answer is over; after `[DONE]` the rest of the body is read in the background, so the connection is reused. */
  private end(atDone: boolean): IteratorResult<ChatCompletionChunk> {
    this.ended = true
    if (atDone) void this.drain()
    if (!this.finished && !this.signal.aborted) throw streamCutShort(this.provider)
    return { done: true, value: undefined }
  }

  private async drain(): Promise<void> {
    try {
      // Bounded by the upstream's body, which ends right after [DONE].
      for (;;) if ((await this.reader.read()).done) return
    } catch {
      // Nothing was owed after [DONE]: a body that breaks off now changes no answer.
    }
  }

  /** Consumes whole lines from the buffer up to the end of the next event with data; undefined: more bytes needed. */
  private nextLinePayload(): string | undefined {
    let start = 0
    let payload: string | undefined
    while (payload === undefined) {
      const newline = this.buffer.indexOf('\n', start)
      if (newline === -1) break
      const end = newline > start && this.buffer.charCodeAt(newline - 1) === CARRIAGE_RETURN ? newline - 1 : newline
      const line = this.buffer.slice(start, end)
      start = newline + 1
      if (line === '') {
        // Assistants' `thread.*` events are not chat chunks (the SDK skips them too).
        const skipped = this.event !== null && this.event.startsWith('thread.')
        if (this.data.length > 0 && !skipped) payload = this.data.length === 1 ? this.data[0]! : this.data.join('\n')
        this.data = []
        this.event = null
        continue
      }
      if (line.charCodeAt(0) === COLON) continue
      const colon = line.indexOf(':')
      const field = colon === -1 ? line : line.slice(0, colon)
      let value = colon === -1 ? '' : line.slice(colon + 1)
      if (value.charCodeAt(0) === SPACE) value = value.slice(1)
      if (field === 'data') this.data.push(value)
      else if (field === 'event') this.event = value
    }
    if (start > 0) this.buffer = this.buffer.slice(start)
    return payload
  }

  private chunkOf(payload: string): ChatCompletionChunk {
    let chunk: unknown
    try {
      // Data spread over several lines joins with newlines, which an SSE frame cannot carry as it is: written again.
      chunk = payload.includes('\n') ? JSON.parse(payload) : parseKeepingText(payload)
    } catch {
      throw invalidResponse(this.provider, 'stream chunk: not valid JSON')
    }
    if (typeof chunk !== 'object' || chunk === null) throw invalidResponse(this.provider, 'stream chunk: not a JSON object')
    const { error, choices } = chunk as { error?: unknown; choices?: unknown }
    if (error) {
      const message = typeof error === 'object' ? errorObjectMessage(error as { message?: unknown }) : JSON.stringify(error)
      throw new ProviderError({ provider: this.provider, status: 502, code: 'upstream_error', message: `${this.provider}: ${message}`, retryable: true })
    }
    if (!Array.isArray(choices)) throw invalidResponse(this.provider, 'stream chunk: choices is not a list')
    for (const choice of choices as unknown[]) {
      if (typeof choice !== 'object' || choice === null) throw invalidResponse(this.provider, 'stream chunk: a choice is not an object')
      if (typeof (choice as { finish_reason?: unknown }).finish_reason === 'string') this.finished = true
    }
    return chunk as ChatCompletionChunk
  }
}

/**
 * The chunks of a streamed chat answer, resolved once the first one has arrived: a stream that fails
 * before any output rejects (retryable, can fall back), a failure after it ends the iteration by throwing.
 */
export function readChunkStream(provider: string, response: Response, signal: AbortSignal): Promise<AsyncIterableIterator<ChatCompletionChunk>> {
  const body = bodyStream(response)
  if (!body) throw streamCutShort(provider)
  return new ChunkReader(provider, body, signal).prime()
}
