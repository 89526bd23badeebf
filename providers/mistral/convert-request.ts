import type * as components from '@mistralai/mistralai/models/components'
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionContentPart,
  ChatCompletionMessageParam,
  ChatCompletionToolChoiceOption,
  ChatCompletionTool,
} from 'openai/resources'
import { ProviderError, type ChatRequest } from '../types.js'
import { ToolCallIdMap } from './tool-call-ids.js'

/** The request Mistral's SDK takes (camelCase), without `stream`: the caller picks complete or stream. */
export type MistralChatRequest = Omit<components.ChatCompletionRequest, 'stream'>

export interface ConvertRequestOptions {
  provider: string
  /** Drop what Mistral cannot honour instead of answering 400 (config `drop_unsupported_params`). */
  dropUnsupported: boolean
  /** Told each parameter dropped instead of refused. */
  onDropped?: (param: string) => void
}

/** Drops a parameter (and reports it) when the options say so; otherwise the 400. */
function dropOrRefuse(options: ConvertRequestOptions, param: string, what?: string): void {
  if (!options.dropUnsupported) throw unsupported(options.provider, param, what)
  options.onDropped?.(param)
}

export interface ConvertedRequest {
  request: MistralChatRequest
  ids: ToolCallIdMap
}

/** Parameters translated below; anything else with a value is one Mistral cannot honour. */
const translated = new Set([
  'model', 'messages', 'stream', 'stream_options', 'temperature', 'top_p', 'max_tokens', 'max_completion_tokens',
  'stop', 'seed', 'presence_penalty', 'frequency_penalty', 'n', 'tools', 'tool_choice', 'parallel_tool_calls',
  'response_format', 'reasoning_effort', 'prediction', 'prompt_cache_key',
])

export function unsupported(provider: string, param: string, what = `the parameter '${param}'`): ProviderError {
  return new ProviderError({
    provider, status: 400, code: 'unsupported_parameter', retryable: false, param,
    message: `${provider} does not support ${what}. Remove it, or set drop_unsupported_params for this provider.`,
  })
}

/** A value that says nothing: null, undefined, or false for an opt-in flag such as `logprobs`. */
function isEmptyValue(value: unknown): boolean {
  return value === null || value === undefined || value === false
}

type Chunk = components.ContentChunk

function userPart(part: ChatCompletionContentPart, index: number, options: ConvertRequestOptions): Chunk | undefined {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text }
    case 'image_url': {
      const { url, detail } = part.image_url
      return { type: 'image_url', imageUrl: detail ? { url, detail } : url }
    }
    case 'input_audio':
      // Mistral's audio chunk is the base64 data alone; its models detect the format.
      return { type: 'input_audio', inputAudio: part.input_audio.data }
    default:
      dropOrRefuse(options, `messages.content[${index}]`, `content parts of type '${part.type}'`)
      return undefined
  }
}

function textOf(content: string | Array<{ type: string; text?: string; refusal?: string }> | null | undefined): string {
  if (content === null || content === undefined) return ''
  if (typeof content === 'string') return content
  return content.map((part) => part.text ?? part.refusal ?? '').join('')
}

function assistantMessage(message: ChatCompletionAssistantMessageParam, ids: ToolCallIdMap): components.ChatCompletionRequestMessage {
  const toolCalls = message.tool_calls?.flatMap((call) => call.type === 'function'
    ? [{ id: ids.toMistral(call.id), type: 'function' as const, function: { name: call.function.name, arguments: call.function.arguments } }]
    : [])
  const content = textOf(message.content)
  return {
    role: 'assistant',
    content: content === '' && toolCalls?.length ? null : content,
    ...(toolCalls?.length ? { toolCalls } : {}),
  }
}

function convertMessages(messages: ChatCompletionMessageParam[], ids: ToolCallIdMap, options: ConvertRequestOptions): components.ChatCompletionRequestMessage[] {
  // Mistral wants the function's name beside each tool result; OpenAI only sends the call id.
  const toolNames = new Map<string, string>()
  for (const message of messages) {
    if (message.role !== 'assistant') continue
    for (const call of message.tool_calls ?? []) if (call.type === 'function') toolNames.set(call.id, call.function.name)
  }

  return messages.map((message, index): components.ChatCompletionRequestMessage => {
    switch (message.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content: textOf(message.content) }
      case 'user': {
        if (typeof message.content === 'string') return { role: 'user', content: message.content }
        const parts = message.content.flatMap((part, i) => {
          const chunk = userPart(part, i, options)
          return chunk ? [chunk] : []
        })
        return { role: 'user', content: parts }
      }
      case 'assistant':
        return assistantMessage(message, ids)
      case 'tool': {
        const name = toolNames.get(message.tool_call_id)
        return { role: 'tool', content: textOf(message.content), toolCallId: ids.toMistral(message.tool_call_id), ...(name ? { name } : {}) }
      }
      default:
        throw unsupported(options.provider, `messages[${index}].role`, `messages with the role '${message.role}'`)
    }
  })
}

