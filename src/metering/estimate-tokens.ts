import type { ChatCompletionCreateParams } from 'openai/resources'

/** Characters per token of English text with OpenAI's tokenizers: the usual rough rule, no tokenizer shipped. */
const CHARS_PER_TOKEN = 4
const MAX_DEPTH = 12

function countChars(value: unknown, depth: number): number {
  if (typeof value === 'string') return value.length
  if (depth >= MAX_DEPTH || value === null || typeof value !== 'object') return 0
  let sum = 0
  if (Array.isArray(value)) {
    for (const item of value) sum += countChars(item, depth + 1)
  } else {
    for (const item of Object.values(value as Record<string, unknown>)) sum += countChars(item, depth + 1)
  }
  return sum
}

/** The text of the messages and tools at four characters a token. */
export function estimatePromptTokens(body: ChatCompletionCreateParams): number {
  return Math.ceil((countChars(body.messages, 0) + countChars(body.tools ?? null, 0)) / CHARS_PER_TOKEN)
}

/** The most output the call asked for: max_completion_tokens or max_tokens, times n (0 when it set none). */
export function requestedOutputTokens(body: ChatCompletionCreateParams): number {
  const maxOutput = body.max_completion_tokens ?? body.max_tokens ?? 0
  return maxOutput * (body.n ?? 1)
}

/**
 * What a call may use, for the tokens-per-minute reservation: the prompt estimate plus the most output it
 * asked for. A call without a maximum reserves its prompt only; the real usage settles the difference afterwards.
 */
export function estimateCallTokens(body: ChatCompletionCreateParams): number {
  return estimatePromptTokens(body) + requestedOutputTokens(body)
}
