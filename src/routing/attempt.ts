import type { ChatCompletion, ChatCompletionChunk, ChatRequest, ProviderError } from '../../providers/index.js'
import type { ChatCompletionCreateParams } from 'openai/resources'
import type { AppDeps } from '../deps.js'
import { cacheSavingsPicoUsd, costPicoUsd, zeroTokens, type TokenCounts } from '../metering/cost.js'
import { estimatePromptTokens } from '../metering/estimate-tokens.js'
import { tokensFromUsage } from '../metering/usage-of.js'
import type { CallMeta } from './call-meta.js'
import type { ResolvedRoute, Target } from './resolve.js'
import { toProviderError } from './provider-error.js'
import { pipeStream } from '../streaming/pipe-stream.js'
import { shapeForClient, type ClientShaping } from './client-stream.js'

export type AttemptOutcome = 'success' | 'error' | 'aborted'

/** What one upstream attempt cost and how it went, as recorded in its usage row. */
export interface AttemptReport {
  target: Target
  attempt: number
  status: number
  outcome: AttemptOutcome
  error?: ProviderError
  tokens: TokenCounts
  costPicoUsd: number | null
  latencyMs: number
  ttftMs: number | null
}

export interface AttemptContext {
  deps: AppDeps
  meta: CallMeta
  route: ResolvedRoute
  /** 1-based attempt number within the call (retries and fallbacks count up). */
  attempt: number
  signal: AbortSignal
  /** Called with each report right after its row is recorded (the router's totals, timers, cooldowns). */
  onEnd?: (report: AttemptReport) => void
}

/** The request a target receives: the caller's body, the target's params on top, its own model name. */
export function requestForTarget(body: ChatCompletionCreateParams, target: Target): ChatRequest {
  return { ...body, ...target.params, model: target.upstreamModel } as ChatRequest
}

/** Writes one attempt's usage row (and tells the router); the native Responses path records through it too. */
export function record(ctx: Pick<AttemptContext, 'deps' | 'meta' | 'route' | 'onEnd'>, report: AttemptReport, stream: boolean): void {
  const { meta, route } = ctx
  ctx.deps.usage.record({
    requestId: meta.requestId,
    attempt: report.attempt,
    createdAt: ctx.deps.clock.now(),
    keyId: meta.principal.keyId,
    team: meta.principal.key?.team ?? null,
    provider: report.target.providerName,
    model: report.target.model,
    route: route.name,
    strategy: route.strategy,
    prompt: meta.prompt?.name ?? null,
    promptVersion: meta.prompt?.version ?? null,
    endpoint: meta.endpoint ?? 'chat',
    stream,
    status: report.status,
    outcome: report.outcome,
    errorType: report.error?.code ?? null,
    promptTokens: report.tokens.promptTokens,
    completionTokens: report.tokens.completionTokens,
    cachedTokens: report.tokens.cachedTokens,
    cacheWriteTokens: report.tokens.cacheWriteTokens,
    reasoningTokens: report.tokens.reasoningTokens,
    costPicoUsd: report.costPicoUsd,
    cacheSavingsPicoUsd: cacheSavingsPicoUsd(ctx.deps.prices.lookup(report.target.providerName, report.target.upstreamModel), report.tokens),
    latencyMs: report.latencyMs,
    ttftMs: report.ttftMs,
    surface: meta.surface ?? null,
  })
  ctx.onEnd?.(report)
}

function costOf(ctx: AttemptContext, target: Target, tokens: TokenCounts): number | null {
  return costPicoUsd(ctx.deps.prices.lookup(target.providerName, target.upstreamModel), tokens)
}

function failureReport(ctx: AttemptContext, target: Target, started: number, err: ProviderError, ttftMs: number | null, tokens = zeroTokens): AttemptReport {
  const aborted = err.code === 'aborted'
  return {
    target, attempt: ctx.attempt, status: err.status, outcome: aborted ? 'aborted' : 'error', error: err,
    tokens, costPicoUsd: tokens === zeroTokens ? null : costOf(ctx, target, tokens),
    latencyMs: ctx.deps.clock.now() - started, ttftMs,
  }
}

function callContext(ctx: AttemptContext, target: Target) {
  const { spec } = target.entry
  const { dropUnsupportedParams, droppedParams } = ctx.meta
  const headers = ctx.deps.observability.upstreamHeaders(ctx.meta, ctx.attempt, { ...target, providerType: spec.type }, 'chat')
  return {
    signal: ctx.signal, apiKey: spec.apiKey, baseURL: spec.baseURL, fetch: ctx.deps.fetch, headers,
    dropUnsupportedParams, onDroppedParam: droppedParams && ((param: string) => droppedParams.add(param)),
  }
}

export interface JsonAttempt { completion: ChatCompletion; report: AttemptReport }

/** One non-streaming call to one target, metered whatever happens. */
export async function attemptJson(ctx: AttemptContext, target: Target, body: ChatCompletionCreateParams): Promise<JsonAttempt> {
  const started = ctx.deps.clock.now()
  try {
    const completion = await target.entry.provider.chat(requestForTarget(body, target), callContext(ctx, target))
    ctx.deps.observability.upstreamAnswered(ctx.meta, ctx.attempt, completion)
    const latencyMs = ctx.deps.clock.now() - started
    const tokens = tokensFromUsage(completion.usage)
    const report: AttemptReport = {
      target, attempt: ctx.attempt, status: 200, outcome: 'success', tokens,
      costPicoUsd: costOf(ctx, target, tokens), latencyMs, ttftMs: latencyMs,
    }
    record(ctx, report, false)
    return { completion, report }
  } catch (err) {
    const mapped = toProviderError(target.providerName, err, ctx.signal)
    record(ctx, failureReport(ctx, target, started, mapped, null), false)
    throw mapped
  }
}

