import { ProviderError, type UpstreamEdge } from '../../../providers/index.js'
import { bodyStream } from '../../../providers/whole-body.js'
import type { CallerSignal } from '../../routing/caller-signal.js'
import { costPicoUsd, zeroTokens, type TokenCounts } from '../../metering/cost.js'
import { record, type AttemptReport } from '../../routing/attempt.js'
import { toProviderError } from '../../routing/provider-error.js'
import type { Target } from '../../routing/resolve.js'
import type { RouteRun } from '../../routing/run.js'
import { firstByteTimeout, linkAbort, requestTimeout, startTimer } from '../../routing/timeouts.js'
import { readSseFrames, type RawFrame } from './sse-frames.js'

const DEFAULT_BASE_URL = 'https://api.anthropic.com'

/** An Anthropic endpoint under the provider's base URL (`/v1/messages`, `/v1/messages/count_tokens`). */
export function anthropicUrl(baseURL: string | undefined, path: string): string {
  return `${(baseURL ?? DEFAULT_BASE_URL).replace(/\/+$/, '')}${path}`
}

/** The headers of a native call: the provider's key, the client's API version and betas. */
export function nativeRequestHeaders(apiKey: string, headers: NativeHeaders): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-api-key': apiKey,
    'anthropic-version': headers.version,
    ...(headers.beta && { 'anthropic-beta': headers.beta }),
  }
}

/** What the client's request says about the API, passed on to Anthropic as the client sent it. */
export interface NativeHeaders {
  version: string
  beta?: string
}

export type NativeAttempt =
  | { kind: 'json'; body: unknown; report: AttemptReport }
  /** Frames exactly as Anthropic sent them; the usage row is written when they end. */
  | { kind: 'stream'; frames: AsyncIterable<string> }

interface AnthropicUsage { input_tokens?: number; output_tokens?: number; cache_read_input_tokens?: number; cache_creation_input_tokens?: number }

function tokensOf(usage: AnthropicUsage): TokenCounts {
  const cached = usage.cache_read_input_tokens ?? 0
  const writes = usage.cache_creation_input_tokens ?? 0
  return { ...zeroTokens, promptTokens: (usage.input_tokens ?? 0) + cached + writes, completionTokens: usage.output_tokens ?? 0, cachedTokens: cached, cacheWriteTokens: writes }
}

/** Anthropic's error body and status → ProviderError, with the same verdicts as the Anthropic adapter. */
export async function upstreamError(provider: string, response: Response): Promise<ProviderError> {
  const { APIError } = await import('@anthropic-ai/sdk')
  const { mapAnthropicError } = await import('../../../providers/anthropic/anthropic-error.js')
  const text = await response.text().catch(() => '')
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return mapAnthropicError(provider, APIError.generate(response.status, json as object | undefined, text || undefined, response.headers))
}

/** A mid-stream `error` event from Anthropic, as a ProviderError (its type says which status it stands for). */
async function streamError(provider: string, data: unknown): Promise<ProviderError> {
  const { APIError } = await import('@anthropic-ai/sdk')
  const { mapAnthropicError } = await import('../../../providers/anthropic/anthropic-error.js')
  // No HTTP status: the mapping reads the status from the error's type (overloaded_error → 529, …).
  return mapAnthropicError(provider, new APIError(undefined, data as object | undefined, undefined, undefined))
}

/**
 * One call to one Anthropic target with the client's own Messages body (only `model` replaced), metered
 * like a chat attempt: one usage row whatever happens, the client's abort reaching the upstream.
 */
export async function attemptNative(run: RouteRun, target: Target, body: Record<string, unknown>, headers: NativeHeaders, parent: CallerSignal): Promise<NativeAttempt> {
  const { deps } = run
  const { spec } = target.entry
  const started = deps.clock.now()
  const attempt = ++run.attempts
  const controller = new AbortController()
  const unlink = linkAbort(parent, controller)
  const firstByteMs = target.timeoutMs ?? run.settings.first_byte_timeout_ms
  let cancelTimer = startTimer(deps.clock, Math.min(firstByteMs, run.deadline - started), () => controller.abort(
    run.deadline - started <= firstByteMs ? requestTimeout(target.providerName, run.timeoutMs) : firstByteTimeout(target.providerName, target.model, firstByteMs)))
  const stream = body.stream === true
  let ttftMs: number | null = null

  const finish = (report: Omit<AttemptReport, 'target' | 'attempt' | 'latencyMs' | 'ttftMs' | 'costPicoUsd'>): AttemptReport => {
    cancelTimer()
    unlink()
    const full: AttemptReport = {
      ...report, target, attempt, latencyMs: deps.clock.now() - started, ttftMs,
      costPicoUsd: report.tokens === zeroTokens ? null : costPicoUsd(deps.prices.lookup(target.providerName, target.upstreamModel), report.tokens),
    }
    recordNative(run, full, stream)
    return full
  }
  const fail = (err: unknown, tokens: TokenCounts = zeroTokens): ProviderError => {
    const error = target.entry.edge.clean(toProviderError(target.providerName, err, controller.signal))
    finish({ status: error.status, outcome: error.code === 'aborted' ? 'aborted' : 'error', error, tokens })
    return error
  }

  let response: Response
  try {
    response = await target.entry.edge.fetch(deps.fetch)(anthropicUrl(spec.baseURL, '/v1/messages'), {
      method: 'POST',
      headers: nativeRequestHeaders(spec.apiKey, headers),
      body: JSON.stringify({ ...body, model: target.upstreamModel }),
      signal: controller.signal,
    })
    if (!response.ok) throw await upstreamError(target.providerName, response)
    if (!stream) {
      const json = (await response.json()) as { usage?: AnthropicUsage }
      ttftMs = deps.clock.now() - started
      return { kind: 'json', body: json, report: finish({ status: 200, outcome: 'success', tokens: tokensOf(json.usage ?? {}) }) }
    }
  } catch (err) {
    throw fail(err)
  }
  cancelTimer()
  cancelTimer = startTimer(deps.clock, run.deadline - deps.clock.now(), () => controller.abort(requestTimeout(target.providerName, run.timeoutMs)))
  const markOutput = () => {
    ttftMs ??= deps.clock.now() - started
  }
  return { kind: 'stream', frames: await primedFrames(bodyStream(response)!, target.providerName, { controller, markOutput, finish, fail, edge: target.entry.edge }) }
}

