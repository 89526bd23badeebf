import type { ProviderError } from '../../../providers/index.js'
import type { AppDeps } from '../../deps.js'
import { costPicoUsd, zeroTokens, type TokenCounts } from '../../metering/cost.js'
import type { CallMeta } from '../../routing/call-meta.js'
import { record, type AttemptReport } from '../../routing/attempt.js'
import type { ResolvedRoute, Target } from '../../routing/resolve.js'

/** OpenAI's Responses usage, as it arrives in a Response. */
interface ResponsesUsageJson {
  input_tokens?: number
  input_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number }
  output_tokens?: number
  output_tokens_details?: { reasoning_tokens?: number }
}

/** A Response's `usage` as the gateway's token counts (input includes cached reads, output includes reasoning). */
export function tokensOfResponse(response: unknown): TokenCounts {
  const usage = (response as { usage?: ResponsesUsageJson | null } | null)?.usage
  if (!usage) return zeroTokens
  return {
    promptTokens: usage.input_tokens ?? 0,
    completionTokens: usage.output_tokens ?? 0,
    cachedTokens: usage.input_tokens_details?.cached_tokens ?? 0,
    cacheWriteTokens: usage.input_tokens_details?.cache_write_tokens ?? 0,
    reasoningTokens: usage.output_tokens_details?.reasoning_tokens ?? 0,
  }
}

export interface NativeAttemptReport {
  target: Target
  attempt: number
  stream: boolean
  status: number
  error?: ProviderError
  tokens: TokenCounts
  latencyMs: number
  ttftMs: number | null
}

/** The cost of tokens at a target's price (null when the model has no price). */
export function costAt(deps: AppDeps, target: Target, tokens: TokenCounts): number | null {
  return costPicoUsd(deps.prices.lookup(target.providerName, target.upstreamModel), tokens)
}

/** One usage row for one native attempt, written as every chat attempt's is (surface `responses`). */
export function recordNativeAttempt(deps: AppDeps, meta: CallMeta, route: ResolvedRoute, report: NativeAttemptReport): AttemptReport {
  const cost = report.tokens === zeroTokens && report.error ? null : costAt(deps, report.target, report.tokens)
  const outcome = report.error ? (report.error.code === 'aborted' ? 'aborted' : 'error') : 'success'
  const attempt: AttemptReport = {
    target: report.target, attempt: report.attempt, status: report.status, outcome, error: report.error,
    tokens: report.tokens, costPicoUsd: cost, latencyMs: report.latencyMs, ttftMs: report.ttftMs,
  }
  record({ deps, meta, route }, attempt, report.stream)
  if (report.error) deps.targets.recordFailure(report.target.model, report.error)
  return attempt
}