/** A stream that goes straight to the client: shaped on the way, and `onEnd` called once its row is recorded. */
export interface ForClient extends ClientShaping {
  onEnd: () => void
}

export interface StreamAttempt {
  /**
   * Chunks as the provider sent them (usage chunk included), or shaped for the client when the attempt was
   * told it feeds the client; the report is recorded when they end.
   */
  chunks: AsyncIterable<ChatCompletionChunk>
  /** Settles with the final report once the stream has ended, however it ended. */
  done: Promise<AttemptReport>
}

/** True when a chunk carries something of the answer (text, tool calls, a refusal, reasoning). */
export function hasOutput(chunk: ChatCompletionChunk): boolean {
  for (const choice of chunk.choices) {
    const delta = choice.delta as { content?: string | null; tool_calls?: unknown[]; refusal?: string | null; reasoning_content?: string }
    if (delta.content || delta.tool_calls?.length || delta.refusal || delta.reasoning_content) return true
  }
  return false
}

function outputChars(chunk: ChatCompletionChunk): number {
  let n = 0
  for (const choice of chunk.choices) {
    const delta = choice.delta as { content?: string | null; tool_calls?: Array<{ function?: { arguments?: string } }>; refusal?: string | null; reasoning_content?: string }
    n += (delta.content?.length ?? 0) + (delta.refusal?.length ?? 0) + (delta.reasoning_content?.length ?? 0)
    if (delta.tool_calls) for (const call of delta.tool_calls) n += call.function?.arguments?.length ?? 0
  }
  return n
}

/**
 * A stream cut after output began, before the upstream reported usage: the prompt and what was streamed,
 * estimated at four characters a token, so the row shows what the cut attempt cost rather than nothing.
 */
function estimatedTokens(body: ChatCompletionCreateParams, outputCharCount: number): TokenCounts {
  const promptTokens = estimatePromptTokens(body)
  return { ...zeroTokens, promptTokens, completionTokens: Math.ceil(outputCharCount / 4) }
}

/**
 * One streaming call to one target. Resolves once the upstream has accepted the call (a failure before
 * any output rejects, so it can be retried); the usage row is written when the stream ends: success,
 * a mid-stream error, or the consumer stopping early (aborted). This is the one wrapper around the
 * provider's stream: metering, and with `forClient` the client's shaping and the call's end too.
 */
export async function attemptStream(ctx: AttemptContext, target: Target, body: ChatCompletionCreateParams, forClient?: ForClient): Promise<StreamAttempt> {
  const started = ctx.deps.clock.now()
  let source: AsyncIterable<ChatCompletionChunk>
  try {
    source = await target.entry.provider.chatStream(requestForTarget(body, target), callContext(ctx, target))
  } catch (err) {
    const mapped = toProviderError(target.providerName, err, ctx.signal)
    const report = failureReport(ctx, target, started, mapped, null)
    record(ctx, report, true)
    throw mapped
  }

  let settle!: (report: AttemptReport) => void
  const done = new Promise<AttemptReport>((resolve) => { settle = resolve })
  let ttftMs: number | null = null
  let usage: ChatCompletionChunk['usage'] = null
  let chars = 0
  const partial = () => (usage ? tokensFromUsage(usage) : chars > 0 ? estimatedTokens(body, chars) : zeroTokens)
  const finish = (report: AttemptReport): AttemptReport => {
    record(ctx, report, true)
    settle(report)
    forClient?.onEnd()
    return report
  }

  const chunks = pipeStream<ChatCompletionChunk>(source, {
    map(chunk) {
      if (ttftMs === null && hasOutput(chunk)) ttftMs = ctx.deps.clock.now() - started
      if (chunk.usage) usage = chunk.usage
      else chars += outputChars(chunk)
      ctx.deps.observability.upstreamAnswered(ctx.meta, ctx.attempt, chunk)
      return forClient ? shapeForClient(chunk, forClient) : chunk
    },
    end(ending) {
      if (ending.kind === 'done' && !ctx.signal.aborted) {
        const tokens = tokensFromUsage(usage)
        finish({
          target, attempt: ctx.attempt, status: 200, outcome: 'success', tokens,
          costPicoUsd: costOf(ctx, target, tokens), latencyMs: ctx.deps.clock.now() - started, ttftMs,
        })
        return undefined
      }
      // A consumer that stopped early (client gone, race lost) closes the upstream by return(), and is billed.
      const error = ending.kind === 'error' ? ending.error : new DOMException('aborted', 'AbortError')
      const report = finish(failureReport(ctx, target, started, toProviderError(target.providerName, error, ctx.signal), ttftMs, partial()))
      // The SDK ends an aborted stream quietly, as if it had finished: the signal tells the two apart.
      if (ending.kind === 'done') throw report.error
      return report.error
    },
  })

  return { chunks, done }
}
