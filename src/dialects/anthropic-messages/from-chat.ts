import type { ChatCompletion, CompletionUsage } from 'openai/resources'
import { tokensFromUsage } from '../../metering/usage-of.js'

export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal' | 'pause_turn'

export type ResponseBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }

export interface MessagesUsage {
  input_tokens: number
  output_tokens: number
  cache_read_input_tokens: number
  cache_creation_input_tokens: number
}

/** Anthropic's Message, as the gateway builds it from a translated answer. */
export interface MessagesResponse {
  id: string
  type: 'message'
  role: 'assistant'
  model: string
  content: ResponseBlock[]
  stop_reason: StopReason | null
  stop_sequence: string | null
  usage: MessagesUsage
}

/** OpenAI's finish_reason → Anthropic's stop_reason (OpenAI's `stop` covers a stop sequence too). */
export function stopReasonFor(finish: string | null | undefined): StopReason {
  switch (finish) {
    case 'length': return 'max_tokens'
    case 'tool_calls':
    case 'function_call': return 'tool_use'
    case 'content_filter': return 'refusal'
    default: return 'end_turn'
  }
}

/** OpenAI usage → Anthropic's, where input_tokens leaves out the cache reads and writes. */
export function usageFor(usage: CompletionUsage | null | undefined): MessagesUsage {
  const tokens = tokensFromUsage(usage)
  return {
    input_tokens: Math.max(0, tokens.promptTokens - tokens.cachedTokens - tokens.cacheWriteTokens),
    output_tokens: tokens.completionTokens,
    cache_read_input_tokens: tokens.cachedTokens,
    cache_creation_input_tokens: tokens.cacheWriteTokens,
  }
}

/** Anthropic message ids start with msg_; a translated answer keeps its upstream id behind the prefix. */
export function messageId(upstreamId: string): string {
  return upstreamId.startsWith('msg_') ? upstreamId : `msg_${upstreamId}`
}

/** Tool arguments are a JSON string in OpenAI's format and an object in Anthropic's. */
export function parseToolInput(args: string): unknown {
  if (args.trim() === '') return {}
  try {
    return JSON.parse(args) as unknown
  } catch {
    return {}
  }
}

type MessageWithReasoning = ChatCompletion.Choice['message'] & { reasoning_content?: string | null }

/** A whole ChatCompletion → Anthropic's Message: reasoning as a thinking block, then text, then tool_use. */
export function toMessagesResponse(completion: ChatCompletion, model: string): MessagesResponse {
  const choice = completion.choices[0]
  const message = choice?.message as MessageWithReasoning | undefined
  const content: ResponseBlock[] = []
  if (message?.reasoning_content) content.push({ type: 'thinking', thinking: message.reasoning_content, signature: '' })
  const text = message?.content ?? message?.refusal ?? ''
  if (text !== '') content.push({ type: 'text', text })
  for (const call of message?.tool_calls ?? []) {
    if (call.type !== 'function') continue
    content.push({ type: 'tool_use', id: call.id, name: call.function.name, input: parseToolInput(call.function.arguments) })
  }
  return {
    id: messageId(completion.id),
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: message?.refusal ? 'refusal' : stopReasonFor(choice?.finish_reason),
    stop_sequence: null,
    usage: usageFor(completion.usage),
  }
}