interface StreamControl {
  controller: AbortController
  /** Called at the first content delta (time to first token). */
  markOutput: () => void
  finish: (report: Omit<AttemptReport, 'target' | 'attempt' | 'latencyMs' | 'ttftMs' | 'costPicoUsd'>) => AttemptReport
  fail: (err: unknown, tokens?: TokenCounts) => ProviderError
  /** Cleans an error event before it is passed on (its message is the upstream's voice, and may quote a key). */
  edge: UpstreamEdge
}

type FrameData = { type?: string; message?: { usage?: AnthropicUsage }; usage?: AnthropicUsage; error?: { message?: unknown } } | undefined

/**
 * The upstream's frames passed on unchanged while their usage is read (message_start: input, message_delta:
 * output). The first frame is read before this resolves, so a stream that fails at once can be retried;
 * an `error` event after that reaches the client as Anthropic sent it.
 */
async function primedFrames(body: ReadableStream<Uint8Array>, provider: string, control: StreamControl): Promise<AsyncIterable<string>> {
  const usage: AnthropicUsage = {}
  const frames = readSseFrames(body)
  let ended = false
  let delivered = false
  const end = (error?: unknown): ProviderError | undefined => {
    if (ended) return undefined
    ended = true
    if (error === undefined) {
      control.finish({ status: 200, outcome: 'success', tokens: tokensOf(usage) })
      return undefined
    }
    return control.fail(error, tokensOf(usage))
  }

  const read = async (): Promise<IteratorResult<RawFrame>> => {
    let next: IteratorResult<RawFrame>
    try {
      next = await frames.next()
    } catch (err) {
      throw end(err) ?? toProviderError(provider, err, control.controller.signal)
    }
    if (next.done) return next
    const data = next.value.data as FrameData
    if (data?.type === 'message_start') Object.assign(usage, data.message?.usage)
    else if (data?.type === 'message_delta') Object.assign(usage, data.usage)
    else if (data?.type === 'content_block_delta') control.markOutput()
    else if (data?.type === 'message_stop') end()
    if (next.value.event === 'error' || data?.type === 'error') {
      const error = end(await streamError(provider, data))
      if (!delivered && error) throw error
      return { done: false, value: { ...next.value, text: control.edge.redactMessages(next.value.text, [data?.error?.message]) } }
    }
    return next
  }

  let pending: IteratorResult<RawFrame> | undefined = await read()
  return {
    [Symbol.asyncIterator]() {
      return {
        async next(): Promise<IteratorResult<string>> {
          const result = pending ?? await read()
          pending = undefined
          if (!result.done) {
            delivered = true
            return { done: false, value: result.value.text }
          }
          if (!ended) {
            throw end(new ProviderError({ provider, status: 502, code: 'upstream_error', retryable: true, message: `${provider}: the stream ended before the message did` }))
          }
          return { done: true, value: undefined }
        },
        async return(): Promise<IteratorResult<string>> {
          pending = undefined
          if (!ended) {
            // The client went away: the upstream is aborted and the attempt billed for what it streamed.
            const reason = new DOMException('aborted', 'AbortError')
            control.controller.abort(reason)
            end(reason)
          }
          await frames.return(undefined)
          return { done: true, value: undefined }
        },
      }
    },
  }
}

/** The attempt's usage row (written by the same code as every other attempt's), and the router's bookkeeping. */
function recordNative(run: RouteRun, report: AttemptReport, stream: boolean): void {
  const { deps, meta, route } = run
  record({ deps, meta, route }, report, stream)
  run.reports.push(report)
  if (report.error) deps.targets.recordFailure(report.target.model, report.error)
}