function convertTools(tools: ChatCompletionTool[], options: ConvertRequestOptions): components.ChatCompletionRequestTool[] {
  return tools.flatMap((tool, index) => {
    if (tool.type !== 'function') {
      dropOrRefuse(options, `tools[${index}].type`, `tools of type '${tool.type}'`)
      return []
    }
    const { name, description, parameters, strict } = tool.function
    return [{
      type: 'function' as const,
      function: {
        name,
        ...(description !== undefined ? { description } : {}),
        ...(typeof strict === 'boolean' ? { strict } : {}),
        parameters: parameters ?? { type: 'object', properties: {} },
      },
    }]
  })
}

function convertToolChoice(choice: ChatCompletionToolChoiceOption, options: ConvertRequestOptions): MistralChatRequest['toolChoice'] {
  if (typeof choice === 'string') return choice
  if (choice.type === 'function') return { type: 'function', function: { name: choice.function.name } }
  dropOrRefuse(options, 'tool_choice', `tool_choice of type '${choice.type}'`)
  return undefined
}

function convertResponseFormat(format: NonNullable<ChatRequest['response_format']>, options: ConvertRequestOptions): components.ResponseFormat | undefined {
  switch (format.type) {
    case 'text':
      return { type: 'text' }
    case 'json_object':
      return { type: 'json_object' }
    case 'json_schema': {
      const { name, description, schema, strict } = format.json_schema
      return {
        type: 'json_schema',
        jsonSchema: {
          name,
          ...(description !== undefined ? { description } : {}),
          schemaDefinition: schema ?? {},
          ...(typeof strict === 'boolean' ? { strict } : {}),
        },
      }
    }
    default:
      dropOrRefuse(options, 'response_format', `response_format of type '${(format as { type: string }).type}'`)
      return undefined
  }
}

/**
 * An OpenAI chat request as Mistral's SDK takes it. Every parameter is translated or refused: a parameter
 * Mistral has no equivalent for is a 400 `unsupported_parameter` (or dropped when the config says so).
 */
export function toMistralRequest(req: ChatRequest, options: ConvertRequestOptions): ConvertedRequest {
  for (const [key, value] of Object.entries(req)) {
    if (translated.has(key) || isEmptyValue(value)) continue
    dropOrRefuse(options, key)
  }

  const ids = new ToolCallIdMap()
  const request: MistralChatRequest = { model: req.model, messages: convertMessages(req.messages, ids, options) }
  if (req.temperature != null) request.temperature = req.temperature
  if (req.top_p != null) request.topP = req.top_p
  const maxTokens = req.max_completion_tokens ?? req.max_tokens
  if (maxTokens != null) request.maxTokens = maxTokens
  if (req.stop != null) request.stop = req.stop
  if (req.seed != null) request.randomSeed = req.seed
  if (req.presence_penalty != null) request.presencePenalty = req.presence_penalty
  if (req.frequency_penalty != null) request.frequencyPenalty = req.frequency_penalty
  if (req.n != null) request.n = req.n
  if (req.tools != null) request.tools = convertTools(req.tools, options)
  if (req.tool_choice != null) {
    const choice = convertToolChoice(req.tool_choice, options)
    if (choice !== undefined) request.toolChoice = choice
  }
  if (req.parallel_tool_calls != null) request.parallelToolCalls = req.parallel_tool_calls
  if (req.response_format != null) {
    const format = convertResponseFormat(req.response_format, options)
    if (format) request.responseFormat = format
  }
  if (req.reasoning_effort === 'max') {
    dropOrRefuse(options, 'reasoning_effort', "reasoning_effort 'max'")
  } else if (req.reasoning_effort != null) {
    request.reasoningEffort = req.reasoning_effort
  }
  if (req.prompt_cache_key != null) request.promptCacheKey = req.prompt_cache_key
  if (req.prediction != null) request.prediction = { type: 'content', content: textOf(req.prediction.content) }
  return { request, ids }
}
