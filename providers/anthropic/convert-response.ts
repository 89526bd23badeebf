import type { Message, OutputTokensDetails } from '@anthropic-ai/sdk/resources/messages'
import type { ChatCompletionMessageFunctionToolCall, CompletionUsage } from 'openai/resources'
import type { ChatCompletion } from '../types.js'
import { mapStopReason } from './map-stop-reason.js'

/** Anthropic's token counts, as message_start, message_delta and whole messages report them. */
export interface AnthropicUsageCounts {
  input_tokens?: number | null
  output_tokens?: number | null
  cache_read_input_tokens?: number | null
  cache_creation_input_tokens?: number | null
  output_tokens_details?: OutputTokensDetails | null
}

/**
 * Anthropic usage → OpenAI usage. Anthropic counts cache reads and writes apart from `input_tokens`; OpenAI's
 * prompt_tokens includes them, with the reads in cached_tokens and the writes in Manifold's cache_write_tokens.
 */
export function convertUsage(usage: AnthropicUsageCounts): CompletionUsage {
  const cacheRead = usage.cache_read_input_tokens ?? 0
  const cacheWrite = usage.cache_creation_input_tokens ?? 0
  const promptTokens = (usage.input_tokens ?? 0) + cacheRead + cacheWrite
  const completionTokens = usage.output_tokens ?? 0
  const result: CompletionUsage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cacheRead, cache_write_tokens: cacheWrite } as CompletionUsage.PromptTokensDetails,
  }
  const thinking = usage.output_tokens_details?.thinking_tokens
  if (thinking != null) result.completion_tokens_details = { reasoning_tokens: thinking }
  return result
}

/** What the response translation needs beyond the message itself. */
export interface ResponseContext {
  /** Unix seconds for `created` (Anthropic sends no timestamp). */
  created: number
  /** The forced tool standing in for response_format json_object, whose input is the answer. */
  jsonToolName?: string
}

/** The OpenAI assistant message with the reasoning text Manifold exposes beside it. */
type MessageWithReasoning = ChatCompletion.Choice['message'] & { reasoning_content?: string }

/** A whole Anthropic message → an OpenAI chat completion. */
export function convertMessage(message: Message, ctx: ResponseContext): ChatCompletion {
  let text = ''
  let reasoning = ''
  let answeredByJsonTool = false
  const toolCalls: ChatCompletionMessageFunctionToolCall[] = []
  for (const block of message.content) {
    if (block.type === 'text') text += block.text
    else if (block.type === 'thinking') reasoning += block.thinking
    else if (block.type === 'tool_use') {
      if (ctx.jsonToolName !== undefined && block.name === ctx.jsonToolName) {
        text += JSON.stringify(block.input)
        answeredByJsonTool = true
      } else {
        toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } })
      }
    }
  }

  const refused = message.stop_reason === 'refusal'
  const out: MessageWithReasoning = {
    role: 'assistant',
    content: text === '' && (toolCalls.length > 0 || refused) ? null : text,
    refusal: refused ? message.stop_details?.explanation ?? null : null,
  }
  if (toolCalls.length > 0) out.tool_calls = toolCalls
  if (reasoning !== '') out.reasoning_content = reasoning

  return {
    id: message.id,
    object: 'chat.completion',
    created: ctx.created,
    model: message.model,
    choices: [{
      index: 0,
      message: out,
      finish_reason: mapStopReason(message.stop_reason, answeredByJsonTool && toolCalls.length === 0),
      logprobs: null,
    }],
    usage: convertUsage(message.usage),
  }
}
