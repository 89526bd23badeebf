import type * as components from '@mistralai/mistralai/models/components'
import type { ChatCompletionMessageToolCall, CompletionUsage } from 'openai/resources'
import { ProviderError, type ChatCompletion } from '../types.js'
import type { ToolCallIdMap } from './tool-call-ids.js'

export type OpenAIFinishReason = ChatCompletion['choices'][number]['finish_reason']

/** Mistral's finish reasons onto OpenAI's; `error` is a failure, not a way to finish. */
export function mapFinishReason(provider: string, reason: string): OpenAIFinishReason {
  switch (reason) {
    case 'stop':
      return 'stop'
    case 'length':
    case 'model_length':
      return 'length'
    case 'tool_calls':
      return 'tool_calls'
    case 'error':
      throw new ProviderError({ provider, status: 502, code: 'upstream_error', message: `${provider}: the model stopped with an error while generating`, retryable: true })
    default:
      return 'stop'
  }
}

export interface SplitContent {
  text: string
  reasoning: string
}

/** Text and reasoning (Magistral's `thinking` chunks) of a message or delta. */
export function splitContent(content: string | components.ContentChunk[] | null | undefined): SplitContent {
  if (content === null || content === undefined) return { text: '', reasoning: '' }
  if (typeof content === 'string') return { text: content, reasoning: '' }
  let text = ''
  let reasoning = ''
  for (const chunk of content) {
    if (chunk.type === 'text' && 'text' in chunk) text += chunk.text
    else if (chunk.type === 'thinking' && 'thinking' in chunk) {
      for (const part of chunk.thinking) if ('text' in part && typeof part.text === 'string') reasoning += part.text
    }
  }
  return { text, reasoning }
}

function numberField(source: Record<string, unknown>, key: string): number | undefined {
  const value = source[key]
  return typeof value === 'number' ? value : undefined
}

/** Mistral's usage in OpenAI's shape; cached prompt tokens when Mistral reports them. */
export function mapUsage(usage: components.UsageInfo): CompletionUsage {
  const promptTokens = usage.promptTokens ?? 0
  const completionTokens = usage.completionTokens ?? 0
  const out: CompletionUsage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: usage.totalTokens ?? promptTokens + completionTokens,
  }
  // Extra fields arrive as Mistral sent them (snake_case): prompt_tokens_details or num_cached_tokens.
  const raw = usage as Record<string, unknown>
  const details = raw.prompt_tokens_details
  const cached = (details && typeof details === 'object' ? numberField(details as Record<string, unknown>, 'cached_tokens') : undefined)
    ?? numberField(raw, 'num_cached_tokens')
  if (cached !== undefined) out.prompt_tokens_details = { cached_tokens: cached }
  return out
}

function argumentsText(args: components.FunctionCall['arguments']): string {
  return typeof args === 'string' ? args : JSON.stringify(args)
}

export function mapToolCall(call: components.ToolCall, ids: ToolCallIdMap): ChatCompletionMessageToolCall {
  return { id: ids.toOpenAI(call.id ?? ''), type: 'function', function: { name: call.function.name, arguments: argumentsText(call.function.arguments) } }
}

/** A whole Mistral completion as OpenAI's ChatCompletion. */
export function fromMistralResponse(provider: string, response: components.ChatCompletionResponse, ids: ToolCallIdMap): ChatCompletion {
  return {
    id: response.id,
    object: 'chat.completion',
    created: response.created,
    model: response.model,
    choices: response.choices.map((choice) => {
      const { text, reasoning } = splitContent(choice.message?.content)
      const toolCalls = choice.message?.toolCalls?.map((call) => mapToolCall(call, ids))
      const message: ChatCompletion['choices'][number]['message'] & { reasoning_content?: string } = {
        role: 'assistant',
        content: text === '' && (toolCalls?.length || choice.message?.content == null) ? null : text,
        refusal: null,
      }
      if (reasoning) message.reasoning_content = reasoning
      if (toolCalls?.length) message.tool_calls = toolCalls
      return { index: choice.index, message, finish_reason: mapFinishReason(provider, choice.finishReason), logprobs: null }
    }),
    usage: mapUsage(response.usage),
  }
}
