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
  return {
    promptTokens: usage?.prompt_tokens ?? 0,
    completionTokens: usage?.completion_tokens ?? 0,
    cachedTokens: promptDetails?.cached_tokens ?? 0,
    cacheWriteTokens: promptDetails?.cache_write_tokens ?? 0,
    reasoningTokens: usage?.completion_tokens_details?.reasoning_tokens ?? 0,
  }
}
