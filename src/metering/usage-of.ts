import type { CompletionUsage } from 'openai/resources'
import type { TokenCounts } from './cost.js'

/** Manifold's one extension to OpenAI's usage: cache writes (Anthropic's cache_creation_input_tokens). */
export interface PromptTokensDetailsWithWrites {
  cached_tokens?: number
  cache_write_tokens?: number
}

/** Reads OpenAI-shaped usage into the gateway's counts. */
export function tokensFromUsage(usage: CompletionUsage | null | undefined): TokenCounts {
  const promptDetails = usage?.prompt_tokens_details as PromptTokensDetailsWithWrites | undefined
  const prompt = usage?.prompt_tokens ?? 0
  const completion = usage?.completion_tokens ?? 0
  const reasoning = usage?.completion_tokens_details?.reasoning_tokens ?? 0
  // OpenAI counts reasoning inside completion_tokens; xAI reports it beside them (total = prompt +
  // completion + reasoning). Output is billed with reasoning included, so add it where it was left out.
  const reasoningOutside = reasoning > 0 && (usage?.total_tokens ?? 0) >= prompt + completion + reasoning
  return {
    promptTokens: prompt,
    completionTokens: reasoningOutside ? completion + reasoning : completion,
    cachedTokens: promptDetails?.cached_tokens ?? 0,
    cacheWriteTokens: promptDetails?.cache_write_tokens ?? 0,
    reasoningTokens: reasoning,
  }
}
