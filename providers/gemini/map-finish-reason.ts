import type { ChatCompletion } from '../types.js'

export type OpenAIFinishReason = ChatCompletion.Choice['finish_reason']

/** Gemini stops for safety in many named ways; OpenAI has one name for all of them. */
const FILTERED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT', 'IMAGE_RECITATION'])

/**
 * Gemini's finishReason → OpenAI's. STOP after function calls is `tool_calls` (Gemini has no reason of its
 * own for it); reasons OpenAI has no word for (OTHER, LANGUAGE, MALFORMED_FUNCTION_CALL, …) end as `stop`.
 */
export function mapFinishReason(reason: string | undefined, hasToolCalls: boolean): OpenAIFinishReason {
  if (reason === 'MAX_TOKENS') return 'length'
  if (reason !== undefined && FILTERED.has(reason)) return 'content_filter'
  return hasToolCalls ? 'tool_calls' : 'stop'
}
