import type { CreateEmbeddingResponse, EmbeddingRequest, ProviderError } from '../../providers/index.js'
import type { AppDeps } from '../deps.js'
import { costPicoUsd, zeroTokens, type TokenCounts } from '../metering/cost.js'
import type { CallMeta } from './call-meta.js'
import { toProviderError } from './provider-error.js'
import type { Target } from './resolve.js'

export interface EmbeddingsReport {
  status: number
  tokens: TokenCounts
  costPicoUsd: number | null
  latencyMs: number
  error?: ProviderError
}

export interface EmbeddingsAttempt {
  response: CreateEmbeddingResponse
  report: EmbeddingsReport
}

function record(deps: AppDeps, meta: CallMeta, target: Target, report: EmbeddingsReport): void {
  deps.usage.record({
    requestId: meta.requestId,
    attempt: 1,
    createdAt: deps.clock.now(),
    keyId: meta.principal.keyId,
    team: meta.principal.key?.team ?? null,
    provider: target.providerName,
    model: target.model,
    route: target.model,
    strategy: 'single',
    prompt: null,
    promptVersion: null,
    endpoint: 'embeddings',
    stream: false,
    status: report.status,
    outcome: report.error ? (report.error.code === 'aborted' ? 'aborted' : 'error') : 'success',
    errorType: report.error?.code ?? null,
    promptTokens: report.tokens.promptTokens,
    completionTokens: 0,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costPicoUsd: report.costPicoUsd,
    latencyMs: report.latencyMs,
    ttftMs: null,
  })
}

/**
 * One embeddings call to one target, metered like a chat attempt: one usage row (endpoint `embeddings`),
 * input tokens at the model's input price, whatever happens.
 */
export async function attemptEmbeddings(deps: AppDeps, meta: CallMeta & { signal: AbortSignal }, target: Target, request: EmbeddingRequest): Promise<EmbeddingsAttempt> {
  const embed = target.entry.provider.embed
  if (!embed) throw new Error(`provider ${target.providerName} has no embed`)
  const { spec } = target.entry
  const started = deps.clock.now()
  try {
    const headers = deps.observability.upstreamHeaders(meta, 1, { ...target, providerType: spec.type }, 'embeddings')
    const response = await embed.call(target.entry.provider, request, { signal: meta.signal, apiKey: spec.apiKey, baseURL: spec.baseURL, fetch: deps.fetch, headers })
    deps.observability.upstreamAnswered(meta, 1, response)
    const promptTokens = response.usage?.prompt_tokens ?? 0
    const tokens: TokenCounts = { ...zeroTokens, promptTokens }
    const report: EmbeddingsReport = {
      status: 200, tokens, latencyMs: deps.clock.now() - started,
      costPicoUsd: costPicoUsd(deps.prices.lookup(target.providerName, target.upstreamModel), tokens),
    }
    record(deps, meta, target, report)
    return { response, report }
  } catch (err) {
    const error = toProviderError(target.providerName, err, meta.signal)
    record(deps, meta, target, { status: error.status, tokens: zeroTokens, costPicoUsd: null, latencyMs: deps.clock.now() - started, error })
    throw error
  }
}
