import type { GenerateContentResponseUsageMetadata } from '@google/genai'
import type { CompletionUsage } from 'openai/resources'

/**
 * Gemini usage → OpenAI's. Thinking is output the caller pays for, so completion_tokens counts it
 * (candidates + thoughts) and reasoning_tokens says how much of it was thinking; tool-use prompt tokens
 * (grounding results fed back in) are prompt.
 */
export function convertUsage(usage: GenerateContentResponseUsageMetadata | undefined): CompletionUsage {
  const prompt = (usage?.promptTokenCount ?? 0) + (usage?.toolUsePromptTokenCount ?? 0)
  const thoughts = usage?.thoughtsTokenCount ?? 0
  const completion = (usage?.candidatesTokenCount ?? 0) + thoughts
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: usage?.cachedContentTokenCount ?? 0 },
    completion_tokens_details: { reasoning_tokens: thoughts },
  }
}
