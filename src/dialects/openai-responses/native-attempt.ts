import { DEFAULT_OPENAI_BASE_URL, statusError } from '../../../providers/openai-http.js'
import { ProviderError, type UpstreamEdge } from '../../../providers/index.js'
import { streamCutShort, unexpectedError } from '../../../providers/transport-errors.js'
import { bodyStream, bodyText } from '../../../providers/whole-body.js'
import type { AppDeps } from '../../deps.js'
import { zeroTokens, type TokenCounts } from '../../metering/cost.js'
import { toProviderError } from '../../routing/provider-error.js'
import type { Target } from '../../routing/resolve.js'
import { eventFrame } from './sse.js'
import { tokensOfResponse, type NativeAttemptReport } from './native-usage.js'

const decoder = () => new TextDecoder()

export interface NativeCall {
  deps: AppDeps
  target: Target
  attempt: number
  signal: AbortSignal
  /** Aborts this attempt's upstream request (the client went away). */
  abort(): void
  /** The body as the client sent it (previous turns joined in when the gateway stored them). */
  body: Record<string, unknown>
  /** Called once with the attempt's report (the usage row), whatever happened. */
  onEnd(report: NativeAttemptReport): void
}

async function post(call: NativeCall, stream: boolean): Promise<Response> {
  const { spec } = call.target.entry
  const url = `${(spec.baseURL ?? DEFAULT_OPENAI_BASE_URL).replace(/\/+$/, '')}/responses`
  const body = { ...call.body, ...call.target.params, model: call.target.upstreamModel, stream }
  const res = await call.target.entry.edge.fetch(call.deps.fetch)(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${spec.apiKey}`, 'content-type': 'application/json', accept: stream ? 'text/event-stream' : 'application/json' },
    body: JSON.stringify(body),
    signal: call.signal,
  })
  if (res.ok) return res
  throw await statusError(call.target.providerName, res)
}

function failed(call: NativeCall, started: number, err: unknown, stream: boolean, tokens: TokenCounts = zeroTokens, ttftMs: number | null = null): ProviderError {
  const error = call.target.entry.edge.clean(toProviderError(call.target.providerName, err, call.signal))
  call.onEnd({ target: call.target, attempt: call.attempt, stream, status: error.status, error, tokens, latencyMs: call.deps.clock.now() - started, ttftMs })
  return error
}

export interface NativeJson {
  /** The upstream's body, byte for byte. */
  text: string
  response: Record<string, unknown> & { id: string }
}

/** One non-streaming call to OpenAI's /responses; the body comes back exactly as OpenAI sent it. */
export async function nativeJson(call: NativeCall): Promise<NativeJson> {
  const started = call.deps.clock.now()
  try {
    const res = await post(call, false)
    const text = await bodyText(res)
    const response = JSON.parse(text) as NativeJson['response']
    const latencyMs = call.deps.clock.now() - started
    call.onEnd({ target: call.target, attempt: call.attempt, stream: false, status: 200, tokens: tokensOfResponse(response), latencyMs, ttftMs: latencyMs })
    return { text, response }
  } catch (err) {
    throw failed(call, started, err, false)
  }
}

/** Reads SSE frames off a byte stream as they complete, for the gateway's own look at a passed-through stream. */
class FrameReader {
  private readonly text = decoder()
  private buffer = ''

  push(bytes: Uint8Array): Array<Record<string, unknown>> {
    this.buffer += this.text.decode(bytes, { stream: true })
    const frames = this.buffer.split(/\r?\n\r?\n/)
    this.buffer = frames.pop() ?? ''
    const events: Array<Record<string, unknown>> = []
    for (const frame of frames) {
      const data = frame.split(/\r?\n/).filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trimStart()).join('\n')
      if (!data || data === '[DONE]') continue
      try {
        events.push(JSON.parse(data) as Record<string, unknown>)
      } catch {
        // not JSON: passed through, nothing to read
      }
    }
    return events
  }
}

/** A piece of the stream carrying the upstream's own failure messages, redacted where they quote a secret. */
function redactedBytes(edge: UpstreamEdge, bytes: Uint8Array, messages: readonly unknown[]): Uint8Array {
  const text = decoder().decode(bytes)
  const clean = edge.redactMessages(text, messages)
  return clean === text ? bytes : new TextEncoder().encode(clean)
}

const finalTypes = new Set(['response.completed', 'response.incomplete', 'response.failed'])

export interface NativeStream {
  body: ReadableStream<Uint8Array>
}

/**
 * One streaming call to OpenAI's /responses. Resolves once OpenAI accepted it (an error status rejects, so it
 * can be retried); the bytes then pass through untouched while the gateway reads the final Response for
 * usage and storage. A cut after the stream began ends with an `error` event; a client that goes away
 * aborts the upstream. `onFinal` receives the final Response when one arrived.
 */
export async function nativeStream(call: NativeCall, onFinal: (response: Record<string, unknown> & { id: string }) => void): Promise<NativeStream> {
  const started = call.deps.clock.now()
  let res: Response
  try {
    res = await post(call, true)
  } catch (err) {
    throw failed(call, started, err, true)
  }
  const reader = bodyStream(res)!.getReader()
  const frames = new FrameReader()
  let final: Record<string, unknown> | undefined
  let lastSequence = -1
  let outputChars = 0
  let ttftMs: number | null = null
  let ended = false
  const partialTokens = (): TokenCounts => (final ? tokensOfResponse(final) : { ...zeroTokens, completionTokens: Math.ceil(outputChars / 4) })
  const end = (err?: unknown) => {
    if (ended) return undefined
    ended = true
    if (err === undefined && final && final.status !== 'failed') {
      const latencyMs = call.deps.clock.now() - started
      call.onEnd({ target: call.target, attempt: call.attempt, stream: true, status: 200, tokens: partialTokens(), latencyMs, ttftMs })
      return undefined
    }
    // A body that broke off, or ended without its final event, is the upstream's failure (502), not ours; the
    // upstream's own failure message reached the client in its bytes and is not copied into the row.
    const provider = call.target.providerName
    const upstreamFailure = final ? unexpectedError(provider, new Error('the response failed')) : streamCutShort(provider)
    const cause = err === undefined || (!(err instanceof ProviderError) && !call.signal.aborted) ? upstreamFailure : err
    return failed(call, started, cause, true, partialTokens(), ttftMs)
  }

  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let step: ReadableStreamReadResult<Uint8Array>
      try {
        step = await reader.read()
      } catch (err) {
        const error = end(err)
        if (!call.signal.aborted && error) {
          controller.enqueue(eventFrame({ type: 'error', code: error.code, message: error.message, param: null, sequence_number: lastSequence + 1 } as { type: string }))
        }
        controller.close()
        return
      }
      if (step.done) {
        end()
        controller.close()
        return
      }
      const failureMessages: unknown[] = []
      for (const event of frames.push(step.value)) {
        if (typeof event.sequence_number === 'number') lastSequence = event.sequence_number
        if (typeof event.delta === 'string') {
          outputChars += event.delta.length
          ttftMs ??= call.deps.clock.now() - started
        }
        if (typeof event.type === 'string' && finalTypes.has(event.type)) {
          final = event.response as Record<string, unknown>
          if (event.type !== 'response.failed') onFinal(final as Record<string, unknown> & { id: string })
        }
        if (event.type === 'error') failureMessages.push(event.message)
        if (event.type === 'response.failed') failureMessages.push((event.response as { error?: { message?: unknown } } | undefined)?.error?.message)
      }
      controller.enqueue(failureMessages.length > 0 ? redactedBytes(call.target.entry.edge, step.value, failureMessages) : step.value)
    },
    async cancel() {
      call.abort()
      end(new DOMException('aborted', 'AbortError'))
      await reader.cancel().catch(() => {})
    },
  }, { highWaterMark: 0 })
  return { body }
}
