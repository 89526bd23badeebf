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

/**
 * What a call may use, for the tokens-per-minute reservation: the text of the messages and tools at four
 * characters a token, plus the most output it asked for (max_completion_tokens or max_tokens, times n).
 * A call without a maximum reserves its prompt only; the real usage settles the difference afterwards.
 */
export function estimateCallTokens(body: ChatCompletionCreateParams): number {
  const prompt = Math.ceil((countChars(body.messages, 0) + countChars(body.tools ?? null, 0)) / CHARS_PER_TOKEN)
  const maxOutput = body.max_completion_tokens ?? body.max_tokens ?? 0
  return prompt + maxOutput * (body.n ?? 1)
}
